/* 专项答题 in the citizen mini-app: the list, an attempt (with its countdown) and each campaign's board.
 * The server keeps the time: an attempt's `remaining_s` (at the start and after every answer) sets
 * the countdown, and an answer after the deadline is refused there whatever this page shows.
 * The countdown is live in both modes (large in 长辈模式) and warns in words in its last minute.
 * 长辈模式 gets no extra time: every player of a campaign has the same limit, since its board
 * ranks ties by time (docs/campaigns.md). */
import { $, API, answerCard, api, clear, el, fail, flash, shareImage, unflash } from "./core.js";

/** Response fields this module reads, per operation (checked by tests/web/test_contract.py). */
export const READS = {
  "GET /api/v1/campaigns": ["[].id", "[].name", "[].description", "[].starts_at", "[].ends_at",
    "[].status", "[].attempts_left", "[].best_score", "[].questions_per_attempt", "[].time_limit_s",
    "[].points_per_correct", "[].open_attempt_id"],
  "POST /api/v1/campaigns/{campaign_id}/attempts": ["id", "remaining_s", "questions[].id", "questions[].type",
    "questions[].category", "questions[].stem", "questions[].options[].key", "questions[].options[].text"],
  "GET /api/v1/campaigns/{campaign_id}/attempts/{attempt_id}": ["id", "remaining_s", "answered_ids[]", "score",
    "points", "questions[].id", "questions[].type", "questions[].category", "questions[].stem",
    "questions[].options[].key", "questions[].options[].text"],
  "POST /api/v1/campaigns/{campaign_id}/attempts/{attempt_id}/answers": ["correct", "correct_choices[]",
    "explanation", "points_awarded", "completed", "score", "remaining_s"],
  "GET /api/v1/campaigns/{campaign_id}/leaderboard": ["entries[].rank", "entries[].name", "entries[].score",
    "entries[].seconds", "me.rank", "me.score", "me.seconds"],
};

const STATUS = { upcoming: "未开始", open: "进行中", ended: "已结束" };

/** "2026-11-24T09:00:00+08:00" → "2026-11-24 09:00": the window in the service's own time
 * (北京时间), as the admin set it, whatever the phone's zone. */
const serviceTime = (iso) => (iso || "").slice(0, 16).replace("T", " ");

function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function duration(seconds) {
  if (seconds < 60) return `${seconds} 秒`;
  return seconds % 60 ? `${Math.floor(seconds / 60)} 分 ${seconds % 60} 秒` : `${seconds / 60} 分钟`;
}

/** Seconds left at which the countdown turns to a warning, said once to screen readers too. */
const WARN_AT_S = 60;

/** The attempt's time left: a live countdown in both modes (larger in 长辈模式, where the
 * stylesheet sizes it), and a warning in words once a minute or less is left. */
function countdown(onExpired) {
  const timer = $("#attempt-timer"), words = $("#attempt-remaining");
  let endsAt = null, tick = null, warned = false;
  function show() {
    const left = (endsAt - performance.now()) / 1000;
    timer.textContent = "剩余 " + clock(left);
    const low = left <= WARN_AT_S;
    timer.classList.toggle("low", low);
    if (low && !warned) {
      warned = true;
      words.textContent = `还剩不到 ${Math.max(1, Math.ceil(left / 60))} 分钟，请抓紧作答，时间到后未答的题不计分。`;
      words.hidden = false;
    }
    if (left <= 0) { stop(); onExpired(); }
  }
  function stop() { if (tick) clearInterval(tick); tick = null; }
  return {
    /** remaining: seconds on the server's clock, or null without a time limit. */
    set(remaining) {
      stop();
      timer.hidden = words.hidden = true;
      warned = false;
      if (remaining === null || remaining === undefined) return;
      endsAt = performance.now() + remaining * 1000;
      timer.hidden = false;
      show();
      tick = setInterval(show, 250);
    },
    stop,
  };
}

