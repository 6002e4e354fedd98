// Dashboard charts (Chart.js, vendored) from the numbers the page passes with json_script.
// Every chart has a table with the same numbers on the page, and paid bars are hatched, so
// nothing relies on colour alone.
(function () {
  "use strict";
  const printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", () => window.print());

  // Show the custom date fields only for the custom period.
  const period = document.querySelector("select[name=period]");
  const customFields = document.querySelectorAll("[data-custom-range]");
  function toggleCustom() {
    const custom = period && period.value === "custom";
    customFields.forEach((el) => el.classList.toggle("d-none", !custom));
  }
  if (period) { period.addEventListener("change", toggleCustom); toggleCustom(); }

  const dataElement = document.getElementById("chart-data");
  if (!dataElement || typeof Chart === "undefined") return;
  const data = JSON.parse(dataElement.textContent);
  // Organic dark and solid, paid light and striped: told apart in greyscale and without
  // colour too (tests/test_colours.py checks the lightness between them).
  const GREEN = "#146c43";
  const BLUE = "#6ea8fe";
  const money = new Intl.NumberFormat("en-US", { style: "currency", currency: data.currency });
  const hours = (v) => v.toLocaleString("en-US") + " h";

  function hatch(color) {
    const size = 8;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = "rgba(0,0,0,0.55)";
    ctx.lineWidth = 2.5;
    ctx.beginPath();
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
    ctx.stroke();
    return ctx.createPattern(canvas, "repeat");
  }
  // People who ask their system for less motion get charts drawn at once, without animation.
  const MOTION = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? { animation: false } : {};

  const PAID = hatch(BLUE);
  const LABELS = ["SMO (organic)", "SMM (paid)"];

  function doughnut(id, values, format) {
    const el = document.getElementById(id);
    if (!el) return;
    const total = values[0] + values[1];
    new Chart(el, {
      type: "doughnut",
      data: { labels: LABELS, datasets: [{ data: values, backgroundColor: [GREEN, PAID], borderColor: "#fff" }] },
      options: {
        ...MOTION,
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (ctx) => {
                const share = total ? " (" + (100 * ctx.raw / total).toFixed(1) + "%)" : "";
                return ctx.label + ": " + format(ctx.raw) + share;
              },
            },
          },
        },
      },
    });
  }

  function bars(id, labels, smo, smm, format, stacked) {
    const el = document.getElementById(id);
    if (!el) return;
    new Chart(el, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [
          { label: LABELS[0], data: smo, backgroundColor: GREEN },
          { label: LABELS[1], data: smm, backgroundColor: PAID, borderColor: BLUE, borderWidth: 1 },
        ],
      },
      options: {
        ...MOTION,
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, ticks: { callback: (v) => format(v) } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: (ctx) => ctx.dataset.label + ": " + format(ctx.raw) } },
        },
      },
    });
  }

  doughnut("chart-effort", data.effort, hours);
  doughnut("chart-cost", data.cost, (v) => money.format(v));
  bars("chart-hours-time", data.labels, data.hours.smo, data.hours.smm, hours, true);
  bars("chart-cost-time", data.labels, data.costSeries.smo, data.costSeries.smm, (v) => money.format(v), true);
  bars("chart-platform-hours", data.platforms, data.platformHours.smo, data.platformHours.smm, hours, false);
  bars("chart-platform-cost", data.platforms, data.platformCost.smo, data.platformCost.smm, (v) => money.format(v), false);
})();
