/* 我知晓 我践行 — what every page shares: the API call, DOM building, messages, forms, paging.
 * Pages are server-rendered shells; their module fills them from the JSON API (/api/v1), the
 * same one the news app calls. DOM is built with createElement/textContent only, never
 * innerHTML with data, so user-supplied text always renders as text. */

export const API = "/api/v1";

/** A problem answer (application/problem+json, RFC 9457): code, detail, errors[]. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `请求失败（${status}）。`);
    this.status = status;
    this.code = (problem && problem.code) || "error";
    this.detail = this.message;
    this.errors = (problem && problem.errors) || [];
  }
}

/** Call the JSON API with the session cookie and the CSRF header; problems become ApiError. */
export function api(method, path, body, headers) {
  const opts = { method, credentials: "same-origin",
                 headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json", ...headers } };
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined && body !== null) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  return fetch(API + path, opts).then((res) => {
    if (res.status === 204) return null;
    const json = (res.headers.get("Content-Type") || "").includes("json");
    return (json ? res.json() : Promise.resolve(null)).then((data) => {
      if (!res.ok) throw new ApiError(res.status, data);
      return data;
    });
  }, () => {
    throw new ApiError(0, { code: "network", detail: "网络连接失败，请检查网络后重试。" });
  });
}

/** el("p", {className, text, onclick, …attributes}, …children) */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
export function clear(node) { node.replaceChildren(); return node; }

/** A table row with one cell across the table: "nothing here yet". */
export const emptyRow = (colspan, text) => el("tr", {}, el("td", { colspan, text }));

/** A message as a toast: fixed in view above the tab bar (wherever the page is scrolled),
 * in the #flash live region (aria-live) so screen readers announce it; errors as role=alert.
 * A success fades after a few seconds; an error stays until closed or the next action. */
let toastTimer = null;
export function flash(message, kind, details) {
  const box = $("#flash");
  if (!box) return;
  clearTimeout(toastTimer);
  clear(box);
  const error = kind === "error";
  box.className = "flash " + (kind || "ok");
  box.setAttribute("role", error ? "alert" : "status");
  box.appendChild(el("span", { className: "toast-text", text: message }));
  if (details && details.length) box.appendChild(el("ul", { className: "errors" }, ...details.map((d) => el("li", { text: d }))));
  box.appendChild(el("button", { type: "button", className: "toast-close", "aria-label": "关闭提示", text: "×", onclick: unflash }));
  box.hidden = false;
  if (!error) toastTimer = setTimeout(unflash, 6000);
}
export function unflash() {
  clearTimeout(toastTimer);
  const box = $("#flash");
  if (box) clear(box);
}

/** What a person calls each API field: problems name fields by their API name. */
export const FIELD_NAMES = {
  username: "用户名", password: "密码", display_name: "昵称", district: "所在区", invite_code: "邀请码",
  join_code: "团队加入码", question_ids: "题目", question_id: "题目", category: "题目分类", name: "名称",
  description: "说明", cost: "所需积分", stock: "库存", per_user_limit: "每人限兑", on_sale: "上架",
  memo: "备注", delta: "积分变动", user_id: "用户", message: "说明", reason: "问题类型",
  starts_at: "开始时间", ends_at: "结束时间", questions_per_attempt: "每次答题题数",
  attempts_allowed: "每人可答次数", points_per_correct: "答对每题积分", time_limit_s: "限时",
  stem: "题干", options: "选项", answer: "答案", explanation: "解析", active: "启用", choices: "答案",
  target: "目标人数", note: "回复", resolution: "处理结果", enabled: "提醒开关", time: "提醒时间",
  from: "开始日期", to: "结束日期", file: "文件", consent_version: "隐私政策", elder_mode: "长辈模式",
  month: "月份", prize_id: "奖品", points: "分值", difficulty: "难度", type: "题型", image: "图片",
  image_url: "图片地址", sort_order: "排序", sale_starts_at: "开售时间", sale_ends_at: "停售时间",
  pickup_place: "领取地点", pickup_hours: "开放时间", redeem_days: "领取期限", code: "重置码",
  new_password: "新密码", text: "内容", key: "选项字母", title: "标题", date: "日期", week: "周", by: "统计方式", limit: "条数",
};

