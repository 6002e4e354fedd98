// Content calendar: one "Move" form open at a time (Escape closes it and gives focus back),
// the new-time field focused when a form opens, and a confirmation before the feed's address
// is replaced. The "Copy" button of the feed's address is static/js/copy.js.
(function () {
  "use strict";
  const movers = Array.from(document.querySelectorAll("details.cal-move"));

  movers.forEach((details) => {
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      movers.forEach((other) => { if (other !== details) other.open = false; });
      const input = details.querySelector("input[name=scheduled_at]");
      if (input) input.focus();
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = movers.find((details) => details.open);
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });

  // A click outside an open form closes it, as a menu would.
  document.addEventListener("click", (event) => {
    movers.forEach((details) => {
      if (details.open && !details.contains(event.target)) details.open = false;
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
