/* A data table with a caption for screen readers (console pages). */
import { el, emptyRow } from "../core.js";

/** header: column titles; rows: arrays of cells; numeric[i]: right-align column i. */
export function dataTable(caption, header, rows, numeric) {
  const cls = (i) => (numeric[i] ? "num" : null);
  return el("table", { className: "table" },
    el("caption", { className: "sr-only", text: caption }),
    el("thead", {}, el("tr", {}, ...header.map((h, i) => el("th", { scope: "col", text: h, className: cls(i) })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => el("td", { text: c, className: cls(i) })))),
      rows.length ? null : emptyRow(header.length, "没有数据")));
}
