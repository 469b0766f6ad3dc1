/* 奖品: add and edit prizes, stock and per-user limits. */
import { $, api, el, emptyRow, fail, flash, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/prizes": ["items[].id", "items[].name", "items[].description", "items[].cost",
    "items[].stock", "items[].per_user_limit", "items[].on_sale", "items[].pickup_place", "items[].pickup_hours",
    "items[].pickup_days"],
  "POST /api/v1/admin/prizes": ["name"],
  "PATCH /api/v1/admin/prizes/{prize_id}": ["name"],
};

const form = $("#prize-form"), body = $("#prize-table tbody");
// The stock shown when the form was filled: the server applies the difference, so units sold
// while the admin edits stay sold.
let stockSeen = null;

function edit(p) {
  form.elements.id.value = p.id;
  form.elements.name.value = p.name;
  form.elements.description.value = p.description;
  form.elements.cost.value = p.cost;
  form.elements.stock.value = p.stock;
  stockSeen = p.stock;
  form.elements.per_user_limit.value = p.per_user_limit ?? "";
  form.elements.on_sale.checked = p.on_sale;
  form.elements.pickup_place.value = p.pickup_place || "";
  form.elements.pickup_hours.value = p.pickup_hours || "";
  form.elements.pickup_days.value = p.pickup_days ?? "";
  $("#prize-form-h").textContent = "编辑奖品 #" + p.id;
  form.elements.name.focus();
}

function load() {
  return api("GET", "/admin/prizes?limit=100").then((page) => {
    body.replaceChildren(...page.items.map((p) => el("tr", { "data-prize-id": p.id },
      el("td", { text: p.id }), el("td", { text: p.name }),
      el("td", { className: "num", text: p.cost }), el("td", { className: "num", text: p.stock }),
      el("td", { className: "num", text: p.per_user_limit ?? "不限" }), el("td", { text: p.on_sale ? "在售" : "下架" }),
      el("td", {}, el("button", { type: "button", className: "small", text: "编辑", onclick: () => edit(p) })))));
    if (!page.items.length) body.appendChild(emptyRow(7, "还没有奖品"));
  }).catch(fail);
}

form.addEventListener("reset", () => { form.elements.id.value = ""; stockSeen = null; $("#prize-form-h").textContent = "新增奖品"; });
onSubmit(form, (data) => {
  const prize = { name: data.name.trim(), description: data.description, cost: Number(data.cost), stock: Number(data.stock),
                  per_user_limit: data.per_user_limit === "" ? null : Number(data.per_user_limit), on_sale: data.on_sale,
                  pickup_place: data.pickup_place.trim() || null, pickup_hours: data.pickup_hours.trim() || null,
                  pickup_days: data.pickup_days === "" ? null : Number(data.pickup_days) };
  const id = data.id;
  // Send what the form showed: the server applies only the difference.
  if (id && stockSeen !== null) Object.assign(prize, { stock_seen: stockSeen });
  return api(id ? "PATCH" : "POST", "/admin/prizes" + (id ? "/" + id : ""), prize).then((p) => {
    flash(`已保存奖品「${p.name}」。`, "ok");
    form.reset();
    return load();
  });
});
load();
