/* 排期: choose a day's questions; list the scheduled days. */
import { $, api, el, emptyRow, fail, flash, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/quiz/schedule": ["[].date", "[].questions[].id", "[].questions[].stem", "[].scheduled"],
};

const body = $("#schedule-table tbody");
$("#s-date").value = document.body.dataset.tomorrow;

function load() {
  return api("GET", "/admin/quiz/schedule").then((sets) => {
    body.replaceChildren(...sets.map((set) => el("tr", {},
      el("td", { text: set.date }),
      el("td", {}, el("ol", {}, ...set.questions.map((q) => el("li", { text: `#${q.id} ${q.stem}` })))),
      el("td", { text: set.scheduled ? "已排期" : "自动抽题" }))));
    if (!sets.length) body.appendChild(emptyRow(3, "未来 30 天还没有排期"));
  }).catch(fail);
}

onSubmit($("#schedule-form"), (data) => {
  const ids = data.question_ids.split(/[\s,，、]+/).filter(Boolean).map(Number);
  return api("PUT", "/admin/quiz/schedule/" + data.date, { question_ids: ids }).then(() => {
    flash(data.date + " 的题目已排定。", "ok");
    return load();
  });
});
load();
