/* 排期: a month calendar of the days' sets (scheduled, drawn, left to the draw; short schedules
 * flagged), a picker (search, category, newest first) that fills a day's list, and taking a
 * day's schedule back. */
import { $, api, clear, el, emptyRow, fail, flash, onSubmit, TYPE_NAMES } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/quiz/calendar": ["month", "daily_count", "days[].date", "days[].status",
    "days[].questions[].id", "days[].questions[].stem", "days[].short"],
  "GET /api/v1/admin/quiz/categories": ["items[].name", "items[].active"],
  "GET /api/v1/admin/questions": ["questions[].id", "questions[].type", "questions[].stem",
    "questions[].category", "next_cursor"],
};

const tomorrow = document.body.dataset.tomorrow;
let month = tomorrow.slice(0, 7), dailyCount = 5, days = {};
let chosen = [];  // [{id, stem}] in the day's order
let pickerCursor = null;

const STATUS = { scheduled: "已排期", drawn: "已抽题", auto: "自动抽题", none: "" };

function shiftMonth(delta) {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  month = d.toISOString().slice(0, 7);
  return calendar();
}

function dayCell(d) {
  const n = Number(d.date.slice(8));
  const future = d.date >= tomorrow;
  const label = `${d.date} ${STATUS[d.status] || ""}` + (d.questions.length ? ` ${d.questions.length} 题` : "") +
    (d.short ? `，少于每日 ${dailyCount} 题` : "");
  const inner = [el("span", { className: "cal-day", text: n }),
    el("small", { text: (STATUS[d.status] || "") + (d.questions.length ? ` ${d.questions.length} 题` : "") })];
  if (d.short) inner.push(el("small", { className: "warning", text: `⚠ 少于 ${dailyCount} 题` }));
  const cls = ["sched-" + d.status, d.short ? "short" : null, d.date === $("#s-date").value ? "picked" : null]
    .filter(Boolean).join(" ");
  return el("td", { className: cls, "data-date": d.date },
    future ? el("button", { type: "button", className: "cal-pick", "aria-label": label, onclick: () => pickDay(d.date) }, ...inner)
      : el("div", { "aria-label": label }, ...inner));
}

function calendar() {
  return api("GET", "/admin/quiz/calendar?month=" + month).then((body) => {
    dailyCount = body.daily_count;
    $("#s-count").textContent = dailyCount;
    $("#cal-month").textContent = body.month.replace("-", " 年 ") + " 月";
    days = {};
    for (const d of body.days) days[d.date] = d;
    const tbody = clear($("#sched-cal tbody"));
    const lead = (new Date(body.days[0].date + "T00:00:00Z").getUTCDay() + 6) % 7;  // Monday first
    const cells = Array.from({ length: lead }, () => el("td", {}));
    for (const d of body.days) cells.push(dayCell(d));
    while (cells.length % 7) cells.push(el("td", {}));
    for (let i = 0; i < cells.length; i += 7) tbody.appendChild(el("tr", {}, ...cells.slice(i, i + 7)));
    showChosen();
  }).catch(fail);
}

function pickDay(date, quiet) {
  $("#s-date").value = date;
  if (date.slice(0, 7) !== month) { month = date.slice(0, 7); calendar(); }
  const d = days[date];
  chosen = d && d.status === "scheduled" ? d.questions.map((q) => ({ id: q.id, stem: q.stem })) : [];
  for (const td of document.querySelectorAll("#sched-cal td")) td.classList.toggle("picked", td.dataset.date === date);
  showChosen();
  if (!quiet) $("#s-date").focus();
}

function showChosen() {
  const list = clear($("#chosen"));
  chosen.forEach((q, i) => list.appendChild(el("li", {},
    el("span", { text: `#${q.id} ${q.stem}` }), " ",
    el("button", { type: "button", className: "small", text: "移除", "aria-label": `移除：#${q.id}`,
                   onclick: () => { chosen.splice(i, 1); showChosen(); } }))));
  $("#chosen-count").textContent = chosen.length;
  const warning = $("#chosen-warning");
  warning.hidden = !chosen.length || chosen.length >= dailyCount;
  warning.textContent = `这一天将只有 ${chosen.length} 题，少于每日 ${dailyCount} 题。`;
  const d = days[$("#s-date").value];
  $("#s-unschedule").hidden = !(d && d.status === "scheduled");
}

function pickerRow(q) {
  const taken = chosen.some((c) => c.id === q.id);
  return el("tr", { "data-question-id": q.id },
    el("td", { text: q.id }), el("td", { text: TYPE_NAMES[q.type] || q.type }),
    el("td", { text: q.stem }), el("td", { text: q.category }),
    el("td", {}, el("button", { type: "button", className: "small", text: taken ? "已加入" : "加入",
      disabled: taken, "aria-label": (taken ? "已加入：#" : "加入：#") + q.id,
      onclick: (event) => {
        if (chosen.some((c) => c.id === q.id)) return;
        chosen.push({ id: q.id, stem: q.stem });
        event.target.disabled = true; event.target.textContent = "已加入";
        event.target.setAttribute("aria-label", "已加入：#" + q.id);
        showChosen();
      } })));
}

function search(more) {
  const form = $("#picker-form");
  const params = new URLSearchParams({ active: "1", sort: "id", order: "desc", limit: "20" });
  if (form.q.value.trim()) params.set("q", form.q.value.trim());
  if (form.category.value) params.set("category", form.category.value);
  if (more && pickerCursor) params.set("cursor", pickerCursor);
  const body = $("#picker-table tbody");
  if (!more) clear(body);
  return api("GET", "/admin/questions?" + params).then((page) => {
    for (const q of page.questions) body.appendChild(pickerRow(q));
    if (!body.children.length) body.appendChild(emptyRow(5, "没有找到题目"));
    pickerCursor = page.next_cursor;
    $("#picker-more").hidden = !pickerCursor;
  }).catch(fail);
}

function categories() {
  return api("GET", "/admin/quiz/categories").then((body) => {
    const select = $("#p-category");
    for (const c of body.items) select.appendChild(el("option", { value: c.name, text: `${c.name}（${c.active} 题）` }));
  }).catch(fail);
}

$("#cal-prev").addEventListener("click", () => shiftMonth(-1));
$("#cal-next").addEventListener("click", () => shiftMonth(1));
$("#s-date").addEventListener("change", (event) => pickDay(event.target.value));
$("#picker-form").addEventListener("submit", (event) => { event.preventDefault(); search(false); });
$("#picker-more").addEventListener("click", () => search(true));
$("#s-unschedule").addEventListener("click", () => {
  const date = $("#s-date").value;
  if (!confirm(`取消 ${date} 的排期？这一天将由系统自动抽题。`)) return;
  api("DELETE", "/admin/quiz/schedule/" + date).then(() => {
    flash(date + " 的排期已取消，这一天将自动抽题。", "ok");
    chosen = [];
    return calendar().then(() => search(false));
  }).catch(fail);
});
onSubmit($("#schedule-form"), (data) => {
  if (!chosen.length) { flash("请先从下方挑选题目。", "error"); return Promise.resolve(); }
  return api("PUT", "/admin/quiz/schedule/" + data.date, { question_ids: chosen.map((q) => q.id) }).then(() => {
    const short = chosen.length < dailyCount ? `（只有 ${chosen.length} 题，少于每日 ${dailyCount} 题）` : "";
    flash(`${data.date} 的题目已排定${short}。`, "ok");
    return calendar();
  });
});
$("#s-date").value = tomorrow;
Promise.all([calendar(), categories()]).then(() => { pickDay(tomorrow, true); return search(false); });