/** "question_ids.3" → "题目（第 4 项）": the field in Chinese, list positions counted from 1. */
export function fieldName(path) {
  const parts = String(path).split(".");
  let out = "";
  for (const part of parts) {
    if (/^\d+$/.test(part)) { out += `（第 ${Number(part) + 1} 项）`; continue; }
    if (part === "_schema") continue;
    let label = FIELD_NAMES[part];
    if (!label) {  // a form field the page labels itself
      const input = document.querySelector(`[name="${CSS.escape(part)}"]`);
      const tag = input && input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
      label = tag ? tag.textContent.trim() : "输入内容";
    }
    out += (out ? "·" : "") + label;
  }
  return out;
}

// A problem's errors[] items are {field, message} (form fields) or {row, column, message} (bank files).
function describe(item) {
  const where = item.row !== undefined ? `第 ${item.row} 行` + (item.column ? `（${item.column}）` : "")
    : item.field ? fieldName(item.field) : "";
  return (where ? where + "：" : "") + item.message;
}

let signingOut = false;
const signInPath = () => (location.pathname.startsWith("/admin") ? "/admin/login" : "/app/login");

/** Show an API problem in words; a lapsed session goes back to sign-in (a wrong code or password
 * typed on the page — 401 invalid_credentials or invalid_code — is said where it was typed). */
const TYPED_WRONG = ["invalid_credentials", "invalid_code"];

export function fail(err) {
  if (!(err instanceof ApiError)) { flash("出错了：" + err, "error"); throw err; }
  if (err.status === 401 && !TYPED_WRONG.includes(err.code) && document.body.dataset.page !== "login") {
    // Signing out: a request still in flight answers 401 too; the sign-out decides where to go.
    if (!signingOut) location.href = signInPath() + "?next=" + encodeURIComponent(location.pathname + location.search);
    return;
  }
  flash(err.detail, "error", err.errors.map(describe));
}

/** Fill every [data-bind=KEY] with user[KEY]. */
export function bind(user) {
  for (const node of $$("[data-bind]")) {
    const key = node.dataset.bind;
    if (key in user && user[key] !== null) node.textContent = user[key];
  }
}

export function formData(form) {
  const out = {};
  for (const f of $$("input, select, textarea", form)) {
    if (f.name) out[f.name] = f.type === "checkbox" ? f.checked : f.value;
  }
  return out;
}

/** Run handler(values) on submit with the button disabled meanwhile; problems are shown. */
export function onSubmit(form, handler) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const button = $("button[type=submit]", form);
    if (button) button.disabled = true;
    unflash();
    Promise.resolve().then(() => handler(formData(form), event))
      .catch(fail).then(() => { if (button) button.disabled = false; });
  });
}

/**
 * Cursor paging: load(path) fetches the first page and shows `more` while there is a
 * next_cursor; onPage(data[key], data) gets each page. A new load() drops the old cursor and
 * any answer still on its way for the old query.
 */
export function pager(key, onPage, more) {
  let path = "", cursor = null, generation = 0;
  function fetchPage() {
    const mine = generation;
    const url = cursor ? path + (path.includes("?") ? "&" : "?") + "cursor=" + encodeURIComponent(cursor) : path;
    return api("GET", url).then((data) => {
      if (mine !== generation) return;
      onPage(data[key], data);
      cursor = data.next_cursor;
      if (more) more.hidden = !cursor;
    }).catch(fail);
  }
  if (more) more.addEventListener("click", fetchPage);
  return {
    load(newPath) {
      path = newPath; cursor = null; generation += 1;
      if (more) more.hidden = true;
      return fetchPage();
    },
  };
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || "";
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join("");
}

export const TYPE_NAMES = { single: "单选题", multiple: "多选题", judge: "判断题" };
export const STATUS_NAMES = { pending: "待领取", fulfilled: "已领取", cancelled: "已取消" };

/** The sign-in form (mini-app and console). Signed in, it goes to the page that sent the person
 * here (`next`), or else where `landing()` (a promise of a path) says. */
export function signInPage(landing = () => Promise.resolve("/app/")) {
  const form = $("#login-form");
  enterMovesOn(form);
  onSubmit(form, (data) =>
    api("POST", "/auth/login", { username: data.username.trim(), password: data.password })
      .then(() => data.next || landing())
      .then((path) => { location.href = path; }));
  $("#login-username").focus();
}

/** Enter in a field marked `enterkeyhint="next"` (the phone keyboard's 下一项) moves to the
 * form's next field instead of sending the form; Enter in the last one sends it. */