export function campaignsPage() {
  const home = $("#campaign-home"), attemptBox = $("#campaign-attempt"), summaryBox = $("#attempt-summary");
  const boardBox = $("#campaign-board"), form = $("#attempt-form"), feedback = $("#a-feedback");
  const sheet = answerCard("a", form, { option: "copt" });
  let campaign = null, attempt = null, index = 0, results = [], over = false, done = new Set();
  const timer = countdown(() => finish("答题时间已到。"));

  function only(box) {
    for (const b of [home, attemptBox, summaryBox, boardBox]) b.hidden = b !== box;
  }

  function card(c) {
    const terms = [`每次 ${c.questions_per_attempt} 题`, `答对每题 ${c.points_per_correct} 分`];
    if (c.time_limit_s) terms.push(`限时 ${duration(c.time_limit_s)}`);
    const mine = [`剩余 ${c.attempts_left} 次`];
    if (c.best_score !== null) mine.push(`最好成绩 ${c.best_score} 题`);
    const canPlay = c.status === "open" && c.attempts_left > 0 && !c.open_attempt_id;
    return el("li", { className: "card campaign", "data-campaign-id": c.id },
      el("p", {}, el("span", { className: "tag status-" + c.status, text: STATUS[c.status] || c.status })),
      el("h3", { text: c.name }),
      c.description ? el("p", { text: c.description }) : null,
      el("p", { className: "meta", text: `${serviceTime(c.starts_at)} 至 ${serviceTime(c.ends_at)}` }),
      el("p", { className: "meta", text: terms.join(" · ") }),
      el("p", { className: "meta", text: mine.join(" · ") }),
      el("p", { className: "actions" },
        canPlay ? el("button", { type: "button", className: "primary", text: c.best_score === null ? "开始答题" : "再答一次",
                                 "aria-label": (c.best_score === null ? "开始答题：" : "再答一次：") + c.name,
                                 onclick: () => begin(c) }) : null,
        c.open_attempt_id ? el("button", { type: "button", className: "primary", text: "继续答题",
                                           "aria-label": "继续答题：" + c.name, onclick: () => resume(c) }) : null,
        el("button", { type: "button", text: "排行榜", "aria-label": "排行榜：" + c.name, onclick: () => board(c) }),
        c.best_score !== null ? el("button", { type: "button", text: "分享成绩", "aria-label": "分享成绩：" + c.name,
          onclick: (event) => shareImage(`${API}/campaigns/${c.id}/share.png`, "我知晓 我践行：" + c.name,
            event.target.closest("li").querySelector(".share-slot")) }) : null),
      el("div", { className: "share-card share-slot", hidden: true }));
  }

  function list() {
    timer.stop();
    only(home);
    return api("GET", "/campaigns").then((items) => {
      const box = clear($("#campaign-list"));
      for (const c of items) box.appendChild(card(c));
      if (!items.length) box.appendChild(el("li", { text: "暂时没有专项答题。" }));
    }).catch(fail);
  }

  function run(c, data) {
    campaign = c; attempt = data; results = []; over = false;
    done = new Set(data.answered_ids || []);
    $("#attempt-name").textContent = c.name;
    only(attemptBox);
    timer.set(data.remaining_s);
    const i = nextUnanswered(0);
    if (i < 0) finish(); else show(i);
  }

  function begin(c) {
    unflash();
    api("POST", `/campaigns/${c.id}/attempts`).then((data) => run(c, data))
      .catch((err) => { fail(err); if (err.code === "no_attempts_left" || err.code === "campaign_closed") list(); });
  }

  /** Back into a running attempt (the page was closed or reloaded): the server kept its clock. */
  function resume(c) {
    unflash();
    api("GET", `/campaigns/${c.id}/attempts/${c.open_attempt_id}`).then((data) => run(c, data))
      .catch((err) => { fail(err); list(); });
  }

  function nextUnanswered(from) {
    for (let i = from; i < attempt.questions.length; i++) if (!done.has(attempt.questions[i].id)) return i;
    return -1;
  }

  function show(i) {
    index = i;
    const q = attempt.questions[i];
    $("#attempt-progress").textContent = `第 ${i + 1} / ${attempt.questions.length} 题`;
    const first = sheet.show(q, i + 1);
    feedback.hidden = true;
    if (first) first.focus();
  }

  function showFeedback(result) {
    sheet.mark(result, result.correct
      ? "回答正确！" + (result.points_awarded ? `+${result.points_awarded} 分` : "") : "回答错误");
    $("#a-next").textContent = result.completed ? "查看本次成绩" : "下一题";
    feedback.hidden = false;
    feedback.focus();
  }

  function finish(message) {
    if (over) return;
    over = true;
    timer.stop();
    if (message) flash(message, "error");
    const last = results[results.length - 1];
    const score = last ? last.score : attempt.score || 0;
    $("#as-score").textContent = `${score} / ${attempt.questions.length}`;
    $("#as-points").textContent = results.reduce((s, r) => s + r.points_awarded, attempt.points || 0) + " 分";
    $("#as-time").textContent = "…";
    only(summaryBox);
    summaryBox.focus();
    // The board has the attempt's time as the server counted it.
    api("GET", `/campaigns/${campaign.id}/leaderboard?limit=1`).then((b) => {
      $("#as-time").textContent = b.me ? `${duration(b.me.seconds)}（最好成绩）` : "–";
    }).catch(() => { $("#as-time").textContent = "–"; });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = sheet.choices();
    if (!choices.length) { flash("请先选择答案。", "error"); return; }
    unflash();
    const q = attempt.questions[index];
    $("#a-submit").disabled = true;
    api("POST", `/campaigns/${campaign.id}/attempts/${attempt.id}/answers`, { question_id: q.id, choices }).then((result) => {
      results.push(result);
      done.add(q.id);
      timer.set(result.completed ? null : result.remaining_s);
      showFeedback(result);
    }, (err) => {
      $("#a-submit").disabled = false;
      if (err.code === "attempt_over") { finish(err.detail); return; }
      if (err.code === "already_answered") {  // answered in another tab: go on with the rest
        done.add(q.id);
        const i = nextUnanswered(0);
        if (i < 0) finish(); else show(i);
        return;
      }
      fail(err);
    });
  });

  $("#a-next").addEventListener("click", () => {
    const last = results[results.length - 1];
    const i = nextUnanswered(0);
    if ((last && last.completed) || i < 0) finish(); else show(i);
  });

  function board(c) {
    campaign = c;
    $("#board-name").textContent = `${c.name} · 排行榜`;
    only(boardBox);
    const listBox = clear($("#campaign-board-list")), me = $("#campaign-board-me");
    me.textContent = "正在加载…";
    api("GET", `/campaigns/${c.id}/leaderboard?limit=50`).then((data) => {
      const mine = data.me;
      me.textContent = mine ? `我的名次：第 ${mine.rank} 名 · 答对 ${mine.score} 题 · 用时 ${duration(mine.seconds)}` : "暂未上榜";
      for (const e of data.entries) {
        const isMe = mine && e.rank === mine.rank;
        listBox.appendChild(el("li", { className: isMe ? "mine" : null, "aria-current": isMe ? "true" : null },
          el("span", { className: "rank", text: e.rank }),
          el("span", { className: "name", text: e.name }, isMe ? el("span", { className: "sr-only", text: "（我）" }) : null),
          el("span", { className: "score", text: `${e.score} 题 · ${duration(e.seconds)}` })));
      }
      if (!data.entries.length) listBox.appendChild(el("li", { text: "暂无成绩" }));
    }).catch((err) => { me.textContent = ""; fail(err); });
  }

  $("#as-board").addEventListener("click", () => board(campaign));
  $("#as-back").addEventListener("click", list);
  $("#board-back").addEventListener("click", list);
  list();
}

/** The home page's 专项答题 card: campaigns open now (with the caller's attempts left) and those
 * about to start, linking to the list. Hidden when there is none, or when the list cannot load
 * (the rest of the home page does not depend on it). */
export function homeCampaigns() {
  const box = $("#campaign-teaser"), list = $("#teaser-list");
  return api("GET", "/campaigns").then((items) => {
    const live = items.filter((c) => c.status === "open" || c.status === "upcoming").slice(0, 3);
    clear(list);
    for (const c of live) {
      const when = c.status === "open"
        ? `${serviceTime(c.ends_at)} 截止 · 剩余 ${c.attempts_left} 次`
        : `${serviceTime(c.starts_at)} 开始`;
      list.appendChild(el("li", { "data-campaign-id": c.id },
        el("span", { className: "tag status-" + c.status, text: STATUS[c.status] }),
        " ", el("strong", { text: c.name }),
        el("span", { className: "meta", text: " · " + when })));
    }
    box.hidden = !live.length;
  }).catch(() => { box.hidden = true; }).finally(() => box.removeAttribute("aria-busy"));
}
