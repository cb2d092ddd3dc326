// panelsim dashboard: live updates of the Tasks and Journal pages from the world's event
// stream (/_sim/ui/events relays GET /_sim/events). Rows are built with textContent only.
"use strict";
(function () {
  const page = document.body.dataset.page;
  if (page !== "tasks" && page !== "journal") return;

  function vtime(s) { return s.replace("T", " ").replace(/(\.\d+)?Z$/, ""); }
  function cell(tr, text, cls) {
    const td = document.createElement("td");
    if (text instanceof Node) td.appendChild(text); else td.textContent = text;
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  }
  function none(tbody, cols, text) {
    const tr = document.createElement("tr");
    tr.className = "none";
    const td = cell(tr, text);
    td.colSpan = cols;
    tbody.appendChild(tr);
  }
  const live = document.getElementById("live");
  let url = "/_sim/ui/events";
  const table = document.getElementById("journal");
  if (page === "journal" && table) url += "?after=" + (table.dataset.last || "0");
  const es = new EventSource(url);
  es.onopen = function () { live.textContent = "live"; live.classList.add("on"); };
  es.onerror = function () { live.textContent = "reconnecting…"; live.classList.remove("on"); };

  es.addEventListener("tasks", function (ev) {
    if (page !== "tasks") return;
    const t = JSON.parse(ev.data);
    const now = document.getElementById("clock-now");
    if (now) now.textContent = vtime(t.now);
    document.getElementById("task-total").textContent = t.total;
    const pending = document.querySelector("#pending tbody");
    pending.replaceChildren();
    for (const p of t.pending) {
      const tr = document.createElement("tr");
      tr.dataset.task = p.id;
      cell(tr, String(p.id)); cell(tr, p.provider); cell(tr, p.kind); cell(tr, vtime(p.due)); cell(tr, vtime(p.created));
      const td = cell(tr, "", "progress");
      if (p.progress !== undefined && p.progress !== null) {
        const bar = document.createElement("progress");
        bar.max = 100; bar.value = p.progress;
        td.appendChild(bar);
        const pct = document.createElement("span");
        pct.className = "pct"; pct.textContent = " " + p.progress + "%";
        td.appendChild(pct);
        if (p.action) { const a = document.createElement("span"); a.className = "action"; a.textContent = " " + p.action; td.appendChild(a); }
      } else if (p.step !== undefined && p.step !== null) {
        td.textContent = "step " + (p.step + 1);
      }
      pending.appendChild(tr);
    }
    if (!t.pending.length) none(pending, 6, "No task is pending.");
    const ran = document.querySelector("#ran tbody");
    ran.replaceChildren();
    for (const r of t.ran) {
      const tr = document.createElement("tr");
      cell(tr, vtime(r.at)); cell(tr, String(r.id)); cell(tr, r.provider); cell(tr, r.kind); cell(tr, vtime(r.created));
      ran.appendChild(tr);
    }
    if (!t.ran.length) none(ran, 5, "No task has run yet.");
  });

  es.addEventListener("journal", function (ev) {
    if (page !== "journal") return;
    const e = JSON.parse(ev.data);
    const op = document.getElementById("f-operation").value;
    const status = document.getElementById("f-status").value.trim();
    table.dataset.last = e.seq;
    if ((op && e.operation !== op) || (status && String(e.status) !== status)) return;
    const tbody = table.querySelector("tbody");
    const empty = tbody.querySelector("tr.none");
    if (empty) empty.remove();
    const tr = document.createElement("tr");
    tr.className = "entry fresh";
    tr.dataset.seq = e.seq;
    cell(tr, String(e.seq)); cell(tr, vtime(e.time)); cell(tr, e.provider); cell(tr, e.operation || "");
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = e.method + " " + e.path;
    details.appendChild(summary);
    const dl = document.createElement("dl");
    function item(k, v) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd");
      if (v instanceof Node) dd.appendChild(v); else dd.textContent = v;
      dl.appendChild(dt); dl.appendChild(dd);
    }
    const code = document.createElement("code");
    code.textContent = e.method + " " + e.path + (e.query ? "?" + e.query : "");
    item("Request", code);
    item("Received", vtime(e.time) + " virtual · " + e.wallTime.substr(11, 12) + " host");
    item("Answer", "status " + e.status + " in " + e.durationMs.toFixed(2) + " ms");
    if (e.rule) { const a = document.createElement("a"); a.href = "/_sim/ui/scenarios"; a.textContent = e.rule; item("Scenario rule", a); }
    else item("Scenario rule", "none");
    if (e.leniency) item("Leniency", e.leniency);
    function body(text, bytes, type) {
      if (!bytes) return "none";
      const wrap = document.createElement("span");
      const pre = document.createElement("pre"); pre.className = "body"; pre.textContent = text;
      wrap.appendChild(pre);
      const note = document.createElement("span"); note.className = "hint";
      note.textContent = (type || "no content type") + ", " + bytes + " bytes" + (bytes > text.length ? " (first " + text.length + " shown)" : "");
      wrap.appendChild(note);
      return wrap;
    }
    if (e.exchange) {
      item("Request body", body(e.exchange.requestBody, e.exchange.requestBytes, e.exchange.requestContentType));
      item("Answer body", body(e.exchange.responseBody, e.exchange.responseBytes, e.exchange.responseContentType));
    } else item("Bodies", "no longer kept");
    details.appendChild(dl);
    cell(tr, details);
    const cls = e.status >= 500 || e.status === 0 ? "s5" : e.status >= 400 ? "s4" : "s2";
    cell(tr, String(e.status), "status " + cls);
    cell(tr, e.durationMs.toFixed(2), "num");
    cell(tr, e.rule || "", "rule");
    tbody.insertBefore(tr, tbody.firstChild);
  });
})();
