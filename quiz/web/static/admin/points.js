/* 积分调整: look the user up, then adjust their points with a memo. */
import { $, api, clear, el, flash, idempotencyKey, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/users/{user_id}": ["display_name", "username", "balance"],
  "POST /api/v1/admin/points/adjust": ["id", "memo"],
  "POST /api/v1/admin/password-resets": ["code", "username", "display_name", "expires_at"],
};

// 忘记密码: a one-time code read out to the user, who sets a new password with it.
onSubmit($("#reset-form"), (data) =>
  api("POST", "/admin/password-resets", { username: data.username.trim() }).then((r) => {
    $("#reset-result").textContent = `${r.display_name}（${r.username}）的重置码：${r.code}，` +
      `${r.expires_at.slice(11, 16)} 前有效，只能使用一次。`;
  }));

const who = $("#a-user-who"), form = $("#adjust-form");

$("#a-user").addEventListener("change", () => {
  const id = Number($("#a-user").value);
  who.textContent = "";
  if (!id) return;
  api("GET", "/admin/users/" + id).then((u) => {
    who.textContent = `${u.display_name}（${u.username}），当前积分 ${u.balance}`;
  }, (err) => { who.textContent = err.status === 404 ? "没有这个用户。" : ""; });
});

onSubmit(form, (data) => {
  const body = { user_id: Number(data.user_id), delta: Number(data.delta), memo: data.memo.trim() };
  return api("POST", "/admin/points/adjust", body, { "Idempotency-Key": idempotencyKey() }).then((entry) => {
    flash(`已为用户 ${body.user_id} 调整 ${body.delta > 0 ? "+" : ""}${body.delta} 分。`, "ok");
    clear($("#adjust-result")).appendChild(el("p", { text: `流水 #${entry.id} · ${entry.memo}` }));
    form.reset();
    who.textContent = "";
  });
});
