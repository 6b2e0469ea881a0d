// Keyboard review on the review queue: j and k move between proposals, c
// confirms, r rejects and d disputes the one in focus (each submits that
// record's own form, so the server checks it as any click). Nothing else
// needs script.
"use strict";
(function () {
  const table = document.querySelector("table.records[data-review]");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tr.record"));
  if (rows.length === 0) return;
  let at = 0;
  const focus = (n) => {
    rows[at].classList.remove("focused");
    at = Math.max(0, Math.min(rows.length - 1, n));
    rows[at].classList.add("focused");
    rows[at].scrollIntoView({ block: "nearest" });
  };
  focus(0);
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === "j") focus(at + 1);
    else if (event.key === "k") focus(at - 1);
    else {
      const button = rows[at].querySelector('button[data-key="' + event.key + '"]');
      if (button) button.closest("form").submit();
    }
  });
})();
