// Content calendar: one "Move" form open at a time (Escape closes it and gives focus back),
// the new-time field focused when a form opens, a post dragged to another day (its "Move"
// form sent with that day and the post's own time: the same rules and version check), and a
// confirmation before the feed's address is replaced. The "Copy" button of the feed's
// address is static/js/copy.js.
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

  let dragged = null;
  document.querySelectorAll("li.cal-post[draggable=true], li.cal-bar[draggable=true]").forEach((item) => {
    item.addEventListener("dragstart", (event) => {
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.task);
      item.classList.add("cal-dragging");
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("cal-dragging");
      document.querySelectorAll(".cal-drop").forEach((day) => day.classList.remove("cal-drop"));
    });
  });
  document.querySelectorAll(".cal-day[data-date] .cal-day-body").forEach((body) => {
    const day = body.closest("[data-date]");
    body.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault(); // this day takes the drop
      body.classList.add("cal-drop");
    });
    body.addEventListener("dragleave", () => body.classList.remove("cal-drop"));
    body.addEventListener("drop", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const item = dragged;
      dragged = null;
      if (item.classList.contains("cal-bar")) { // an ad: its flight starts on this day
        const form = document.getElementById("flight-move");
        if (!form || item.dataset.start === day.dataset.date) return;
        form.action = item.dataset.moveUrl;
        form.querySelector("input[name=flight_start]").value = day.dataset.date;
        form.querySelector("input[name=seen_version]").value = item.dataset.version;
        form.submit();
        return;
      }
      const form = item.querySelector("form.cal-move-form");
      const at = item.dataset.at; // "YYYY-MM-DDTHH:MM", the business's time
      if (!form || !at || at.slice(0, 10) === day.dataset.date) return;
      form.querySelector("input[name=scheduled_at]").value = day.dataset.date + at.slice(10);
      form.submit();
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