export function enterMovesOn(form) {
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || event.isComposing || field.enterKeyHint !== "next") return;
    const fields = $$("input:not([type=hidden]), select, textarea", form);
    const next = fields[fields.indexOf(field) + 1];
    if (!next) return;
    event.preventDefault();
    next.focus();
  });
}

/** Run the loader named by <body data-page>. */
export function start(pages) {
  const page = pages[document.body.dataset.page];
  if (page) page();
}

// The "退出" button on every page (and "换个账号登录" on the forbidden page).
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-action=logout]");
  if (!target) return;
  signingOut = true;
  api("POST", "/auth/logout").catch(() => {}).then(() => { location.href = target.dataset.next || signInPath(); });
});

/** The one answer card of the daily quiz, campaigns and practice. A page's card is its elements
 * `#<prefix>-type`, `-category`, `-stem`, `-options`, `-submit`, `-verdict`, `-correct` and
 * `-explanation` (`ids` renames any of them, and `ids.option` names the options' inputs
 * `<option>-<question id>-<key>`); `show` draws a question as the user sees it,
 * `choices` reads the picks (in the user's keys) and `mark` shows the server's verdict on them. */
export function answerCard(prefix, form, ids = {}) {
  const part = (name) => $(ids[name] || `#${prefix}-${name}`);
  return {
    show(q, number) {
      part("type").textContent = TYPE_NAMES[q.type] || q.type;
      part("category").textContent = q.category;
      part("stem").textContent = `${number}. ${q.stem}`;
      const box = clear(part("options"));
      const kind = q.type === "multiple" ? "checkbox" : "radio";
      for (const o of q.options) {
        const id = `${ids.option || "opt"}-${q.id}-${o.key}`;
        box.appendChild(el("label", { className: "option", for: id, "data-key": o.key },
          el("input", { type: kind, name: "choice", value: o.key, id }),
          el("span", {}, el("strong", { text: o.key + ". " }), o.text)));
      }
      part("submit").hidden = false;
      part("submit").disabled = false;
      return $("input", box);
    },
    choices() {
      return $$("input[name=choice]:checked", form).map((i) => i.value);
    },
    mark(result, verdictText) {
      for (const label of $$(".option", form)) {
        const input = $("input", label);
        input.disabled = true;
        if (result.correct_choices.includes(label.dataset.key)) label.classList.add("is-correct");
        else if (input.checked) label.classList.add("is-wrong");
        // Said in words too: colour alone never carries the verdict.
        if (input.checked) $("span", label).appendChild(el("span", { className: "pick", text: "（你的选择）" }));
      }
      const verdict = part("verdict");
      verdict.textContent = verdictText;
      verdict.className = "verdict " + (result.correct ? "ok reward" : "bad");
      // A short pop (CSS, only without prefers-reduced-motion) and a tap of vibration — not
      // in 长辈模式, where a buzz startles more than it rewards.
      if (result.correct && document.documentElement.dataset.mode !== "elder" && navigator.vibrate &&
          !matchMedia("(prefers-reduced-motion: reduce)").matches) {
        try { navigator.vibrate(30); } catch (e) { /* not allowed in this frame */ }
      }
      part("correct").textContent = "正确答案：" + result.correct_choices.join("、");
      part("explanation").textContent = result.explanation || "暂无解析。";
      part("submit").hidden = true;
    },
  };
}

/** Offer a share card (a PNG under the API): the news app's share hook when the page runs inside
 * it (`window.NewsApp.shareImage(url, title)`), the Web Share API where it takes files, and
 * otherwise the picture itself in `slot`, to long-press and save. */
export function shareImage(url, title, slot) {
  const host = window.NewsApp && typeof window.NewsApp.shareImage === "function" ? window.NewsApp : null;
  if (host) { host.shareImage(location.origin + url, title); return Promise.resolve(); }
  const picture = () => {
    clear(slot).append(el("p", { className: "muted", text: "长按图片可保存或发给朋友。" }),
      el("img", { src: url, alt: title, width: 360, height: 480 }));
    slot.hidden = false;
  };
  if (!(navigator.canShare && navigator.share)) { picture(); return Promise.resolve(); }
  return fetch(url, { credentials: "same-origin" }).then((r) => r.blob()).then((blob) => {
    const file = new File([blob], "share.png", { type: "image/png" });
    if (!navigator.canShare({ files: [file] })) throw new Error("no files");
    return navigator.share({ files: [file], title });
  }).catch(picture);
}
