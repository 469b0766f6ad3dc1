/* 每周之星: any past week's winners for publication — tables, CSV and the PNG poster. */
import { $, api, clear, el, fail, onSubmit } from "../core.js";
import { dataTable } from "./table.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/quiz/first-day": ["date"],
  "GET /api/v1/admin/winners": ["start", "end", "citizens[].rank", "citizens[].name", "citizens[].score",
    "reporters[].rank", "reporters[].name", "reporters[].score"],
};

const WEEKS = 52;  // a year of weeks: the boards keep past weeks QUIZ_BOARD_RETENTION_DAYS (400)
const select = $("#w-week");

/** The Mondays of the last WEEKS weeks, last week first (the calendar day of the service). */
function mondays(today) {
  const day = new Date(today + "T00:00:00Z");
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7) - 7);
  const out = [];
  for (let i = 0; i < WEEKS; i++) {
    const end = new Date(day);
    end.setUTCDate(end.getUTCDate() + 6);
    out.push([day.toISOString().slice(0, 10), end.toISOString().slice(0, 10)]);
    day.setUTCDate(day.getUTCDate() - 7);
  }
  return out;
}

/** Only weeks since the launch (the day the quiz was first served): before it nobody played. */
function weeks(launch) {
  const shown = mondays(document.body.dataset.today).filter(([, end]) => launch && end >= launch);
  for (const [start, end] of shown) select.appendChild(el("option", { value: start, text: `${start} 至 ${end}` }));
  if (!shown.length) {
    select.appendChild(el("option", { value: "", text: "还没有已结束的一周" }));
    select.disabled = true;
    $("#w-range").textContent = launch ? `答题从 ${launch} 开始，第一周结束后这里就有每周之星。` : "答题还没有开始。";
  }
  return shown.length > 0;
}

const table = (title, entries) =>
  dataTable(title, ["名次", "姓名", "积分"], entries.map((e) => [e.rank, e.name, e.score]), [true, false, true]);

function load() {
  const start = select.value;
  const poster = `/api/v1/admin/winners/poster.png?start=${start}`;
  $("#w-csv").href = `/api/v1/admin/winners?start=${start}&format=csv`;
  $("#w-poster").href = poster;
  $("#w-poster").setAttribute("download", `每周之星-${start}.png`);
  const img = $("#w-poster-img"), note = $("#w-poster-note");
  img.hidden = false;
  note.textContent = "海报预览";
  img.onerror = () => {
    img.hidden = true;
    note.textContent = "海报暂时无法生成（服务器可能未安装中文字体 fonts-noto-cjk）。";
  };
  img.src = poster;
  return api("GET", `/admin/winners?start=${start}`).then((w) => {
    $("#w-range").textContent = `${w.start} 至 ${w.end}`;
    clear($("#w-citizens")).appendChild(table("市民之星", w.citizens));
    clear($("#w-reporters")).appendChild(table("小记者之星", w.reporters));
  }).catch(fail);
}

onSubmit($("#week-form"), () => (select.value ? load() : Promise.resolve()));
api("GET", "/admin/quiz/first-day").then((first) => { if (weeks(first.date)) return load(); }).catch(fail);
