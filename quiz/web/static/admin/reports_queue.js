/* 纠错: the queue of question reports, each with its question's statistics; resolve as fixed
 * (after editing the question on the 题目 page) or rejected, with a note the reporter reads. */
import { $, $$, api, clear, el, fail, flash, fmtTime, pager, TYPE_NAMES } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/question-reports": ["items[].id", "items[].reason", "items[].message",
    "items[].status", "items[].resolution", "items[].note", "items[].created_at", "items[].user.display_name",
    "items[].question.id", "items[].question.stem", "items[].question.type", "items[].question.category",
    "items[].question.options[].key", "items[].question.options[].text", "items[].question.answer[]",
    "items[].question.explanation", "items[].stats.answers", "items[].stats.correct_rate",
    "items[].stats.option_picks", "items[].stats.median_answer_ms", "items[].stats.discrimination",
    "items[].stats.open_reports", "items[].stats.reasons[]", "items[].reporter_options[].key",
    "items[].reporter_options[].own_key", "items[].reporter_options[].text", "next_cursor"],
  "POST /api/v1/admin/question-reports/{report_id}/resolve": ["id", "status", "resolution", "note"],
};

const REASONS = { answer: "答案有误", stem: "题干有误", options: "选项有误", explanation: "解析有误", other: "其他问题" };
const RESOLUTIONS = { fixed: "已更正", rejected: "不采纳" };
const list = $("#rq-list");

const pct = (x) => (x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%");
const secs = (ms) => (ms === null || ms === undefined ? "–" : (ms / 1000).toFixed(1) + " 秒");

export function statsLine(s) {
  const picks = Object.entries(s.option_picks).map(([k, n]) => `${k}:${n}`).join(" ");
  return `作答 ${s.answers} · 答对率 ${pct(s.correct_rate)} · 选项 ${picks || "–"} · 中位用时 ${secs(s.median_answer_ms)} · ` +
    `区分度 ${s.discrimination === null ? "–" : s.discrimination.toFixed(2)} · 待处理纠错 ${s.open_reports}`;
}

const cards = new Map();  // question id → its card: one card per question, its reports inside

/** The options as this reporter saw them (their keys are shuffled): "他看到的 B" is the
 * question's own key beside it. Nothing when they saw the question's own order. */
function seenOrder(r) {
  if (!r.reporter_options) return null;
  const answer = r.question.answer;
  return el("div", { className: "seen-order" },
    el("p", { className: "meta", text: "举报人看到的选项顺序（括号里是本题自己的选项）：" }),
    el("ul", { className: "options plain" }, ...r.reporter_options.map((o) => el("li", {
      className: "option" + (answer.includes(o.own_key) ? " is-correct" : ""),
      text: `${o.key}. ${o.text}（本题 ${o.own_key}）` }))));
}

function reportLine(r) {
  return el("li", { className: "report-line", "data-report-id": r.id },
    el("span", { className: "tag", text: REASONS[r.reason] || r.reason }), " ",
    el("span", { className: "report-message", text: r.message }),
    el("span", { className: "meta", text: ` — ${r.user.display_name} · ${fmtTime(r.created_at)}` }),
    seenOrder(r),
    r.status === "open" ? null
      : el("p", { className: "admin-note", text: `${RESOLUTIONS[r.resolution] || r.resolution}：${r.note || ""}` }));
}

function resolveForm(r, node) {
  const q = r.question;
  const form = el("form", { className: "form inline" },
    el("p", { className: "field" }, el("label", { for: `rq-res-${q.id}`, text: "处理" }),
      el("select", { id: `rq-res-${q.id}`, name: "resolution" },
        el("option", { value: "fixed", text: "已更正（已修改题目）" }), el("option", { value: "rejected", text: "不采纳" }))),
    el("p", { className: "field" }, el("label", { for: `rq-note-${q.id}`, text: "备注（纠错人可见）" }),
      el("input", { id: `rq-note-${q.id}`, name: "note", required: true, maxlength: 1000 })),
    el("button", { type: "submit", className: "primary", text: "处理" }), " ",
    el("a", { href: `/admin/questions?q=${encodeURIComponent(q.stem.slice(0, 20))}`, text: "去修改题目" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    // Resolving one report resolves every open report on the question.
    api("POST", `/admin/question-reports/${r.id}/resolve`, {
      resolution: form.resolution.value, note: form.note.value.trim(),
    }).then((done) => {
      flash(`已处理第 ${q.id} 题的纠错：${RESOLUTIONS[done.resolution]}。`, "ok");
      cards.delete(q.id);
      node.remove();
    }).catch(fail);
  });
  return form;
}

function card(r) {
  const q = r.question;
  const lines = el("ul", { className: "report-lines" });
  const node = el("li", { className: "card", "data-question-id": q.id },
    el("p", { className: "meta", text: `第 ${q.id} 题 · ${TYPE_NAMES[q.type] || q.type} · ${q.category}` }),
    el("p", { className: "stem", text: q.stem }),
    el("ul", { className: "options plain" }, ...q.options.map((o) => el("li", {
      className: "option" + (q.answer.includes(o.key) ? " is-correct" : ""), text: `${o.key}. ${o.text}` }))),
    el("p", { className: "explanation" }, el("strong", { text: "解析：" }), q.explanation || "—"),
    el("p", { className: "stats-line", text: statsLine(r.stats) }),
    r.stats.reasons.length ? el("p", { className: "flags", text: "需关注：" + r.stats.reasons.join("；") }) : null,
    el("h2", { className: "report-h", text: "纠错" }), lines);  // under the page's h1: no skipped level
  if (r.status === "open") node.appendChild(resolveForm(r, node));
  return { node, lines };
}

function add(r) {
  let found = cards.get(r.question.id);
  if (!found) {
    found = card(r);
    cards.set(r.question.id, found);
    list.appendChild(found.node);
  }
  found.lines.appendChild(reportLine(r));
}

const reports = pager("items", (items) => {
  for (const r of items) add(r);
  if (!list.children.length) list.appendChild(el("li", { className: "card", text: "没有纠错。" }));
}, $("#rq-more"));

function load(status) {
  clear(list);
  cards.clear();
  for (const tab of $$("[role=tab]", $("#rq-tabs"))) tab.setAttribute("aria-selected", tab.dataset.status === status ? "true" : "false");
  return reports.load(`/admin/question-reports?status=${status}&limit=20`);
}
for (const tab of $$("[role=tab]", $("#rq-tabs"))) tab.addEventListener("click", () => load(tab.dataset.status));
load("open");
