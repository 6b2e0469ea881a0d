// The workspace's only script; every page works without it.
// - The review queue: j and k move between proposals, c confirms, r
//   rejects, d disputes the one in focus (each submits that record's own
//   form, so the server checks it as any click); e and m put the cursor in
//   its label or merge field.
// - The upload form: each file is sent on its own, with a progress bar
//   and a line per file added or refused.
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
      const field = rows[at].querySelector('input[data-key="' + event.key + '"]');
      if (field) {
        event.preventDefault();
        field.focus();
        field.select();
        return;
      }
      const button = rows[at].querySelector('button[data-key="' + event.key + '"]');
      if (button) button.closest("form").submit();
    }
  });
})();

(function () {
  const form = document.querySelector("form.upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const bar = form.querySelector("progress");
  const out = form.querySelector("output");
  const say = (text) => {
    const line = document.createElement("div");
    line.textContent = text;
    out.appendChild(line);
  };
  const send = (file, fields) =>
    new Promise((resolve) => {
      const body = new FormData();
      for (const [name, value] of fields) body.append(name, value);
      body.append("file", file, file.webkitRelativePath || file.name);
      const request = new XMLHttpRequest();
      request.open("POST", "/sources");
      request.setRequestHeader("Accept", "application/json");
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) bar.value = (100 * event.loaded) / event.total;
      };
      request.onload = () => {
        let answer = null;
        try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
        if (request.status === 200 && Array.isArray(answer)) {
          for (const added of answer) {
            say(added.name + ": added as source #" + added.index +
              (added.same_as !== null ? " (the bytes of source #" + added.same_as + ", again)" : ""));
          }
          resolve(true);
        } else {
          const why = request.responseText.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
          say(file.name + ": not added (" + request.status + "): " + why.slice(0, 300));
          resolve(false);
        }
      };
      request.onerror = () => { say(file.name + ": the connection failed"); resolve(false); };
      request.send(body);
    });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const files = [];
    for (const input of form.querySelectorAll('input[type="file"]')) files.push(...input.files);
    const fields = [];
    for (const element of form.elements) {
      if (element.name && element.type !== "file" && element.type !== "submit") fields.push([element.name, element.value]);
    }
    out.textContent = "";
    bar.hidden = false;
    let done = 0;
    for (const file of files) {
      bar.value = 0;
      await send(file, fields);
      done += 1;
      form.dataset.done = String(done);
    }
    say(done + " of " + files.length + " files sent.");
    form.dataset.finished = "yes";
  });
})();
