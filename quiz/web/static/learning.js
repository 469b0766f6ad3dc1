/* Learning in the mini-app: round review, 错题本, practice, 纠错 and 长辈模式.
 * citizen.js imports this module and merges `learningPages` into its page table. */
import { $, $$, answerCard, api, clear, el, fail, flash, fmtTime, TYPE_NAMES } from "./core.js";

/** Response fields this module reads, per operation (checked against /api/v1/openapi.json). */
export const READS = {
  "GET /api/v1/quiz/history/{day}": ["date", "questions[].question.id", "questions[].question.stem",
    "questions[].question.type", "questions[].question.category", "questions[].question.options[].key",
    "questions[].question.options[].text", "questions[].choices[]", "questions[].correct",
    "questions[].correct_choices[]", "questions[].explanation", "questions[].points_awarded"],
  "GET /api/v1/me/mistakes": ["items[].question.id", "items[].question.stem", "items[].question.type",
    "items[].question.category", "items[].question.options[].key", "items[].question.options[].text",
    "items[].correct_choices[]", "items[].explanation", "items[].wrong_count", "items[].last_wrong_on",
    "items[].mastered", "next_cursor"],
  "POST /api/v1/practice": ["id", "questions[].id", "questions[].stem", "questions[].type",
    "questions[].category", "questions[].options[].key", "questions[].options[].text"],
  "POST /api/v1/practice/{session_id}/answers": ["correct", "correct_choices[]", "explanation"],
  "POST /api/v1/questions/{question_id}/reports": ["id", "status"],
  "GET /api/v1/me/question-reports": ["items[].id", "items[].question.stem", "items[].reason",
    "items[].message", "items[].status", "items[].resolution", "items[].note", "items[].created_at",
    "next_cursor"],
  "GET /api/v1/me": ["elder_mode"],
  "PATCH /api/v1/me": ["elder_mode"],
};

export const REASONS = { answer: "答案有误", stem: "题干有误", options: "选项有误",
                         explanation: "解析有误", other: "其他问题" };
const RESOLUTIONS = { fixed: "已更正", rejected: "未采纳" };

// ------------------------------------------------------------------ 长辈模式
const MODE_KEY = "quiz.elder_mode";

/** Turn 长辈模式 on or off on this page (other pages key off data-mode="elder"). */
export function applyElderMode(on) {
  if (on) document.documentElement.dataset.mode = "elder";
  else delete document.documentElement.dataset.mode;
  try { localStorage.setItem(MODE_KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
  const toggle = $("#elder-toggle");
  if (toggle) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "长辈模式：开" : "长辈模式";
  }
  refreshSpeak();
}

const elderOn = () => document.documentElement.dataset.mode === "elder";

function setUpElderMode() {
  let saved = null;
  try { saved = localStorage.getItem(MODE_KEY); } catch (e) { /* private mode */ }
  if (saved === "1") applyElderMode(true);  // at once, before the server answers
  const toggle = $("#elder-toggle");
  if (!toggle) return;
  toggle.hidden = false;
  let switched = false;  // a switch made on this page wins over the answer of the read below
  // Signed out (sign-in and register pages) the switch works on this phone alone.
  const signedIn = !!document.body.dataset.signedIn;
  toggle.addEventListener("click", () => {
    switched = true;
    const on = !elderOn();
    applyElderMode(on);
    if (signedIn) api("PATCH", "/me", { elder_mode: on }).catch(fail);
  });
  // The server remembers it per user: a new phone picks it up.
  if (signedIn) api("GET", "/me").then((me) => { if (!switched) applyElderMode(!!me.elder_mode); }).catch(() => {});
}

// ------------------------------------------------------------------ 朗读
function zhVoice() {
  if (!("speechSynthesis" in window)) return null;
  return speechSynthesis.getVoices().find((v) => /^zh/i.test(v.lang)) || null;
}

/** Show every 朗读 button in 长辈模式. Where the device has no Chinese voice (many in-app
 * browsers) the button says so when pressed: there is no server-side speech. */
export function refreshSpeak() {
  const show = elderOn();
  for (const b of $$("[data-speak]")) b.hidden = !show;
}

/** A 朗读 button reading the text of `source()` (a stem and its options). */
export function speakButton(source) {
  return el("button", { type: "button", className: "speak", "data-speak": "", hidden: true, text: "朗读",
    onclick: () => {
      const voice = zhVoice();
      if (!voice) {
        flash("这台手机的浏览器没有中文语音，无法朗读。可以打开手机设置里的“朗读屏幕”（无障碍）功能。", "error");
        return;
      }
      speechSynthesis.cancel();
      const u = new SpeechSynthesisUtterance(source());
      u.lang = voice.lang; u.rate = 0.9;
      try { u.voice = voice; } catch (e) { /* the lang alone picks a Chinese voice */ }
      speechSynthesis.speak(u);
    } });
}

function questionText(root) {
  const stem = $("#q-stem, .stem", root);
  const options = $$(".option", root).map((o) => o.textContent.trim());
  return [stem ? stem.textContent : "", ...options].join("。");
}

// ------------------------------------------------------------------ 纠错
let reportDialog = null;

/** The 纠错 dialog: reason and message, posted for one question. */
export function openReport(questionId) {
  if (!reportDialog) {
    reportDialog = el("dialog", { id: "report-dialog", "aria-labelledby": "report-h" },
      el("form", { className: "form", method: "dialog", id: "report-form" },
        el("h2", { id: "report-h", text: "题目纠错" }),
        el("p", { className: "field" }, el("label", { for: "report-reason", text: "问题类型" }),
          el("select", { id: "report-reason", name: "reason" },
            ...Object.entries(REASONS).map(([k, v]) => el("option", { value: k, text: v })))),
        el("p", { className: "field" }, el("label", { for: "report-message", text: "说明" }),
          el("textarea", { id: "report-message", name: "message", rows: 3, required: true, maxlength: 1000 })),
        el("menu", { className: "actions" },
          el("button", { type: "button", text: "取消", onclick: () => reportDialog.close() }),
          el("button", { type: "submit", className: "primary", text: "提交纠错" }))));
    document.body.appendChild(reportDialog);
    $("#report-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      if (!form.reportValidity()) return;
      api("POST", `/questions/${reportDialog.dataset.question}/reports`, {
        reason: $("#report-reason").value, message: $("#report-message").value.trim(),
      }).then(() => {
        reportDialog.close();
        flash("已收到你的纠错，处理结果会显示在“学习”页的“我的纠错”中。", "ok");
      }, (err) => {
        reportDialog.close();
        if (err.code === "already_reported") flash("你对这道题的纠错还在处理中。", "error");
        else fail(err);
      });
    });
  }
  reportDialog.dataset.question = questionId;
  $("#report-message").value = "";
  reportDialog.showModal();
}

