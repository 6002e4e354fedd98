// The composer (planner/compose): shows the sections of the ticked platforms only, and gives
// each its live counter, which counts the platform's own text and hashtags or, where blank,
// the main post's (as the server does when it saves).
(function () {
  "use strict";
  const form = document.querySelector("form[data-composer]");
  if (!form || !window.PostCounter) return;
  const rules = JSON.parse(document.getElementById("post-limits").textContent);
  const mainText = form.querySelector("textarea[name=post_text]");
  const mainTags = form.querySelector("input[name=hashtags]");
  const ticks = Array.from(form.querySelectorAll("input[name=platforms]"));
  form.querySelectorAll("[data-no-js-note]").forEach((note) => { note.hidden = true; });

  const updates = [];
  form.querySelectorAll("[data-section]").forEach((section) => {
    const text = section.querySelector("textarea[name$=-post_text]");
    const tags = section.querySelector("input[name$=-hashtags]");
    const kind = section.dataset.kind;
    const own = (field, main) => (field && field.value.trim() ? field.value : (main ? main.value : ""));
    updates.push(window.PostCounter.attach(text, () => ({
      kind: kind, body: own(text, mainText), hashtags: own(tags, mainTags),
    }), rules));
  });
  function showChosen() {
    const chosen = new Set(ticks.filter((tick) => tick.checked).map((tick) => tick.value));
    form.querySelectorAll("[data-section]").forEach((section) => {
      section.hidden = !("saved" in section.dataset) && !chosen.has(section.dataset.platform);
    });
  }
  form.addEventListener("input", () => updates.forEach((update) => update()));
  form.addEventListener("change", () => { updates.forEach((update) => update()); showChosen(); });
  showChosen();
})();
