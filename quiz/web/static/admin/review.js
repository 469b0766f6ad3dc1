/* 三审: the review queue (versions and import batches) with a side-by-side diff of stem,
 * options, key and 解析 between the published version and the draft; approve, return with a
 * note (a batch: a note per row), re-submit a fixed batch; every version of one question. */
import { $, $$, api, clear, el, fail, flash, fmtTime, TYPE_NAMES } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/review-queue": ["items[].kind", "items[].id", "items[].question_id", "items[].version",
    "items[].author", "items[].approvals", "items[].steps", "items[].created_at", "items[].title",
    "items[].rows", "items[].note", "items[].answers_under_old_key"],
  "GET /api/v1/admin/questions/{question_id}/versions/{number}/diff": ["fields[].field", "fields[].published",
    "fields[].draft", "fields[].changed", "published_version"],
  "GET /api/v1/admin/review-batches/{batch_id}": ["rows[].question_id", "rows[].version.version",
    "rows[].version.note", "rows[].version.stem", "rows[].fields[].field", "rows[].fields[].published", "rows[].fields[].draft",
    "rows[].fields[].changed"],
  "POST /api/v1/admin/questions/{question_id}/versions/{number}/approve": ["published", "approvals", "rescored"],
  "POST /api/v1/admin/questions/{question_id}/versions/{number}/return": ["status"],
  "POST /api/v1/admin/review-batches/{batch_id}/approve": ["status"],
  "POST /api/v1/admin/review-batches/{batch_id}/return": ["status"],
  "POST /api/v1/admin/review-batches/{batch_id}/submit": ["status"],
  "GET /api/v1/admin/questions/{question_id}/versions": ["items[].version", "items[].status", "items[].author",
    "items[].reviewers[]", "items[].created_at", "items[].stem", "items[].options[].key", "items[].options[].text",
    "items[].answer[]", "items[].explanation", "items[].note", "items[].type", "items[].category", "items[].active",
    "items[].answers", "items[].correct"],
};

const LABELS = { type: "题型", stem: "题干", options: "选项", answer: "答案", explanation: "解析", category: "分类", active: "启用" };
const STATUS = { draft: "草稿", submitted: "待审核", published: "已发布", returned: "已退回", superseded: "已被取代" };
const role = $("#rv-root").dataset.role || "";
const list = $("#rv-list");
let status = "submitted";

function shown(name, value) {
  if (value === null || value === undefined) return "—";
  if (name === "options") return value.map(([k, t]) => `${k}. ${t}`).join("\n");
  if (name === "type") return TYPE_NAMES[value] || value;
  if (name === "active") return value ? "启用" : "停用";
  return String(value);
}

/** The side-by-side table: field | published | draft, changed rows marked. */
function diffTable(fields, caption) {
  return el("table", { className: "diff" }, el("caption", { className: "sr-only", text: caption }),
    el("thead", {}, el("tr", {}, el("th", { text: "字段" }), el("th", { text: "已发布" }), el("th", { text: "待审稿" }))),
    el("tbody", {}, ...fields.map((f) => el("tr", { className: f.changed ? "is-changed" : "", "data-field": f.field },
      el("th", { scope: "row", text: LABELS[f.field] || f.field }),
      el("td", { text: shown(f.field, f.published) }), el("td", { text: shown(f.field, f.draft) })))));
}

function noteForm(id, label, onSend, button) {
  const form = el("form", { className: "form inline" },
    el("p", { className: "field" }, el("label", { for: id, text: label }),
      el("input", { id, name: "note", required: true, maxlength: 2000 })),
    el("button", { type: "submit", text: button }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (form.reportValidity()) onSend(form.note.value.trim());
  });
  return form;
}

function versionCard(item) {
  const path = `/admin/questions/${item.question_id}/versions/${item.version}`;
  const node = el("li", { className: "card", "data-question-id": item.question_id },
    el("p", { className: "meta", text: `第 ${item.question_id} 题 · 第 ${item.version} 版 · 编辑 ${item.author || "—"} · ` +
      `${fmtTime(item.created_at)} · 已通过 ${item.approvals}/${item.steps}` }),
    el("p", { className: "stem", text: item.title }),
    item.note ? el("p", { className: "admin-note", text: `退回意见：${item.note}` }) : null);
  const body = el("div");
  node.append(body, el("p", {}, el("a", { href: `/admin/review?question=${item.question_id}`, text: "版本历史" })));
  api("GET", path + "/diff").then((d) => {
    body.append(diffTable(d.fields, `第 ${item.question_id} 题：第 ${d.published_version} 版与第 ${item.version} 版对比`));
    if (status !== "submitted" || role === "editor") return;
    const rescore = el("input", { type: "checkbox", id: `rv-rescore-${item.id}`, name: "rescore" });
    if (item.answers_under_old_key > 0) {
      body.append(el("p", { className: "rescore-warning" },
        `答案已改变：已有 ${item.answers_under_old_key} 个作答按旧答案计分。默认保留原成绩；`, rescore,
        el("label", { for: rescore.id, text: "按新答案重新计分（为按新答案答对的用户各补记一笔积分，不扣任何人的积分）" })));
    }
    body.append(el("p", { className: "actions" }, el("button", { type: "button", className: "primary", text: "通过",
      onclick: () => api("POST", path + "/approve", { rescore: rescore.checked }).then((r) => {
        flash(r.published ? `第 ${item.question_id} 题第 ${item.version} 版已发布${r.rescored ? `，补记 ${r.rescored} 笔积分` : ""}。`
          : `已通过（${r.approvals}/${item.steps}），等待下一位审核人。`, "ok");
        node.remove();
      }).catch(fail) })),
    noteForm(`rv-note-${item.id}`, "退回意见", (note) => api("POST", path + "/return", { note }).then((r) => {
      flash(`第 ${item.question_id} 题已${STATUS[r.status] || r.status}。`, "ok");
      node.remove();
    }).catch(fail), "退回"));
  }).catch(fail);
  return node;
}

