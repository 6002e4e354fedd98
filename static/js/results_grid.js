// The results grid: a block pasted into a cell (tab-separated columns, one line per day, as
// spreadsheets copy it) fills the grid from that cell, to the right and down. What does not
// fit (more columns or days than the grid has) is left out, and the note under the grid says so.
(function () {
  "use strict";
  const table = document.getElementById("results-grid");
  if (!table) return;
  const note = document.getElementById("grid-paste-note");
  const rows = Array.from(table.tBodies[0].rows).map((row) => Array.from(row.querySelectorAll("input.grid-cell")));

  table.addEventListener("paste", (event) => {
    const cell = event.target;
    if (!cell.classList || !cell.classList.contains("grid-cell")) return;
    const text = (event.clipboardData || window.clipboardData).getData("text");
    if (!text.includes("\t") && !text.includes("\n")) return; // one value: the browser's own paste
    event.preventDefault();
    const lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    const top = rows.findIndex((row) => row.includes(cell));
    const left = rows[top].indexOf(cell);
    let filled = 0;
    let dropped = 0;
    lines.forEach((line, down) => {
      line.split("\t").forEach((value, across) => {
        const target = rows[top + down] && rows[top + down][left + across];
        if (target) {
          target.value = value.trim().replace(/[\s,](?=\d{3}\b)/g, ""); // 1,234 or 1 234 as typed
          filled += 1;
        } else {
          dropped += 1;
        }
      });
    });
    note.textContent = `Pasted ${filled} value(s)` + (dropped ? `; ${dropped} did not fit the grid and were left out.` : ".");
  });
})();
