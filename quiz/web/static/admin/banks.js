/* 题库导入: upload a bank file, see every bad row (dry run), then import. */
import { $, api, clear, el, fail, flash, TYPE_NAMES, unflash } from "../core.js";
import { dataTable } from "./table.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json). A bank
// with bad rows answers 422 invalid_bank, whose errors[] ({row, column, message}) core.js reads.
export const READS = {
  "POST /api/v1/admin/question-banks": ["created", "duplicates", "skipped_example_rows", "preview[].row",
    "preview[].type", "preview[].stem", "preview[].options", "preview[].answer[]", "preview[].explanation",
    "preview[].category", "preview[].difficulty", "preview[].points", "preview[].duplicate", "batch_id"],
};

const form = $("#bank-form"), result = $("#bank-result"), importButton = $("#bank-import");

const DIFFICULTY = { 1: "易", 2: "中", 3: "难" };

/** The first rows as they will be stored: what the reader made of the file, before importing. */
function preview(rows) {
  const options = (o) => Object.entries(o).map(([k, t]) => `${k}. ${t}`).join("\n");
  const table = dataTable("预检：前几行入库后的样子",
    ["行", "题型", "题干", "选项", "答案", "解析", "分类", "难度", "分值", "说明"],
    rows.map((q) => [q.row, TYPE_NAMES[q.type] || q.type, q.stem, options(q.options), q.answer.join(""),
      q.explanation || "—", q.category, DIFFICULTY[q.difficulty] || q.difficulty,
      q.points === null ? "默认" : q.points, q.duplicate ? "重复，不导入" : "新增"]), [true]);
  table.classList.add("bank-preview");
  return [el("h2", { text: `入库预览（前 ${rows.length} 行）` }), table];
}

function upload(dryRun) {
  const file = $("#bank-file").files[0];
  if (!file) { flash("请选择题库文件。", "error"); return Promise.resolve(); }
  const body = new FormData();
  body.append("file", file);
  clear(result);
  unflash();
  return api("POST", "/admin/question-banks?dry_run=" + (dryRun ? 1 : 0), body).then((r) => {
    const examples = r.skipped_example_rows ? `，跳过 ${r.skipped_example_rows} 行示例` : "";
    if (dryRun) {
      flash(`预检通过：将新增 ${r.created} 题，重复 ${r.duplicates} 题${examples}。确认后点“导入”。`, "ok");
      importButton.disabled = false;
      importButton.classList.add("primary");
      if (r.preview && r.preview.length) result.append(...preview(r.preview));
      if (r.advice && r.advice.length) {
        result.append(el("h2", { text: "猜题线索（建议，不影响导入）" }), dataTable("猜题线索",
          ["指标", "本题库", "建议上限", "结论"],
          r.advice.map((a) => [a.name, a.value, a.limit, a.ok ? "良好" : "超出"]), [false]));
      }
      importButton.focus();
    } else if (r.batch_id) {
      // 三审: the import waits for a reviewer; nothing reaches citizens before.
      flash(`已提交审核（批次 ${r.batch_id}）：${r.created} 题，跳过重复 ${r.duplicates} 题。审核通过后生效。`, "ok");
      result.append(el("p", {}, el("a", { href: "/admin/review", text: "查看审核队列" })));
      importButton.disabled = true;
    } else {
      flash(`导入完成：新增 ${r.created} 题，跳过重复 ${r.duplicates} 题${examples}。`, "ok");
      importButton.disabled = true;
    }
  }, (err) => {
    importButton.disabled = true;
    if (err.code !== "invalid_bank") return fail(err);
    flash(`文件有 ${err.errors.length} 处错误，未导入任何题目。请修改后重新预检。`, "error");
    result.append(el("h2", { text: "错误明细" }), dataTable("题库错误明细", ["行", "列", "问题"],
      err.errors.map((e) => [e.row, e.column, e.message]), [true]));
  });
}

form.addEventListener("submit", (e) => { e.preventDefault(); upload(true); });
$("#bank-file").addEventListener("change", () => { importButton.disabled = true; clear(result); unflash(); });
importButton.addEventListener("click", () => { importButton.disabled = true; upload(false); });
