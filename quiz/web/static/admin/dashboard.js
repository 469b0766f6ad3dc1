/* 知晓率 dashboard: participation, awareness by category and district, weakest questions. */
import { $, $$, api, clear, el, onSubmit, unflash } from "../core.js";
import { dataTable } from "./table.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/reports/participation": ["rows[].date", "rows[].participants", "rows[].completed",
    "rows[].answers"],
  "GET /api/v1/admin/reports/awareness": ["rows[].key", "rows[].rate", "rows[].answers", "rows[].correct",
    "rows[].participants"],
  "GET /api/v1/admin/reports/questions": ["rows[].question_id", "rows[].stem", "rows[].category",
    "rows[].rate", "rows[].answers", "rows[].correct"],
};

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A horizontal bar chart drawn 1:1 at the width it is given: [{label, value, text}]. */
function barChart(title, items, max, width) {
  width = Math.max(300, Math.min(width || 560, 900));
  const rowH = 30, labelW = Math.round(width * 0.36), barW = width - labelW - 120;  // room for "100%（n=30）"
  const chars = Math.max(4, Math.floor((labelW - 10) / 14));
  const height = Math.max(rowH * items.length + 10, 40);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height,
                             class: "chart", role: "img", "aria-label": title });
  chart.appendChild(svg("title", {}, title));
  items.forEach((item, i) => {
    const y = 5 + i * rowH;
    const w = max > 0 ? Math.max(1, Math.round(barW * item.value / max)) : 1;
    const label = item.label.length > chars ? item.label.slice(0, chars - 1) + "…" : item.label;
    chart.appendChild(svg("text", { x: labelW - 8, y: y + 19, "text-anchor": "end" }, label));
    chart.appendChild(svg("rect", { x: labelW, y: y + 5, width: w, height: rowH - 10, rx: 3,
                                    class: item.small ? "bar small-sample" : "bar" }));
    chart.appendChild(svg("text", { x: labelW + w + 6, y: y + 19, class: item.small ? "small-sample" : "" }, item.text));
  });
  if (!items.length) chart.appendChild(svg("text", { x: 10, y: 25 }, "所选时间内没有数据"));
  return chart;
}

// A rate is a fraction (0–1).
const pct = (rate) => Math.round(rate * 1000) / 10 + "%";
const keyName = (key) => (key === null ? "未填写" : key);

// A rate from fewer answers than this is shown with its n and greyed out (0 % or 100 % from one
// answer says nothing); the page says the figure (QUIZ_STATS_MIN_ANSWERS).
const SMALL = Number($("#small-sample-note").dataset.min) || 30;
const small = (r) => r.answers < SMALL;
const rateText = (r) => `${pct(r.rate)}（n=${r.answers}）`;

function rateSpec(by, title, first) {
  return { path: "/admin/reports/awareness", by, title,
    header: [first, "知晓率（正确率）", "答题数", "答对数", "参与人数"],
    row: (r) => [keyName(r.key), rateText(r), r.answers, r.correct, r.participants],
    bar: (r) => ({ label: keyName(r.key), value: r.rate * 100, text: rateText(r), small: small(r) }),
    small, max: () => 100 };
}
const SPEC = {
  day: { path: "/admin/reports/participation", title: "每日参与人数",
         header: ["日期", "参与人数", "完成人数", "答题数"],
         row: (r) => [r.date, r.participants, r.completed, r.answers],
         bar: (r) => ({ label: r.date.slice(5), value: r.participants, text: r.participants + " 人" }),
         max: (rows) => Math.max(1, ...rows.map((r) => r.participants)) },
  category: rateSpec("category", "各分类知晓率", "分类"),
  district: rateSpec("district", "各城区知晓率", "城区"),
  question: { path: "/admin/reports/questions", title: "正确率最低的题目",
         header: ["题目 ID", "题干", "分类", "正确率", "答题数", "答对数"],
         row: (r) => [r.question_id, r.stem, r.category, rateText(r), r.answers, r.correct],
         bar: (r) => ({ label: `#${r.question_id} ${r.stem}`, value: r.rate * 100, text: rateText(r), small: small(r) }),
         small, max: () => 100, limit: 10 },
};

const today = document.body.dataset.today;
const from = $("#r-from"), to = $("#r-to");
const start = new Date(today + "T00:00:00Z");
start.setUTCDate(start.getUTCDate() - 6);
from.value = start.toISOString().slice(0, 10);
to.value = today;

// 知晓率 is the daily quiz's; the box adds practice answers to the two rate reports only.
const query = (spec) => `${spec.path}?from=${from.value}&to=${to.value}` + (spec.by ? "&by=" + spec.by : "") +
  (spec.by && $("#r-practice").checked ? "&include_practice=1" : "");

function render(section, spec, rows) {
  const box = clear($(".report-body", section));
  const shown = spec.limit ? rows.slice(0, spec.limit) : rows;
  const numeric = spec.header.map((h, i) => i > 0 && h !== "题干" && h !== "分类");
  box.appendChild(el("figure", { className: "figure" },
    barChart(spec.title, shown.map(spec.bar), spec.max(shown), box.clientWidth)));
  // The CSV comes from the server (same query, ?format=csv): every row, formula cells escaped.
  const table = dataTable(spec.title, spec.header, shown.map(spec.row), numeric);
  if (spec.small) {
    $$("tbody tr", table).forEach((tr, i) => {
      if (shown[i] && spec.small(shown[i])) { tr.classList.add("small-sample"); tr.title = `样本太小（n < ${SMALL}），仅供参考`; }
    });
  }
  box.appendChild(el("div", {}, table,
    el("a", { className: "button small", href: "/api/v1" + query(spec) + "&format=csv", download: "",
              text: `导出 CSV（${spec.title}）` })));
}

function load() {
  unflash();
  for (const section of $$(".report")) {
    const spec = SPEC[section.dataset.report];
    clear($(".report-body", section)).appendChild(el("p", { text: "正在加载…" }));
    api("GET", query(spec)).then((data) => render(section, spec, data.rows), (err) => {
      clear($(".report-body", section)).appendChild(el("p", { className: "muted", text: "加载失败：" + err.detail }));
    });
  }
}

onSubmit($("#range-form"), load);
load();
