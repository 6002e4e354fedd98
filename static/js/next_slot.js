// "Next free slot" (planner/compose) and "Best free time" (planner/insights): ask the server
// for the platform's first free posting slot, or its best free time ahead, and put it in the
// publish time (the post form's platform select, or a composer section's own platform).
(function () {
  "use strict";
  document.querySelectorAll("[data-next-slot]").forEach((box) => {
    box.hidden = false;
    const said = box.querySelector("[data-slot-said]");
    const form = box.closest("form");
    box.querySelectorAll("button").forEach((button) => button.addEventListener("click", async () => {
      const select = form.querySelector("select[name=platform]");
      const platform = button.dataset.platform || (select ? select.value : "");
      if (!platform) { said.textContent = "Choose a platform first."; return; }
      const url = button.dataset.url + "?platform=" + encodeURIComponent(platform);
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) { said.textContent = "Could not ask for a time; try again."; return; }
      const found = await response.json();
      said.textContent = found.label;
      if (found.value) {
        const input = form.querySelector(`input[name="${button.dataset.target}"]`);
        input.value = found.value;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }));
  });
})();
