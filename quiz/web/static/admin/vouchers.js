/* 核销: look a voucher up (typed, scanner or camera), then hand the prize over. */
import { $, api, clear, el, fail, flash, fmtTime, onSubmit, STATUS_NAMES } from "../core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/admin/redemptions/{voucher_code}": ["voucher_code", "status", "created_at", "prize.name",
    "user.display_name", "user.username"],
  "POST /api/v1/admin/redemptions/{voucher_code}/fulfil": ["voucher_code", "status", "created_at", "prize.name",
    "user.display_name", "user.username"],
};

const input = $("#voucher-code"), result = $("#fulfil-result"), log = $("#fulfil-log");

function card(r) {
  return el("div", { className: "card", "data-voucher": r.voucher_code },
    el("p", { className: "big" }, el("strong", { text: r.prize.name })),
    el("p", {}, "券码 ", el("strong", { className: "code", text: r.voucher_code }), " · ",
      el("span", { className: "status-" + r.status, text: STATUS_NAMES[r.status] || r.status })),
    el("p", { text: `兑换人：${r.user.display_name}（${r.user.username}）` }),
    el("p", { className: "muted", text: "兑换时间：" + fmtTime(r.created_at) }));
}

function explain(code) {
  return (err) => {
    if (err.status === 404) err.detail = "券码不存在：" + code;
    if (err.code === "not_pending") err.detail = "这张券已经领取或已取消，不能再次核销。";
    fail(err);
    input.focus();
  };
}

function fulfil(code) {
  return api("POST", `/admin/redemptions/${encodeURIComponent(code)}/fulfil`).then((r) => {
    clear(result).appendChild(card(r));
    flash(`核销成功：请把「${r.prize.name}」交给市民。`, "ok");
    log.prepend(el("li", { text: `${fmtTime(new Date().toISOString())} · ${r.voucher_code} · ${r.prize.name}` }));
    input.value = "";
    input.focus();
  }, explain(code));
}

onSubmit($("#fulfil-form"), (data) => {
  const code = data.code.trim();
  clear(result);
  // Look the voucher up first so the clerk sees what and whose it is before handing over.
  return api("GET", "/admin/redemptions/" + encodeURIComponent(code)).then((r) => {
    const box = card(r);
    result.appendChild(box);
    if (r.status === "pending") {
      const ok = el("button", { type: "button", className: "primary", text: "确认发放并核销",
                                onclick: () => { ok.disabled = true; fulfil(r.voucher_code); } });
      box.appendChild(ok);
      ok.focus();
    } else {
      flash(`这张券${STATUS_NAMES[r.status] || r.status}，不能核销。`, "error");
    }
  }, explain(code));
});

// Camera scanning where the browser can decode QR codes itself (no library, nothing downloaded).
if ("BarcodeDetector" in window && navigator.mediaDevices) {
  const button = $("#scan-camera"), video = $("#scan-video");
  button.hidden = false;
  button.addEventListener("click", () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((stream) => {
      video.srcObject = stream; video.hidden = false; video.play();
      (function tick() {
        detector.detect(video).then((codes) => {
          if (!codes.length) { requestAnimationFrame(tick); return; }
          stream.getTracks().forEach((t) => t.stop());
          video.hidden = true;
          input.value = codes[0].rawValue;
          $("#fulfil-form").requestSubmit();
        }).catch(() => requestAnimationFrame(tick));
      })();
    }).catch(() => flash("无法打开摄像头，请手动输入券码。", "error"));
  });
}
