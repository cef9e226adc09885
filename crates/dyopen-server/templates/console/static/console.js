// dyopen console: copy buttons and the journal's live tail. Every page works without it.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  event.preventDefault();
  const text = button.getAttribute("data-copy");
  const done = () => {
    const label = button.textContent;
    button.textContent = "已复制 Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
  } else {
    fallbackCopy(text, done);
  }
});

function fallbackCopy(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "absolute";
  area.style.left = "-9999px";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); done(); } finally { area.remove(); }
}

document.addEventListener("submit", (event) => {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) event.preventDefault();
});

// The journal tail: rows arrive as escaped HTML rendered by the server.
window.addEventListener("DOMContentLoaded", () => {
  const body = document.querySelector("tbody[data-tail]");
  if (!body || !window.EventSource) return;
  const status = document.getElementById("tail-status");
  const source = new EventSource(body.getAttribute("data-tail"));
  source.addEventListener("open", () => { if (status) status.textContent = "实时 Live"; });
  source.addEventListener("error", () => { if (status) status.textContent = "重连中 Reconnecting…"; });
  source.addEventListener("entry", (e) => {
    body.insertAdjacentHTML("afterbegin", e.data);
    const empty = body.querySelector("tr.empty");
    if (empty) empty.remove();
    while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
  });
});