function batchCard(item) {
  const path = `/admin/review-batches/${item.id}`;
  const node = el("li", { className: "card", "data-batch-id": item.id },
    el("p", { className: "meta", text: `导入批次 ${item.id} · ${item.title} · ${item.rows} 题 · 编辑 ${item.author || "—"} · ` +
      `${fmtTime(item.created_at)} · 已通过 ${item.approvals}/${item.steps}` }),
    item.note ? el("p", { className: "admin-note", text: `退回意见：${item.note}` }) : null);
  const rows = el("ol", { className: "batch-rows" });
  node.append(rows);
  const reviewing = status === "submitted" && role !== "editor";
  api("GET", path).then((b) => {
    for (const r of b.rows) {
      rows.append(el("li", { "data-question-id": r.question_id },
        el("p", { className: "meta", text: `第 ${r.question_id} 题 · 第 ${r.version.version} 版` }),
        diffTable(r.fields, `第 ${r.question_id} 题`),
        r.version.note ? el("p", { className: "admin-note", text: `本题意见：${r.version.note}` }) : null,
        reviewing ? el("p", { className: "field" }, el("label", { for: `rv-row-${r.question_id}`, text: "本题意见（可空）" }),
          el("input", { id: `rv-row-${r.question_id}`, name: "row-note", "data-question-id": r.question_id, maxlength: 2000 })) : null,
        status === "returned" ? el("a", { href: `/admin/questions?q=${encodeURIComponent(r.version.stem.slice(0, 20))}`, text: "去修改" }) : null));
    }
  }).catch(fail);
  if (reviewing) {
    node.append(el("p", { className: "actions" }, el("button", { type: "button", className: "primary", text: "整批通过",
      onclick: () => api("POST", path + "/approve").then((r) => {
        flash(r.status === "published" ? `批次 ${item.id} 已全部发布。` : `批次 ${item.id} 已通过，等待下一位审核人。`, "ok");
        node.remove();
      }).catch(fail) })),
    noteForm(`rv-bnote-${item.id}`, "退回意见", (note) => {
      const notes = $$("input[name=row-note]", node).filter((i) => i.value.trim())
        .map((i) => ({ question_id: Number(i.dataset.questionId), note: i.value.trim() }));
      api("POST", path + "/return", { note, rows: notes }).then(() => {
        flash(`批次 ${item.id} 已退回。`, "ok");
        node.remove();
      }).catch(fail);
    }, "整批退回"));
  }
  if (status === "returned" && role !== "reviewer") {
    node.append(el("p", { className: "actions" }, el("button", { type: "button", className: "primary", text: "修改完毕，重新提交",
      onclick: () => api("POST", path + "/submit").then(() => {
        flash(`批次 ${item.id} 已重新提交审核。`, "ok");
        node.remove();
      }).catch(fail) })));
  }
  return node;
}

function load() {
  clear(list);
  api("GET", "/admin/review-queue?status=" + status).then((q) => {
    for (const item of q.items) list.append(item.kind === "batch" ? batchCard(item) : versionCard(item));
    if (!q.items.length) list.append(el("li", { className: "muted", text: status === "submitted" ? "没有待审核的修改。" : "没有被退回的稿件。" }));
  }).catch(fail);
}

/** The labels of the fields that differ between two versions (what the history says changed). */
function changedFields(a, b) {
  const same = (f) => JSON.stringify(a[f]) === JSON.stringify(b[f]);
  return ["type", "stem", "options", "answer", "explanation", "category", "active"].filter((f) => !same(f)).map((f) => LABELS[f]);
}

function history(questionId) {
  $("#rv-history").hidden = false;
  $("#rv-history-title").textContent = `第 ${questionId} 题的版本历史`;
  api("GET", `/admin/questions/${questionId}/versions`).then((v) => {
    const box = clear($("#rv-versions"));
    v.items.forEach((x, i) => {
      const before = v.items[i + 1];  // newest first: the next item is the version before
      box.append(el("li", { className: "card", "data-version": x.version },
        el("p", { className: "meta", text: `第 ${x.version} 版 · ${STATUS[x.status] || x.status} · 编辑 ${x.author || "—"} · ` +
          `审核 ${x.reviewers.join("、") || "—"} · ${fmtTime(x.created_at)} · 作答 ${x.answers}，答对 ${x.correct}` }),
        el("p", { className: "changed", text: before ? `改动：${changedFields(before, x).join("、") || "无"}` : "首个版本" }),
        el("p", { className: "stem", text: x.stem }),
        el("ul", { className: "options plain" }, ...x.options.map((o) => el("li", {
          className: "option" + (x.answer.includes(o.key) ? " is-correct" : ""), text: `${o.key}. ${o.text}` }))),
        el("p", { className: "explanation" }, el("strong", { text: "解析：" }), x.explanation || "—"),
        x.note ? el("p", { className: "admin-note", text: `审核意见：${x.note}` }) : null));
    });
  }).catch(fail);
}

for (const tab of $$("#rv-tabs [role=tab]")) {
  tab.addEventListener("click", () => {
    status = tab.dataset.status;
    for (const t of $$("#rv-tabs [role=tab]")) t.setAttribute("aria-selected", String(t === tab));
    load();
  });
}
const asked = new URLSearchParams(location.search).get("question");
if (asked && /^\d+$/.test(asked)) history(asked);
load();
