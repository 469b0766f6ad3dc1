/* 参与目标: participation against each district's and school team's target headcount —
 * a bar chart coloured by how far from target, a table where targets are set, CSV. */
import { $, $$, api, clear, el, fail, flash, onSubmit, unflash } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/reports/participation": ["rows[].key", "rows[].name", "rows[].participants",
    "rows[].members", "rows[].target", "rows[].rate"],
  "PUT /api/v1/admin/targets/{by}/{key}": ["name", "target"],
};

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const pct = (rate) => Math.round(rate * 1000) / 10 + "%";
/** ≥ 100 % of target: ok (green); ≥ 70 %: warn (amber); below: bad (red); no target: none. */
export const band = (rate) => (rate === null ? "none" : rate >= 1 ? "ok" : rate >= 0.7 ? "warn" : "bad");
const BAND_NAMES = { ok: "已达标", warn: "接近目标", bad: "差距较大", none: "未设目标" };

/** Horizontal bars of rate against target (the dashed line is 100 %), up to 150 %. */
function rateChart(title, rows, width) {
  width = Math.max(300, Math.min(width || 560, 900));
  const rowH = 32, labelW = Math.round(width * 0.32), barW = width - labelW - 120;
  const scale = (rate) => Math.round(barW * Math.min(rate, 1.5) / 1.5);
  const chars = Math.max(4, Math.floor((labelW - 10) / 14));
  const height = Math.max(rowH * rows.length + 30, 60);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "chart", role: "img",
                             "aria-label": title });
  chart.appendChild(svg("title", {}, title));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH, kind = band(r.rate);
    const w = r.rate === null ? 4 : Math.max(2, scale(r.rate));
    const label = r.name.length > chars ? r.name.slice(0, chars - 1) + "…" : r.name;
    chart.appendChild(svg("text", { x: labelW - 8, y: y + 20, "text-anchor": "end" }, label));
    const bar = svg("rect", { x: labelW, y: y + 6, width: w, height: rowH - 12, rx: 3, class: "bar-" + kind,
                              "data-band": kind });
    bar.appendChild(svg("title", {}, `${r.name}：${BAND_NAMES[kind]}`));
    chart.appendChild(bar);
    const text = r.rate === null ? `${r.participants} 人 · 未设目标` : `${pct(r.rate)}（${r.participants}/${r.target}）`;
    chart.appendChild(svg("text", { x: labelW + w + 6, y: y + 20, class: r.rate === null ? "axis" : null }, text));
  });
  if (rows.length) {
    const x = labelW + scale(1), bottom = 5 + rows.length * rowH;
    chart.appendChild(svg("line", { x1: x, x2: x, y1: 0, y2: bottom, class: "target-line" }));
    chart.appendChild(svg("text", { x, y: bottom + 18, "text-anchor": "middle", class: "axis" }, "目标 100%"));
  } else {
    chart.appendChild(svg("text", { x: 10, y: 25 }, "没有数据"));
  }
  return chart;
}

const today = document.body.dataset.today;
const from = $("#r-from"), to = $("#r-to");
const first = new Date(today + "T00:00:00Z");
first.setUTCDate(1);
from.value = first.toISOString().slice(0, 10);
to.value = today;

const query = (by) => `/admin/reports/participation?from=${from.value}&to=${to.value}&by=${by}`;

function targetInput(by, row, section) {
  const form = el("form", { className: "target-form", "data-key": row.key },
    el("label", { className: "sr-only", for: `t-${by}-${row.key}`, text: `${row.name} 的目标人数` }),
    el("input", { type: "number", min: 0, max: 10000000, step: 1, id: `t-${by}-${row.key}`, name: "target",
                  value: row.target === null ? "" : row.target, placeholder: "未设", inputmode: "numeric" }),
    el("button", { type: "submit", className: "small", text: "保存" }));
  onSubmit(form, (data) => {
    const target = data.target === "" ? null : Number(data.target);
    return api("PUT", `/admin/targets/${by}/${encodeURIComponent(row.key)}`, { target }).then((t) => {
      flash(t.target === null ? `已清除「${t.name}」的目标。` : `「${t.name}」的目标已设为 ${t.target} 人。`, "ok");
      return loadSection(section);
    });
  });
  return form;
}

function render(section, rows) {
  const by = section.dataset.by, box = clear($(".report-body", section));
  const title = $("h2", section).textContent;
  box.appendChild(el("figure", { className: "figure" }, rateChart(title, rows, box.clientWidth)));
  const head = ["名称", "参与人数", "成员", "目标人数", "达成率"];
  box.appendChild(el("div", {},
    el("table", { className: "table targets" },
      el("caption", { className: "sr-only", text: title }),
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows.map((r) => el("tr", { "data-key": r.key },
        el("td", { text: r.name }), el("td", { className: "num", text: r.participants }),
        el("td", { className: "num", text: r.members }), el("td", {}, targetInput(by, r, section)),
        el("td", { className: "num band-" + band(r.rate), text: r.rate === null ? "—" : pct(r.rate) }))))),
    el("a", { className: "button small", href: "/api/v1" + query(by) + "&format=csv", download: "",
              text: `导出 CSV（${title}）` })));
}

function loadSection(section) {
  return api("GET", query(section.dataset.by)).then((data) => render(section, data.rows), (err) => {
    clear($(".report-body", section)).appendChild(el("p", { className: "muted", text: "加载失败：" + err.detail }));
  });
}

function load() {
  unflash();
  return Promise.all($$(".report").map(loadSection)).catch(fail);
}

onSubmit($("#range-form"), load);
load();