/** A "纠错" link for a question (goes under every 解析). */
export function reportLink(questionId) {
  return el("button", { type: "button", className: "link report-link", text: "纠错",
                        "data-report": questionId, onclick: () => openReport(questionId) });
}

// ------------------------------------------------------------------ shared rendering
/** A question the user has answered: options with their choice and the right ones marked. */
function answeredCard(q, { choices = [], correct_choices: right, explanation, correct, extra }) {
  const options = el("ul", { className: "options plain" },
    ...q.options.map((o) => el("li", {
      className: "option" + (right.includes(o.key) ? " is-correct" : choices.includes(o.key) ? " is-wrong" : ""),
      "data-key": o.key,
    }, el("strong", { text: o.key + ". " }), o.text,
      choices.includes(o.key) ? el("span", { className: "pick", text: "（你的选择）" }) : null)));
  const card = el("li", { className: "card learn-card", "data-question-id": q.id },
    el("p", { className: "meta" }, el("span", { className: "tag", text: TYPE_NAMES[q.type] || q.type }), " ",
      el("span", { className: "tag tag-soft", text: q.category }),
      correct === undefined ? null : el("span", { className: "verdict " + (correct ? "ok" : "bad"),
                                                  text: correct ? " 答对" : " 答错" })),
    el("p", { className: "stem", text: q.stem }),
    options,
    el("p", { text: "正确答案：" + right.join("、") }),
    el("p", { className: "explanation" }, el("strong", { text: "解析：" }), explanation || "暂无解析。"),
    extra || null,
    el("p", {}, reportLink(q.id)));
  card.insertBefore(speakButton(() => questionText(card)), options);
  return card;
}

// ------------------------------------------------------------------ pages
export const learningPages = {};

learningPages.review = function () {
  const day = document.body.dataset.day;
  api("GET", `/quiz/history/${day}`).then((data) => {
    const right = data.questions.filter((i) => i.correct).length;
    $("#review-summary").textContent = `${data.date}：答对 ${right} / ${data.questions.length} 题，` +
      `得分 ${data.questions.reduce((s, i) => s + i.points_awarded, 0)}`;
    const list = clear($("#review-list"));
    for (const item of data.questions) list.appendChild(answeredCard(item.question, item));
    refreshSpeak();
  }).catch(fail);
};

