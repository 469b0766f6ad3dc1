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
    "items[].stats.open_reports", "items[].stats.reasons[]", "next_cursor"],
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

function item(r) {
  const q = r.question;
  const node = el("li", { className: "card", "data-report-id": r.id },
    el("p", { className: "meta" }, el("span", { className: "tag", text: REASONS[r.reason] || r.reason }),
      ` 第 ${q.id} 题 · ${TYPE_NAMES[q.type] || q.type} · ${q.category} · ${r.user.display_name} · ${fmtTime(r.created_at)}`),
    el("p", { className: "report-message", text: "纠错说明：" + r.message }),
    el("p", { className: "stem", text: q.stem }),
    el("ul", { className: "options plain" }, ...q.options.map((o) => el("li", {
      className: "option" + (q.answer.includes(o.key) ? " is-correct" : ""), text: `${o.key}. ${o.text}` }))),
    el("p", { className: "explanation" }, el("strong", { text: "解析：" }), q.explanation || "—"),
    el("p", { className: "stats-line", text: statsLine(r.stats) }),
    r.stats.reasons.length ? el("p", { className: "flags", text: "需关注：" + r.stats.reasons.join("；") }) : null);
  if (r.status === "open") {
    const form = el("form", { className: "form inline" },
      el("p", { className: "field" }, el("label", { for: `rq-res-${r.id}`, text: "处理" }),
        el("select", { id: `rq-res-${r.id}`, name: "resolution" },
          el("option", { value: "fixed", text: "已更正（已修改题目）" }), el("option", { value: "rejected", text: "不采纳" }))),
      el("p", { className: "field" }, el("label", { for: `rq-note-${r.id}`, text: "备注（纠错人可见）" }),
        el("input", { id: `rq-note-${r.id}`, name: "note", required: true, maxlength: 1000 })),
      el("button", { type: "submit", className: "primary", text: "处理" }), " ",
      el("a", { href: `/admin/questions?q=${encodeURIComponent(q.stem.slice(0, 20))}`, text: "去修改题目" }));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!form.reportValidity()) return;
      api("POST", `/admin/question-reports/${r.id}/resolve`, {
        resolution: form.resolution.value, note: form.note.value.trim(),
      }).then((done) => {
        flash(`已处理：${RESOLUTIONS[done.resolution]}（同一题目的待处理纠错一并处理）。`, "ok");
        for (const other of $$(`[data-question-id="${q.id}"]`, list)) other.remove();
        node.remove();
      }).catch(fail);
    });
    node.appendChild(form);
  } else {
    node.appendChild(el("p", { className: "admin-note", text: `${RESOLUTIONS[r.resolution] || r.resolution}：${r.note || ""}` }));
  }
  node.dataset.questionId = q.id;
  return node;
}

const reports = pager("items", (items) => {
  for (const r of items) list.appendChild(item(r));
  if (!list.children.length) list.appendChild(el("li", { className: "card", text: "没有纠错。" }));
}, $("#rq-more"));

function load(status) {
  clear(list);
  for (const tab of $$("[role=tab]", $("#rq-tabs"))) tab.setAttribute("aria-selected", tab.dataset.status === status ? "true" : "false");
  return reports.load(`/admin/question-reports?status=${status}&limit=20`);
}
for (const tab of $$("[role=tab]", $("#rq-tabs"))) tab.addEventListener("click", () => load(tab.dataset.status));
load("open");
