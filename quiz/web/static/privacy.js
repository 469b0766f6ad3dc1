/* 我的 → 个人信息: the notice (asked again when it changes), my data as a download, a guardian's
 * consent for their 小记者 (小手拉大手), and deleting my account. */
import { $, ApiError, api, fail, flash, fmtTime, onSubmit } from "./core.js";

/** Response fields this module reads, per operation (checked against /api/v1/openapi.json). */
export const READS = {
  "GET /api/v1/me": ["consent_needed"],
  "GET /api/v1/privacy": ["version", "url"],
  "POST /api/v1/me/consent": ["consent_needed"],
  "GET /api/v1/me/guardian-consent": ["child_name", "consented", "by_me", "granted_at", "source"],
  "POST /api/v1/me/guardian-consent": ["child_name", "consented", "by_me", "granted_at", "source"],
  "DELETE /api/v1/me/guardian-consent": ["child_name", "consented", "by_me", "granted_at", "source"],
};

function renderGuardian(status) {
  $("#guardian-card").hidden = false;
  $("#guardian-child").textContent = status.child_name;
  $("#guardian-status").textContent = status.consented
    ? `已同意（${status.source === "family" ? (status.by_me ? "由您在线确认" : "由家人在线确认") : "学校纸质同意书"}，${fmtTime(status.granted_at)}）`
    : "尚未同意：孩子在公开榜单上以遮挡后的姓名出现，证书不显示全名，不能兑换奖品。";
  $("#guardian-give").hidden = status.consented;
  $("#guardian-withdraw").hidden = !status.consented;
}

function guardian() {
  api("GET", "/me/guardian-consent").then(renderGuardian).catch((err) => {
    if (!(err instanceof ApiError && err.status === 403)) fail(err);  // not a family member
  });
  $("#guardian-give").addEventListener("click", () =>
    api("POST", "/me/guardian-consent", {}).then((s) => {
      renderGuardian(s); flash("已记录您的监护人同意。", "ok");
    }).catch(fail));
  $("#guardian-withdraw").addEventListener("click", () =>
    api("DELETE", "/me/guardian-consent").then((s) => {
      renderGuardian(s); flash("已撤回同意。", "ok");
    }).catch(fail));
}

function notice(me) {
  if (!me.consent_needed) return;
  api("GET", "/privacy").then((n) => {
    $("#consent-card").hidden = false;
    $("#consent-version").textContent = n.version;
    $("#consent-link").href = n.url;
    $("#consent-accept").addEventListener("click", () =>
      api("POST", "/me/consent", { version: n.version }).then(() => {
        $("#consent-card").hidden = true; flash("感谢您同意新版个人信息处理规则。", "ok");
      }).catch(fail));
  }).catch(fail);
}

export function mePrivacy() {
  api("GET", "/me").then(notice).catch(fail);
  guardian();
  onSubmit($("#erase-form"), (data) => {
    if (!window.confirm("注销后无法恢复：用户名和昵称被删除，未领取的兑换券退回积分。确定注销吗？")) {
      return Promise.resolve();
    }
    return api("DELETE", "/me", { password: data.password || null }).then(() => {
      location.href = "/app/login";
    });
  });
}