learningPages.learn = function () {
  const list = $("#mistake-list"), more = $("#mistakes-more");
  let cursor = null, query = "";
  function load(reset) {
    if (reset) { clear(list); cursor = null; }
    const qs = new URLSearchParams(query);
    qs.set("limit", "20");
    if (cursor) qs.set("cursor", cursor);
    return api("GET", "/me/mistakes?" + qs).then((data) => {
      for (const m of data.items) {
        list.appendChild(answeredCard(m.question, { correct_choices: m.correct_choices, explanation: m.explanation,
          extra: el("p", { className: "meta" },
            el("span", { className: m.mastered ? "status-ok" : "status-bad", text: m.mastered ? "已掌握" : "未掌握" }),
            ` · 答错 ${m.wrong_count} 次 · 最近 ${m.last_wrong_on}`) }));
      }
      if (!list.children.length) list.appendChild(el("li", { className: "card", text: "没有错题。继续保持！" }));
      cursor = data.next_cursor;
      more.hidden = !cursor;
      refreshSpeak();
    }).catch(fail);
  }
  more.addEventListener("click", () => load(false));
  $("#mistake-filter").addEventListener("change", () => {
    const params = new URLSearchParams();
    const mastered = $("#m-mastered").value, category = $("#m-category").value.trim();
    if (mastered) params.set("mastered", mastered);
    if (category) params.set("category", category);
    query = params.toString();
    load(true);
  });
  $("#mistake-filter").addEventListener("submit", (e) => e.preventDefault());
  $("#m-mastered").value = "0";
  query = "mastered=0";
  load(true);

  const reports = $("#report-list");
  api("GET", "/me/question-reports?limit=50").then((data) => {
    for (const r of data.items) {
      reports.appendChild(el("li", { className: "card", "data-report-id": r.id },
        el("p", { className: "stem", text: r.question.stem }),
        el("p", { className: "meta", text: `${REASONS[r.reason] || r.reason} · ${fmtTime(r.created_at)} · ` +
          (r.status === "open" ? "处理中" : RESOLUTIONS[r.resolution] || r.resolution) }),
        el("p", { text: "我的说明：" + r.message }),
        r.note ? el("p", { className: "admin-note" }, el("strong", { text: "管理员回复：" }), r.note) : null));
    }
    if (!data.items.length) reports.appendChild(el("li", { className: "card", text: "还没有提交过纠错。" }));
    // The replies are on screen now: the 学习 tab's badge goes.
    if (data.items.some((r) => r.status !== "open")) {
      api("POST", "/me/question-reports/read").then(() => {
        for (const b of $$("[data-badge=learn]")) b.hidden = true;
      }).catch(() => {});
    }
  }).catch(fail);
};

learningPages.practice = function () {
  const params = new URLSearchParams(location.search);
  const body = { source: params.get("source") || "mistakes", count: 5 };
  if (params.get("category")) body.category = params.get("category");
  const box = $("#practice-question"), form = $("#practice-form"), feedback = $("#p-feedback");
  const card = answerCard("p", form, { stem: "#q-stem", option: "p" });
  let session, index = 0, right = 0;
  $("#practice-title").textContent = { mistakes: "错题练习", past: "往日题目练习", category: `分类练习：${body.category || ""}` }[body.source] || "练习";

  function show(i) {
    index = i;
    const q = session.questions[i];
    $("#practice-progress").textContent = `第 ${i + 1} / ${session.questions.length} 题（练习不计积分）`;
    card.show(q, i + 1);
    feedback.hidden = true;
    box.hidden = false;
    refreshSpeak();
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = card.choices();
    if (!choices.length) { flash("请先选择答案。", "error"); return; }
    const q = session.questions[index];
    $("#p-submit").disabled = true;
    api("POST", `/practice/${session.id}/answers`, { question_id: q.id, choices }).then((result) => {
      if (result.correct) right += 1;
      card.mark(result, result.correct ? "回答正确！" : "回答错误");
      $("#p-report").replaceChildren(reportLink(q.id));
      $("#p-next").textContent = index + 1 < session.questions.length ? "下一题" : "查看练习结果";
      feedback.hidden = false;
      feedback.focus();
    }, (err) => { $("#p-submit").disabled = false; fail(err); });
  });
  $("#p-next").addEventListener("click", () => {
    if (index + 1 < session.questions.length) { show(index + 1); return; }
    box.hidden = true;
    $("#practice-progress").textContent = "";
    $("#p-sum").textContent = `答对 ${right} / ${session.questions.length} 题。练习不计积分。`;
    $("#practice-done").hidden = false;
  });
  $("#practice-speak").replaceChildren(speakButton(() => questionText(box)));
  api("POST", "/practice", body).then((data) => { session = data; show(0); }, (err) => {
    if (err.code === "nothing_to_practise") {
      $("#practice-empty").hidden = false;
      $("#practice-progress").textContent = "";
    } else fail(err);
  });
};

// ------------------------------------------------------------------ on every mini-app page
/** The daily quiz's feedback gets a 纠错 link for the question just answered. */
export function quizFeedback(questionId) {
  const slot = $("#q-report");
  if (slot) slot.replaceChildren(reportLink(questionId));
}

setUpElderMode();
if ("speechSynthesis" in window) speechSynthesis.addEventListener?.("voiceschanged", refreshSpeak);
const stemSpeak = $("#q-speak-slot");
if (stemSpeak) stemSpeak.replaceChildren(speakButton(() => questionText($("#quiz-question"))));
refreshSpeak();
