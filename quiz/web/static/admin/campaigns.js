/* 专项答题: create and edit campaigns (window, pool, attempts, points, time limit) and read each one's board. */
import { $, $$, api, el, emptyRow, fail, flash, onSubmit } from "../core.js";
import { dataTable } from "./table.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/campaigns": ["items[].id", "items[].name", "items[].description", "items[].starts_at",
    "items[].ends_at", "items[].question_ids[]", "items[].category", "items[].questions_per_attempt",
    "items[].attempts_allowed", "items[].points_per_correct", "items[].time_limit_s"],
  "POST /api/v1/admin/campaigns": ["name"],
  "PATCH /api/v1/admin/campaigns/{campaign_id}": ["name"],
  "GET /api/v1/admin/quiz/categories": ["items[].name", "items[].active"],
  "GET /api/v1/campaigns/{campaign_id}/leaderboard": ["entries[].rank", "entries[].name", "entries[].score",
    "entries[].seconds"],
};

const form = $("#campaign-form"), body = $("#campaign-table tbody");

function usePool(kind) {
  form.elements.pool.value = kind;
  $("#cp-category-field").hidden = kind !== "category";
  $("#cp-ids-field").hidden = kind !== "ids";
}
for (const radio of $$("input[name=pool]", form)) radio.addEventListener("change", () => usePool(radio.value));

/** "2026-11-24T09:00:00+08:00" → "2026-11-24T09:00" (the service's local time, as typed). */
const localInput = (iso) => (iso || "").slice(0, 16);
/** The same instant for reading: "2026-11-24 09:00" (北京时间, whatever the browser's zone). */
const serviceTime = (iso) => localInput(iso).replace("T", " ");

/** 题目分类 is chosen from the bank's categories, each with its active questions. */
function categories() {
  return api("GET", "/admin/quiz/categories").then((body) => {
    const select = $("#cp-category");
    for (const c of body.items) select.appendChild(el("option", { value: c.name, text: `${c.name}（${c.active} 题）` }));
  }).catch(fail);
}
function chooseCategory(name) {
  const select = $("#cp-category");
  // A campaign's category the bank no longer holds stays choosable, marked as empty.
  if (name && !$$("option", select).some((o) => o.value === name)) {
    select.appendChild(el("option", { value: name, text: `${name}（0 题）` }));
  }
  select.value = name || "";
}

function edit(c) {
  form.elements.id.value = c.id;
  form.elements.name.value = c.name;
  form.elements.description.value = c.description;
  form.elements.starts_at.value = localInput(c.starts_at);
  form.elements.ends_at.value = localInput(c.ends_at);
  usePool(c.question_ids ? "ids" : "category");
  chooseCategory(c.category);
  form.elements.question_ids.value = (c.question_ids || []).join(", ");
  form.elements.questions_per_attempt.value = c.questions_per_attempt;
  form.elements.attempts_allowed.value = c.attempts_allowed;
  form.elements.points_per_correct.value = c.points_per_correct;
  form.elements.time_limit.value = c.time_limit_s ? c.time_limit_s / 60 : "";
  $("#campaign-form-h").textContent = "编辑专项答题 #" + c.id;
  form.elements.name.focus();
}

function board(c) {
  const box = $("#campaign-board");
  $("#campaign-board-h").textContent = `「${c.name}」排行榜`;
  box.hidden = false;
  api("GET", `/campaigns/${c.id}/leaderboard?limit=100`).then((data) => {
    $("#campaign-board-table").replaceChildren(dataTable(`${c.name} 排行榜`, ["名次", "姓名", "答对", "用时（秒）"],
      data.entries.map((e) => [e.rank, e.name, e.score, e.seconds]), [true, false, true, true]));
    box.scrollIntoView();
  }).catch(fail);
}

function load() {
  return api("GET", "/admin/campaigns?limit=100").then((page) => {
    body.replaceChildren(...page.items.map((c) => el("tr", { "data-campaign-id": c.id },
      el("td", { text: c.id }), el("td", { text: c.name }),
      el("td", { text: `${serviceTime(c.starts_at)} 至 ${serviceTime(c.ends_at)}` }),
      el("td", { text: c.question_ids ? `${c.question_ids.length} 道指定题目` : `分类：${c.category}` }),
      el("td", { className: "num", text: c.questions_per_attempt }),
      el("td", { className: "num", text: c.attempts_allowed }),
      el("td", { text: c.time_limit_s ? `${Math.round(c.time_limit_s / 6) / 10} 分钟` : "不限时" }),
      el("td", {},
        el("button", { type: "button", className: "small", text: "编辑", "aria-label": "编辑 " + c.name, onclick: () => edit(c) }), " ",
        el("button", { type: "button", className: "small", text: "排行", "aria-label": "排行 " + c.name, onclick: () => board(c) })))));
    if (!page.items.length) body.appendChild(emptyRow(8, "还没有专项答题"));
  }).catch(fail);
}

form.addEventListener("reset", () => {
  form.elements.id.value = "";
  $("#campaign-form-h").textContent = "新建专项答题";
  setTimeout(() => usePool("category"));
});

onSubmit(form, (data) => {
  const campaign = {
    name: data.name.trim(), description: data.description, starts_at: data.starts_at, ends_at: data.ends_at,
    questions_per_attempt: Number(data.questions_per_attempt), attempts_allowed: Number(data.attempts_allowed),
    points_per_correct: Number(data.points_per_correct),
    time_limit_s: data.time_limit === "" ? null : Math.round(Number(data.time_limit) * 60),
  };
  if (form.elements.pool.value === "ids") {
    campaign.question_ids = data.question_ids.split(/[\s,，、]+/).filter(Boolean).map(Number);
    campaign.category = null;
  } else {
    campaign.category = data.category;
    campaign.question_ids = null;
  }
  const id = data.id;
  return api(id ? "PATCH" : "POST", "/admin/campaigns" + (id ? "/" + id : ""), campaign).then((c) => {
    flash(`已保存专项答题「${c.name}」。`, "ok");
    form.reset();
    return load();
  });
});
load();
categories();
