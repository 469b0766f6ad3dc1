/* 题库导入: upload a bank file, see every bad row (dry run), then import. */
import { $, api, clear, el, fail, flash, unflash } from "../core.js";
import { dataTable } from "./table.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json). A bank
// with bad rows answers 422 invalid_bank, whose errors[] ({row, column, message}) core.js reads.
export const READS = {
  "POST /api/v1/admin/question-banks": ["created", "duplicates", "batch_id"],
};

const form = $("#bank-form"), result = $("#bank-result"), importButton = $("#bank-import");

function upload(dryRun) {
  const file = $("#bank-file").files[0];
  if (!file) { flash("请选择题库文件。", "error"); return Promise.resolve(); }
  const body = new FormData();
  body.append("file", file);
  clear(result);
  unflash();
  return api("POST", "/admin/question-banks?dry_run=" + (dryRun ? 1 : 0), body).then((r) => {
    if (dryRun) {
      flash(`预检通过：将新增 ${r.created} 题，重复 ${r.duplicates} 题。确认后点“导入”。`, "ok");
      importButton.disabled = false;
      importButton.classList.add("primary");
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
      flash(`导入完成：新增 ${r.created} 题，跳过重复 ${r.duplicates} 题。`, "ok");
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
