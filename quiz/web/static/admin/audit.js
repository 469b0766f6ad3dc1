/* 审计日志: the auditor reads, filters and exports the trail (read-only). */
import { $, clear, el, emptyRow, fail, fmtTime, onSubmit, pager } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/audit-log": ["items[].at", "items[].actor_id", "items[].actor_role",
    "items[].action", "items[].target", "items[].ip", "items[].request_id", "items[].detail", "next_cursor"],
};

const body = $("#audit-table tbody");
const row = (e) => el("tr", {},
  el("td", { text: fmtTime(e.at) }), el("td", { text: e.actor_id ?? "—" }),
  el("td", { text: e.actor_role ?? "—" }), el("td", { text: e.action }),
  el("td", { text: e.target ?? "" }), el("td", { text: e.ip ?? "" }),
  el("td", { text: e.request_id ?? "" }),
  el("td", { text: e.detail ? JSON.stringify(e.detail) : "" }));

let first = true;
const page = pager("items", (items) => {
  if (first) clear(body);
  first = false;
  body.append(...items.map(row));
  if (!body.children.length) body.appendChild(emptyRow(8, "没有记录"));
}, $("#audit-more"));

function query(data) {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "target", "from", "to"]) {
    if (data[key]) params.set(key, data[key]);
  }
  $("#audit-csv").href = `/api/v1/admin/audit-log?${params}&format=csv`;
  first = true;
  return page.load(`/admin/audit-log?${params}`);
}

onSubmit($("#audit-form"), query);
query({}).catch(fail);
