/* 团队: list teams with their join codes; create one. */
import { $, api, el, fail, flash, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/teams": ["items[].id", "items[].name", "items[].district", "items[].join_code"],
  "POST /api/v1/admin/teams": ["id", "name", "district", "join_code"],
};

const body = $("#team-table tbody");

function row(t) {
  return el("tr", { "data-team-id": t.id }, el("td", { text: t.id }), el("td", { text: t.name }),
    el("td", { text: t.district || "" }), el("td", {}, el("strong", { className: "code", text: t.join_code })));
}

api("GET", "/admin/teams?limit=100").then((page) => body.append(...page.items.map(row))).catch(fail);
onSubmit($("#team-form"), (data) =>
  api("POST", "/admin/teams", { name: data.name.trim(), district: data.district || null }).then((t) => {
    flash(`已创建团队「${t.name}」，加入码 ${t.join_code}。`, "ok");
    body.appendChild(row(t));
    $("#team-form").reset();
  }));
