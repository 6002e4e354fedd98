// The what-if planner: sliders beside the numbers, a helper that moves money between the
// sides at the hourly rate, and the save form kept in step. The projection itself is redrawn
// by htmx from the server (the fieldset's hx-get) whenever a number changes.
(function () {
  "use strict";
  const form = document.getElementById("whatif-form");
  if (!form) return;
  const rate = parseFloat(form.dataset.rate) || 0;
  const numbers = Array.from(form.querySelectorAll("[data-segment] input[type=number]"));
  const kindOf = (number) => number.closest("[data-segment]").dataset.kind;
  const value = (number) => parseFloat(number.value) || 0;
  const round = (amount) => Math.round(amount * 100) / 100;

  function slider(number) {
    return form.querySelector('[data-slider-for="' + number.id + '"]');
  }

  function copyOut(number) {
    const copy = document.querySelector('[data-copy-of="' + number.id + '"]');
    if (copy) copy.value = number.value;
  }

  function show(number) {
    const range = slider(number);
    if (value(number) > parseFloat(range.max)) range.max = String(value(number));
    range.value = String(value(number));
    copyOut(number);
  }

  function changed() {
    // One event for htmx to redraw the projection (it listens on the fieldset).
    if (numbers.length) numbers[0].dispatchEvent(new Event("input", { bubbles: true }));
  }

  numbers.forEach((number) => {
    const range = slider(number);
    const baseline = parseFloat(number.dataset.baseline) || 0;
    const hours = kindOf(number) === "smo";
    range.max = String(Math.max(baseline * 3, hours ? 10 : 100));
    range.step = hours ? "0.25" : "1";
    show(number);
    range.addEventListener("input", () => {
      number.value = range.value;
      copyOut(number);
      number.dispatchEvent(new Event("input", { bubbles: true }));
    });
    number.addEventListener("input", () => show(number));
  });

  const panel = form.querySelector("[data-move-panel]");
  const reset = form.querySelector("[data-reset]");
  if (!panel || !numbers.length) return;
  panel.classList.remove("d-none");
  reset.classList.remove("d-none");
  const note = panel.querySelector("[data-move-note]");

  reset.addEventListener("click", () => {
    numbers.forEach((number) => {
      number.value = number.dataset.baseline;
      show(number);
    });
    changed();
  });

  // A side's inputs in money: organic hours priced at the rate.
  const money = (kind, amount) => (kind === "smo" ? amount * rate : amount);
  const unmoney = (kind, amount) => (kind === "smo" ? amount / rate : amount);

  panel.querySelector("[data-move]").addEventListener("click", () => {
    const amount = parseFloat(document.getElementById("move-amount").value) || 0;
    const [from, to] = document.getElementById("move-direction").value.split("-");
    const giving = numbers.filter((n) => kindOf(n) === from);
    const taking = numbers.filter((n) => kindOf(n) === to);
    if (!rate) {
      note.textContent = "Hours are priced at 0 in this business: set an hourly rate to move money between the sides.";
      return;
    }
    if (!giving.length || !taking.length) {
      note.textContent = "One side has no platform with history to move to or from: change the numbers instead.";
      return;
    }
    const given = giving.reduce((sum, n) => sum + money(from, value(n)), 0);
    const moved = Math.min(amount, given);
    if (!moved) return;
    giving.forEach((n) => {
      const own = money(from, value(n));
      n.value = String(round(unmoney(from, own - (moved * own) / given)));
      show(n);
    });
    const taken = taking.reduce((sum, n) => sum + money(to, value(n)), 0);
    taking.forEach((n) => {
      const own = money(to, value(n));
      const share = taken ? own / taken : 1 / taking.length;
      n.value = String(round(unmoney(to, own + moved * share)));
      show(n);
    });
    note.textContent = "Moved " + round(moved) + (moved < amount ? " (all the side had)" : "") + ".";
    changed();
  });
})();
