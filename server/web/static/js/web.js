// Progressive enhancement only: every page works without this file.
"use strict";

// Ask before a destructive button (data-confirm) goes ahead.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Sort the cohort overview in place (the links still work without JavaScript).
const table = document.getElementById("overview");
if (table) {
  const numeric = new Set(["count", "projected"]);
  const statusOrder = { missed: 0, at_risk: 1, "": 2, upcoming: 3, on_track: 4, met: 5 };
  table.querySelectorAll("th a[data-sort]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const key = link.dataset.sort;
      const th = link.closest("th");
      const descending = th.getAttribute("aria-sort") === "ascending";
      const value = (row) => {
        const raw = row.dataset[key];
        if (key === "status") return statusOrder[raw] ?? 2;
        return numeric.has(key) ? Number(raw) : raw;
      };
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = value(a), y = value(b);
        const order = x < y ? -1 : x > y ? 1 : a.dataset.name.localeCompare(b.dataset.name);
        return descending ? -order : order;
      });
      body.append(...rows);
      table.querySelectorAll("th").forEach((cell) => {
        cell.removeAttribute("aria-sort");
        const mark = cell.querySelector(".sort-mark");
        if (mark) mark.textContent = "";
      });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      th.querySelector(".sort-mark").textContent = descending ? " ▼" : " ▲";
      const url = new URL(link.href);
      url.searchParams.set("dir", descending ? "desc" : "asc");
      history.replaceState(null, "", url);
    });
  });
}
