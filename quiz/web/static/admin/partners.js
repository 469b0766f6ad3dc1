/* 合作方: register partners of the points API, show a secret once, rotate, suspend, the day's report. */
import { $, api, clear, el, emptyRow, fail, flash, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/partners": ["items[].id", "items[].name", "items[].scopes", "items[].status",
    "items[].daily_debit_limit", "items[].requests_per_minute"],
  "POST /api/v1/admin/partners": ["id", "name", "scopes", "status", "daily_debit_limit",
    "requests_per_minute", "secret"],
  "POST /api/v1/admin/partners/{partner_id}/rotate": ["secret"],
  "POST /api/v1/admin/partners/{partner_id}/suspend": ["id", "name", "scopes", "status",
    "daily_debit_limit", "requests_per_minute"],
  "POST /api/v1/admin/partners/{partner_id}/resume": ["id", "name", "scopes", "status",
    "daily_debit_limit", "requests_per_minute"],
  "GET /api/v1/admin/partners/report": ["rows[].partner", "rows[].debits", "rows[].debited",
    "rows[].refunds", "rows[].refunded", "rows[].ledger_debited", "rows[].ledger_refunded", "rows[].agrees"],
};

const SCOPE_NAMES = { balance: "查询余额", debit: "扣减", refund: "退还", reminders: "提醒名单" };
const body = $("#partner-table tbody");

function showSecret(secret) {
  $("#partner-secret-value").textContent = secret;
  $("#partner-secret").hidden = false;
}

function act(p, path, label) {
  return el("button", { type: "button", text: label, onclick: () => {
    if (path === "rotate" && !confirm(`为「${p.name}」生成新密钥？旧密钥在过渡期内仍可用。`)) return;
    api("POST", `/admin/partners/${p.id}/${path}`).then((answer) => {
      if (path === "rotate") { showSecret(answer.secret); flash(`「${p.name}」已生成新密钥。`, "ok"); }
      else { body.replaceChild(row(answer), $(`tr[data-partner-id="${p.id}"]`, body)); }
    }).catch(fail);
  } });
}

function row(p) {
  return el("tr", { "data-partner-id": p.id },
    el("td", { text: p.id }), el("td", { text: p.name }),
    el("td", { text: p.scopes.map((s) => SCOPE_NAMES[s] || s).join("、") }),
    el("td", { text: p.status === "active" ? "正常" : "已暂停" }),
    el("td", { className: "num", text: p.daily_debit_limit ?? "不限" }),
    el("td", { className: "num", text: p.requests_per_minute }),
    el("td", {}, act(p, "rotate", "轮换密钥"), " ",
      p.status === "active" ? act(p, "suspend", "暂停") : act(p, "resume", "恢复")));
}

function loadPartners() {
  return api("GET", "/admin/partners?limit=100").then((page) => {
    clear(body).append(...page.items.map(row));
    if (!page.items.length) body.appendChild(emptyRow(7, "还没有合作方"));
  }).catch(fail);
}

onSubmit($("#partner-form"), (data) => {
  const scopes = Object.keys(SCOPE_NAMES).filter((s) => data["scope_" + s]);
  const ips = data.allowed_ips.split(/\s+/).filter(Boolean);
  const payload = { name: data.name.trim(), scopes, allowed_ips: ips,
    daily_debit_limit: data.daily_debit_limit ? Number(data.daily_debit_limit) : null,
    requests_per_minute: data.requests_per_minute ? Number(data.requests_per_minute) : null };
  return api("POST", "/admin/partners", payload).then((p) => {
    showSecret(p.secret);
    flash(`已登记「${p.name}」。请立即保存密钥，之后不会再显示。`, "ok");
    $("#partner-form").reset();
    return loadPartners();
  });
});

const report = $("#report-table tbody");
function loadReport(day) {
  return api("GET", `/admin/partners/report?date=${encodeURIComponent(day)}`).then((data) => {
    clear(report).append(...data.rows.map((r) => el("tr", {},
      el("td", { text: r.partner }), el("td", { className: "num", text: r.debits }),
      el("td", { className: "num", text: r.debited }), el("td", { className: "num", text: r.refunds }),
      el("td", { className: "num", text: r.refunded }), el("td", { className: "num", text: r.ledger_debited }),
      el("td", { className: "num", text: r.ledger_refunded }),
      el("td", { text: r.agrees ? "一致" : "不一致", className: r.agrees ? null : "minus" }))));
    if (!data.rows.length) report.appendChild(emptyRow(8, "没有数据"));
  });
}
onSubmit($("#report-form"), (data) => loadReport(data.date));

loadPartners();
loadReport($("#r-date").value).catch(fail);
