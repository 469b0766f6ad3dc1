/* 题目: filter, search, edit and (de)activate questions. */
import { $, ApiError, api, el, emptyRow, fail, flash, onSubmit, pager, TYPE_NAMES } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/questions": ["questions[].id", "questions[].type", "questions[].stem",
    "questions[].category", "questions[].answer[]", "questions[].active", "questions[].options[].key",
    "questions[].options[].text", "questions[].explanation", "questions[].stats.answers",
    "questions[].stats.correct_rate", "questions[].stats.median_answer_ms", "questions[].stats.discrimination",
    "questions[].stats.open_reports", "questions[].stats.reasons[]", "next_cursor"],
  "PATCH /api/v1/admin/questions/{question_id}": ["id", "type", "stem", "category", "answer[]", "active",
    "options[].key", "options[].text", "explanation", "version"],
};

const body = $("#q-table tbody"), dialog = $("#q-dialog");
let editing = null;

const pct = (x) => (x === null || x === undefined ? "–" : (x * 100).toFixed(1) + "%");
const fixed = (x, d, unit) => (x === null || x === undefined ? "–" : (x / d).toFixed(d === 1 ? 2 : 1) + unit);

/** The statistics cells (docs/learning.md); a PATCH answer carries none, so they stay as they were. */
function statCells(s) {
  if (!s) return [];
  return [
    el("td", { className: "num", text: s.answers }),
    el("td", { className: "num", text: pct(s.correct_rate) }),
    el("td", { className: "num", text: fixed(s.median_answer_ms, 1000, " 秒") }),
    el("td", { className: "num", text: fixed(s.discrimination, 1, "") }),
    el("td", { className: "num", text: s.open_reports }),
    el("td", { className: "flags", text: s.reasons.join("；") }),
  ];
}

function row(q, stats) {
  stats = q.stats || stats;
  const tr = el("tr", { "data-question-id": q.id },
    el("td", { text: q.id }), el("td", { text: TYPE_NAMES[q.type] || q.type }),
    el("td", { text: q.stem }), el("td", { text: q.category }), el("td", { text: q.answer.join("") }),
    el("td", { text: q.active ? "启用" : "停用" }),
    el("td", {},
      el("a", { className: "small", href: `/admin/review?question=${q.id}`, text: "版本" }), " ",
      el("button", { type: "button", className: "small", text: "编辑", onclick: () => open(q, tr) }), " ",
      el("button", { type: "button", className: "small", text: q.active ? "停用" : "启用", onclick: () => {
        api("PATCH", "/admin/questions/" + q.id, { active: !q.active }).then((u) => {
          if (u.id === undefined) { flash(`已提交审核：第 ${q.id} 题第 ${u.version} 版。`, "ok"); return; }
          flash(`${u.active ? "已启用" : "已停用"}第 ${u.id} 题。`, "ok");
          tr.replaceWith(row(u, stats));
        }).catch(fail);
      } })), ...statCells(stats));
  return tr;
}

function open(q, tr) {
  editing = { q, tr, stats: q.stats };
  $("#e-stem").value = q.stem;
  $("#e-options").value = q.options.map((o) => `${o.key}. ${o.text}`).join("\n");
  $("#e-answer").value = q.answer.join("");
  $("#e-explanation").value = q.explanation;
  $("#e-category").value = q.category;
  dialog.showModal();
}

$("#e-cancel").addEventListener("click", () => dialog.close());
onSubmit($("#q-edit"), (data) => {
  const options = data.options.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const m = /^([A-Fa-f])[.、．:：\s]\s*(.*)$/.exec(line);
    return m ? { key: m[1].toUpperCase(), text: m[2] } : null;
  });
  if (options.includes(null)) throw new ApiError(422, { detail: "选项格式应为“A. 内容”，每行一个。" });
  const patch = { stem: data.stem, explanation: data.explanation, category: data.category,
                  answer: data.answer.replace(/[^A-Fa-f]/g, "").toUpperCase().split("") };
  if (options.length) patch.options = options;
  return api("PATCH", "/admin/questions/" + editing.q.id, patch).then((u) => {
    dialog.close();
    if (u.id === undefined) {  // 202: a draft waiting for review (三审); the row stays as published
      flash(`已提交审核：第 ${editing.q.id} 题第 ${u.version} 版，审核通过后生效。`, "ok");
      return;
    }
    flash(`已保存第 ${u.id} 题。`, "ok");
    editing.tr.replaceWith(row(u, editing.stats));
  });
});

// The server filters (category, active, and q over stem and explanation); the page shows
// exactly what it answers.
const questions = pager("questions", (items) => {
  for (const q of items) body.appendChild(row(q));
  if (!body.children.length) body.appendChild(emptyRow(13, "没有符合条件的题目"));
}, $("#q-more"));

function load(filters) {
  body.replaceChildren();
  const qs = new URLSearchParams({ limit: "50" });
  if (filters.category) qs.set("category", filters.category);
  if (filters.active) qs.set("active", filters.active);
  if (filters.q && filters.q.trim()) qs.set("q", filters.q.trim());
  if (filters.sort) {
    const [sort, order] = filters.sort.split(":");
    qs.set("sort", sort);
    qs.set("order", order);
  }
  if (filters.attention) qs.set("attention", "1");
  return questions.load("/admin/questions?" + qs);
}

onSubmit($("#q-filter"), load);
// A link from the 纠错 queue names the question: ?q=<stem>.
const wanted = new URLSearchParams(location.search).get("q") || "";
$("#f-search").value = wanted;
load({ q: wanted });
