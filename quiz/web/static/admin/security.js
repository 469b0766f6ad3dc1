/* 账号安全: pass the second factor, or enrol a TOTP authenticator and see the recovery codes once. */
import { $, api, el, fail, flash, onSubmit } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/auth/2fa": ["policy", "enrolled", "satisfied"],
  "POST /api/v1/auth/2fa/verify": ["satisfied"],
  "POST /api/v1/auth/2fa/setup": ["secret", "qr_png"],
  "POST /api/v1/auth/2fa/enable": ["recovery_codes"],
};

function show(state) {
  $("#tfa-state").textContent = state.enrolled
    ? (state.satisfied ? "双因素认证已启用，本次登录已验证。" : "请输入验证器中的验证码（或一个恢复码）完成登录。")
    : (state.policy === "required" ? "必须先启用双因素认证才能使用管理后台。" : "尚未启用双因素认证（建议启用）。");
  $("#verify-form").hidden = !(state.enrolled && !state.satisfied);
  $("#enrol").hidden = state.enrolled && !state.satisfied;
}

function load() { return api("GET", "/auth/2fa").then(show).catch(fail); }

onSubmit($("#verify-form"), (data) => api("POST", "/auth/2fa/verify", { code: data.code.trim() })
  .then((state) => { if (state.satisfied) location.href = "/admin/"; }));

$("#enrol-start").addEventListener("click", () => api("POST", "/auth/2fa/setup").then((e) => {
  $("#enrol-secret").textContent = e.secret;
  $("#enrol-img").src = e.qr_png;
  $("#enrol-qr").hidden = false;
  $("#enable-code").focus();
}).catch(fail));

onSubmit($("#enable-form"), (data) => api("POST", "/auth/2fa/enable", { code: data.code.trim() })
  .then((answer) => {
    $("#recovery-codes").replaceChildren(...answer.recovery_codes.map((c) => el("li", { text: c })));
    $("#recovery").hidden = false;
    $("#enrol-qr").hidden = true;
    flash("双因素认证已启用。", "ok");
    return load();
  }));

load();
