// The post form's "Insert a template" and "Add hashtags" menus (planner/compose): a template's
// text goes where the cursor is in the post's text, a group's hashtags join the post's own
// (each once); the live counter hears of it as of typing.
(function () {
  "use strict";
  const data = document.getElementById("composer-snippets");
  if (!data) return;
  const snippets = JSON.parse(data.textContent);
  const text = document.querySelector("textarea[name=post_text]");
  const tags = document.querySelector("input[name=hashtags]");
  document.querySelectorAll("[data-snippet-menu]").forEach((menu) => { menu.hidden = false; });

  function changed(field) {
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }

  const template = document.querySelector("select[data-insert=template]");
  if (template && text) {
    template.addEventListener("change", () => {
      const item = snippets.templates[template.value];
      template.value = "";
      if (!item) return;
      const start = text.selectionStart ?? text.value.length;
      const end = text.selectionEnd ?? start;
      text.value = text.value.slice(0, start) + item.text + text.value.slice(end);
      text.selectionStart = text.selectionEnd = start + item.text.length;
      changed(text);
    });
  }

  const group = document.querySelector("select[data-insert=hashtags]");
  if (group && tags) {
    group.addEventListener("change", () => {
      const item = snippets.hashtags[group.value];
      group.value = "";
      if (!item) return;
      const have = tags.value.split(/[\s,]+/).filter(Boolean);
      const seen = new Set(have.map((tag) => tag.replace(/^#/, "").toLowerCase()));
      item.text.split(/\s+/).forEach((tag) => {
        const word = tag.replace(/^#/, "").toLowerCase();
        if (word && !seen.has(word)) { have.push(tag); seen.add(word); }
      });
      tags.value = have.join(" ");
      changed(tags);
    });
  }
})();
