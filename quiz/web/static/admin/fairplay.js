// The admin console's fair-play page: the suspects report and account holds, over the JSON API.
// Self-contained ES module (no build step, no CDN).

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/fair-play/suspects": ["reasons", "rows[].user_id", "rows[].username",
    "rows[].display_name", "rows[].reasons", "rows[].answers", "rows[].too_fast",
    "rows[].registered_ip_accounts", "rows[].redemptions_pending", "rows[].on_hold"],
  "GET /api/v1/admin/fair-play/holds": ["items[].id", "items[].username",
    "items[].display_name", "items[].held_at", "items[].hold_memo"],
};

const status = document.getElementById("fp-status");
let reasonLabels = {};

async function api(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") {
    options.headers["X-Requested-With"] = "XMLHttpRequest";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.detail || `请求失败（${response.status}）`);
  }
  return data;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text == null ? "" : String(text);
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  const td = document.createElement("td");
  td.append(b);
  return td;
}

function fill(tbody, rows, empty, columns) {
  tbody.replaceChildren();
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = cell(empty);
    td.colSpan = columns;
    td.className = "muted";
    tr.append(td);
    tbody.append(tr);
  }
  for (const row of rows) tbody.append(row);
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "";
}

async function setHold(action, userId, memo) {
  if (!memo) {
    memo = window.prompt(action === "hold" ? "暂停原因（必填）" : "解除原因（必填）");
    if (!memo) return;
  }
  try {
    await api("POST", `/api/v1/admin/users/${encodeURIComponent(userId)}/${action}`, { memo });
    status.textContent = action === "hold" ? `已暂停用户 ${userId} 的兑换。` : `已解除用户 ${userId} 的暂停。`;
    await Promise.all([loadSuspects(), loadHolds()]);
  } catch (error) {
    status.textContent = error.message;
  }
}

async function loadSuspects() {
  const from = document.getElementById("fp-from").value;
  const to = document.getElementById("fp-to").value;
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const tbody = document.querySelector("#fp-suspects tbody");
  try {
    const data = await api("GET", `/api/v1/admin/fair-play/suspects?${query}`);
    reasonLabels = data.reasons || {};
    const rows = data.rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.userId = r.user_id;
      const reasons = r.reasons.map((key) => reasonLabels[key] || key).join("；");
      tr.append(cell(r.user_id), cell(`${r.username}（${r.display_name}）`), cell(reasons),
        cell(r.answers), cell(r.too_fast), cell(r.registered_ip_accounts), cell(r.redemptions_pending));
      tr.append(r.on_hold
        ? button("解除暂停", () => setHold("release", r.user_id))
        : button("暂停兑换", () => setHold("hold", r.user_id)));
      return tr;
    });
    fill(tbody, rows, "这段时间没有可疑账户。", 8);
  } catch (error) {
    fill(tbody, [], error.message, 8);
  }
}

async function loadHolds() {
  const tbody = document.querySelector("#fp-holds tbody");
  try {
    const data = await api("GET", "/api/v1/admin/fair-play/holds");
    const rows = data.items.map((u) => {
      const tr = document.createElement("tr");
      tr.dataset.userId = u.id;
      tr.append(cell(u.id), cell(`${u.username}（${u.display_name}）`), cell(when(u.held_at)),
        cell(u.hold_memo), button("解除暂停", () => setHold("release", u.id)));
      return tr;
    });
    fill(tbody, rows, "没有暂停中的账户。", 5);
  } catch (error) {
    fill(tbody, [], error.message, 5);
  }
}

document.getElementById("fp-range").addEventListener("submit", (event) => {
  event.preventDefault();
  loadSuspects();
});

document.getElementById("fp-hold-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const action = event.submitter && event.submitter.value === "release" ? "release" : "hold";
  setHold(action, form.user_id.value, form.memo.value.trim());
});

const to = document.getElementById("fp-to");
const from = document.getElementById("fp-from");
if (to.value) {
  const start = new Date(`${to.value}T00:00:00`);
  start.setDate(start.getDate() - 6);
  const pad = (n) => String(n).padStart(2, "0");
  from.value = `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`;
}
loadSuspects();
loadHolds();
