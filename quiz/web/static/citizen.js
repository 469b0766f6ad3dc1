/* The citizen mini-app (/app/): sign-in, today's quiz, points, boards, shop, vouchers, team. */
import {
  $, $$, API, answerCard, api, bind, clear, el, emptyRow, enterMovesOn, fail, flash, fmtTime, idempotencyKey, onSubmit, pager,
  signInPage, start, unflash, STATUS_NAMES,
} from "./core.js";
import { learningPages, quizFeedback } from "./learning.js";
import { homeRecognition } from "./recognition.js";
import { campaignsPage, homeCampaigns } from "./campaigns.js";
import { mePrivacy } from "./privacy.js";

/** Response fields this module reads, per operation (JSON; tests/web/test_contract.py checks
 * every one against /api/v1/openapi.json). "a[]" steps into an array, "a{}" into a map. */
export const READS = {
  "GET /api/v1/me": ["display_name", "balance", "streak", "role", "district", "invite_code", "team.name"],
  "PATCH /api/v1/me": ["display_name", "balance", "streak", "role", "district", "invite_code", "team.name"],
  "POST /api/v1/me/team": ["display_name", "balance", "streak", "role", "district", "invite_code", "team.name"],
  "GET /api/v1/me/family": ["members[].display_name"],
  "GET /api/v1/me/calendar": ["month", "streak", "days[].date", "days[].status", "days[].points"],
  "GET /api/v1/me/reminders": ["enabled", "time"],
  "PUT /api/v1/me/reminders": ["enabled", "time"],
  "GET /api/v1/me/badges": ["report_replies"],
  "GET /api/v1/quiz/today": ["date", "questions[].id", "questions[].type", "questions[].category",
    "questions[].stem", "questions[].options[].key", "questions[].options[].text",
    "answered{}.correct", "answered{}.correct_choices[]", "answered{}.points_awarded",
    "answered{}.balance", "answered{}.bonus_awarded", "answered{}.bonuses[].kind", "answered{}.bonuses[].points"],
  "POST /api/v1/quiz/today/answers": ["correct", "correct_choices[]", "explanation", "points_awarded",
    "balance", "bonus_awarded", "bonuses[].kind", "bonuses[].points"],
  "GET /api/v1/me/points": ["balance", "entries[].created_at", "entries[].kind", "entries[].memo",
    "entries[].delta", "next_cursor"],
  "GET /api/v1/quiz/history": ["days[].date", "days[].correct", "days[].total", "days[].points"],
  "GET /api/v1/leaderboards/{board}": ["me.rank", "me.score", "entries[].rank", "entries[].name", "entries[].score"],
  "GET /api/v1/shop/prizes": ["[].id", "[].name", "[].description", "[].cost", "[].stock",
    "[].per_user_limit", "[].image_url", "[].pickup_place", "[].pickup_hours", "[].pickup_days"],
  "POST /api/v1/shop/redemptions": ["voucher_code"],
  "GET /api/v1/me/redemptions": ["items[].id", "items[].prize.name", "items[].status", "items[].cost",
    "items[].created_at", "items[].voucher_code", "items[].qr_url", "items[].pickup_place",
    "items[].pickup_hours", "items[].pickup_by", "items[].fulfilled_at", "items[].cancelled_at", "next_cursor"],
  "POST /api/v1/me/redemptions/{redemption_id}/cancel": ["id", "prize.name", "status", "cost",
    "created_at", "voucher_code", "qr_url", "pickup_place", "pickup_hours", "pickup_by",
    "fulfilled_at", "cancelled_at"],
};

const BONUS_NAMES = { perfect: "全对奖励", streak: "连续答题奖励" };
const KIND_NAMES = { quiz_correct: "答对得分", quiz_bonus: "答题奖励", family_bonus: "家庭奖励",
                     redeem: "兑换奖品", refund: "退还积分", admin_adjust: "人工调整",
                     campaign_points: "专项答题" };

/** "30 分（全对奖励 +20，连续答题奖励 +10）" from the answer_result that completed the day. */
function bonusText(result) {
  const parts = result.bonuses.map((b) => `${BONUS_NAMES[b.kind] || b.kind} +${b.points}`);
  return result.bonus_awarded + " 分" + (parts.length ? `（${parts.join("，")}）` : "");
}

const pages = {};

/** Where signing in or registering lands when no page asked for it: today's quiz while it has
 * questions left (a new user's first day starts there), otherwise 首页. */
function landing() {
  return api("GET", "/quiz/today").then(
    (day) => (day.questions.length > Object.keys(day.answered).length ? "/app/quiz" : "/app/"),
    () => "/app/");
}

pages.login = () => signInPage(landing);

pages.register = function () {
  const form = $("#register-form");
  enterMovesOn(form);
  onSubmit(form, (data) => {
    const body = { username: data.username.trim(), password: data.password, display_name: data.display_name.trim() || data.username.trim() };
    if (data.district) body.district = data.district;
    if (data.invite_code.trim()) body.invite_code = data.invite_code.trim();
    return api("POST", "/auth/register", body).then(landing).then((path) => { location.href = path; });
  });
};

pages.sso = function () {
  const box = $("#sso");
  // The token rides in the fragment (#token=…): browsers never send it to a server, so it
  // reaches no access log and no Referer. A ?token= in the query is ignored.
  const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  history.replaceState(null, "", location.pathname + location.search);  // and out of history
  function refuse(message) {
    $("h1", box).textContent = "无法登录";
    $("#sso-status").textContent = message;
    $("#sso-fallback").hidden = false;
  }
  /** Another account is signed in here: say who, and switch only when the person says so. */
  function ask(message) {
    $("h1", box).textContent = "切换账号？";
    $("#sso-status").textContent = message;
    const choice = el("p", { id: "sso-switch" },
      el("button", { type: "button", className: "primary", text: "切换账号",
                     onclick: () => { choice.remove(); exchange(true); } }), " ",
      el("a", { href: "/app/", className: "button", text: "保持当前账号" }));
    $("#sso-status").after(choice);
  }
  function exchange(confirmSwitch) {
    api("POST", "/auth/sso", confirmSwitch ? { token, confirm_switch: true } : { token }).then(() => {
      location.replace(box.dataset.next || "/app/");
    }, (err) => {
      if (err.code === "confirm_switch") { ask(err.detail); return; }
      refuse(err.code === "invalid_token" ? `登录令牌无效或已过期（${err.detail}），请从新闻客户端重新进入。` : err.detail);
    });
  }
  if (!token) { refuse("缺少登录令牌，请从新闻客户端重新进入。"); return; }
  exchange(false);
};

pages.home = function () {
  api("GET", "/me").then(bind).catch(fail);
  api("GET", "/quiz/today").then((day) => {
    const total = day.questions.length, done = Object.keys(day.answered).length;
    const status = $("#today-status"), go = $("#today-go");
    if (!total) { status.textContent = "今天还没有题目，请稍后再来。"; go.hidden = true; }
    else if (done >= total) { status.textContent = `今天的 ${total} 道题已全部完成，明天再来！`; go.textContent = "查看今日结果"; }
    else { status.textContent = `今天共 ${total} 道题，已答 ${done} 道。`; go.textContent = done ? "继续答题" : "开始答题"; }
  }).catch(fail);
  api("GET", "/leaderboards/citizens?period=day&limit=1").then((board) => {
    $("[data-bind=rank]").textContent = board.me ? `第 ${board.me.rank} 名` : "未上榜";
  }).catch(() => { $("[data-bind=rank]").textContent = "–"; });
  homeCampaigns();
  homeRecognition();
};

/** The day's share card: the news app's share hook when the page runs inside it
 * (`window.NewsApp.shareImage(url, title)`), the Web Share API where it takes files, and
 * otherwise the picture itself, to long-press and save. */
function shareCard() {
  const url = API + "/quiz/today/share.png", img = $("#share-img"), go = $("#share-go");
  img.src = url + "?t=" + Date.now();
  const host = window.NewsApp && typeof window.NewsApp.shareImage === "function" ? window.NewsApp : null;
  if (host) {
    go.hidden = false;
    go.onclick = () => host.shareImage(location.origin + url, "我知晓 我践行：今日答题成绩");
  } else if (navigator.canShare && navigator.share) {
    go.hidden = false;
    go.onclick = () => fetch(url, { credentials: "same-origin" }).then((r) => r.blob()).then((blob) => {
      const file = new File([blob], "quiz.png", { type: "image/png" });
      if (!navigator.canShare({ files: [file] })) throw new Error("no files");
      return navigator.share({ files: [file], title: "我知晓 我践行" });
    }).catch(() => flash("请长按图片保存后分享。", "ok"));
  }
}

pages.quiz = function () {
  let day, index = 0, results = {};
  const section = $("#quiz-question"), feedback = $("#q-feedback"), form = $("#answer-form");
  const card = answerCard("q", form);

  const current = () => day.questions[index];
  function nextUnanswered(from) {
    for (let i = from; i < day.questions.length; i++) if (!results[day.questions[i].id]) return i;
    return -1;
  }
  function show(i) {
    index = i;
    const q = current();
    $("#quiz-progress").textContent = `第 ${index + 1} / ${day.questions.length} 题`;
    const first = card.show(q, index + 1);
    feedback.hidden = true;
    section.hidden = false;
    if (first) first.focus();
  }
  function showFeedback(result) {
    // On the day's last answer the question's points and the day's bonus are shown apart.
    const bonus = result.bonus_awarded || 0, own = result.points_awarded - bonus;
    card.mark(result, result.correct ? `回答正确！本题 +${own} 分` : "回答错误");
    const bonusLine = $("#q-bonus");
    bonusLine.hidden = !bonus;
    bonusLine.textContent = bonus ? "今日奖励 +" + bonusText(result) : "";
    $("#q-next").textContent = nextUnanswered(0) < 0 ? "查看今日结果" : "下一题";
    quizFeedback(current().id);
    feedback.hidden = false;
    feedback.focus();
    bind({ balance: result.balance });
    if (nextUnanswered(0) < 0) summary(true);
  }
  function offerPrize(me) {
    // What the day's points now afford: the cheapest prize, one tap from its confirmation.
    if (me.role === "admin" || me.role === "clerk") return;
    api("GET", "/shop/prizes").then((prizes) => {
      const p = prizes.filter((x) => x.stock > 0 && x.cost <= me.balance).sort((a, b) => a.cost - b.cost)[0];
      if (!p) return;
      const link = $("#sum-redeem");
      link.textContent = `兑换「${p.name}」（${p.cost} 分）`;
      link.href = "/app/shop?redeem=" + p.id;
      $("#sum-shop").hidden = false;
    }).catch(() => {});
  }
  let summed = false;
  /** The day's result. Right after the last answer it opens under that answer's feedback
   * (`keepQuestion`: no tap needed to see it); 查看今日结果 then brings it to the top. */
  function summary(keepQuestion) {
    const box = $("#quiz-summary");
    if (!keepQuestion) section.hidden = true;
    if (summed) { if (!keepQuestion) box.focus(); return; }
    summed = true;
    $("#quiz-progress").textContent = `全部 ${day.questions.length} 题已完成`;
    const list = day.questions.map((q) => results[q.id]).filter(Boolean);
    const bonusResult = list.find((r) => r.bonus_awarded);
    $("#sum-correct").textContent = `${list.filter((r) => r.correct).length} / ${list.length}`;
    $("#sum-points").textContent = list.reduce((s, r) => s + r.points_awarded, 0) + " 分";
    $("#sum-bonus").textContent = bonusResult ? bonusText(bonusResult) : "0 分";
    $("#sum-balance").textContent = list.length ? list[list.length - 1].balance : "";
    $("#sum-streak").textContent = "…";
    $("#sum-cheer").hidden = !(list.length && list.every((r) => r.correct));
    api("GET", "/leaderboards/citizens?period=day&limit=1").then((b) => {
      $("#sum-rank").textContent = b.me ? `市民榜第 ${b.me.rank} 名` : "暂未上榜";
    }).catch(() => { $("#sum-rank").textContent = "–"; });
    shareCard();
    api("GET", "/me").then((me) => {
      $("#sum-streak").textContent = me.streak + " 天";
      $("#sum-balance").textContent = me.balance;
      bind(me);
      offerPrize(me);
    }).catch(fail);
    box.hidden = false;
    if (!keepQuestion) box.focus();
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = card.choices();
    if (!choices.length) { flash("请先选择答案。", "error"); return; }
    unflash();
    const q = current();
    $("#q-submit").disabled = true;
    api("POST", "/quiz/today/answers", { question_id: q.id, choices }).then((result) => {
      results[q.id] = result;
      showFeedback(result);
    }, (err) => {
      $("#q-submit").disabled = false;
      if (err.code === "already_answered") { flash("这道题已经答过了。", "error"); return load(); }
      fail(err);
    });
  });
  $("#q-next").addEventListener("click", () => {
    let i = nextUnanswered(index + 1);
    if (i < 0) i = nextUnanswered(0);
    if (i < 0) summary(); else show(i);
  });
  function load() {
    return api("GET", "/quiz/today").then((data) => {
      day = data;
      results = data.answered;
      $("#quiz-date").textContent = data.date;
      if (!data.questions.length) { $("#quiz-empty").hidden = false; return; }
      const i = nextUnanswered(0);
      if (i < 0) summary(); else show(i);
    }).catch(fail);
  }
  load();
};

pages.points = function () {
  const body = $("#points-table tbody");
  pager("entries", (entries, data) => {
    bind({ balance: data.balance });
    for (const e of entries) {
      body.appendChild(el("tr", {},
        el("td", { text: fmtTime(e.created_at) }),
        el("td", { text: KIND_NAMES[e.kind] || e.kind }),
        el("td", { text: e.memo || "" }),
        el("td", { className: "num " + (e.delta >= 0 ? "plus" : "minus"), text: (e.delta > 0 ? "+" : "") + e.delta })));
    }
    if (!body.children.length) body.appendChild(emptyRow(4, "还没有积分记录，去答题吧！"));
  }, $("#points-more")).load("/me/points?limit=20");
  const hist = $("#history-table tbody");
  api("GET", "/quiz/history?limit=30").then((data) => {
    for (const d of data.days) {
      hist.appendChild(el("tr", {}, el("td", {}, el("a", { href: `/app/review/${d.date}`, text: d.date })),
        el("td", { className: "num", text: `${d.correct} / ${d.total}` }), el("td", { className: "num", text: d.points })));
    }
    if (!data.days.length) hist.appendChild(emptyRow(3, "暂无记录"));
  }).catch(fail);
};

/** ARIA tabs with arrow-key movement; onChange(data-KEY of the chosen tab). */
function tabs(list, key, onChange) {
  const buttons = $$("[role=tab]", list);
  function select(button, focus) {
    for (const b of buttons) {
      b.setAttribute("aria-selected", b === button ? "true" : "false");
      b.tabIndex = b === button ? 0 : -1;
    }
    if (focus) button.focus();
    onChange(button.dataset[key]);
  }
  buttons.forEach((b, i) => {
    b.type = "button";
    b.addEventListener("click", () => select(b, false));
    b.addEventListener("keydown", (e) => {
      const to = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
      if (to === null) return;
      e.preventDefault();
      select(buttons[(to + buttons.length) % buttons.length], true);
    });
  });
}

pages.boards = function () {
  let board = "citizens", period = "day";
  const PERIODS = { day: "今日", week: "本周", month: "本月", all: "总榜" };
  const NAMES = { citizens: "市民榜", reporters: "小记者榜", teams: "团队榜", districts: "城区榜" };
  function load() {
    const list = clear($("#board-list")), me = $("#board-me");
    me.textContent = "正在加载…";
    $("#board-panel").setAttribute("aria-label", `${NAMES[board]} · ${PERIODS[period]}`);
    api("GET", `/leaderboards/${board}?period=${period}&limit=50`).then((data) => {
      const mine = data.me;
      me.textContent = mine ? `我的名次：第 ${mine.rank} 名 · ${mine.score} 分` : "暂未上榜";
      for (const e of data.entries) {
        const isMe = mine && e.rank === mine.rank;
        list.appendChild(el("li", { className: isMe ? "mine" : null, "aria-current": isMe ? "true" : null },
          el("span", { className: "rank", text: e.rank }),
          el("span", { className: "name", text: e.name }, isMe ? el("span", { className: "sr-only", text: "（我）" }) : null),
          el("span", { className: "score", text: e.score + " 分" })));
      }
      if (!data.entries.length) list.appendChild(el("li", { text: "暂无数据" }));
    }).catch((err) => { me.textContent = ""; fail(err); });
  }
  tabs($("#board-tabs"), "board", (v) => { board = v; load(); });
  tabs($("#period-tabs"), "period", (v) => { period = v; load(); });
  load();
};

/** "50 积分 · 剩余 5 件 · 每人限兑 2 件"; a prize without a per-user limit says nothing of one. */
function prizeTerms(p) {
  const terms = [`${p.cost} 积分`, `剩余 ${p.stock} 件`];
  if (p.per_user_limit !== null) terms.push(`每人限兑 ${p.per_user_limit} 件`);
  return terms.join(" · ");
}

/** How soon `short` points can be earned: the day's quiz pays 10 a right answer and 20 for 全对. */
function earnHint(short) {
  const perfectDay = Number($("#prize-list").dataset.perfectDay) || 70;
  if (short <= perfectDay) return `还差 ${short} 分：今天全部答对（最多 ${perfectDay} 分）就够了。`;
  return `还差 ${short} 分：每天全部答对可得 ${perfectDay} 分，连续答题还有奖励，约 ${Math.ceil(short / perfectDay)} 天可兑换。`;
}

pages.shop = function () {
  let me = null, pending = null;
  const dialog = $("#redeem-dialog");
  function render(prizes) {
    const list = clear($("#prize-list"));
    for (const p of prizes) {
      const soldOut = p.stock <= 0, short = p.cost - me.balance, poor = short > 0;
      // The visible words are part of each button's name (a screen reader says why it is off).
      const words = soldOut ? "已兑完" : poor ? `还差 ${short} 分` : "兑换";
      list.appendChild(el("li", { className: "prize", "data-prize-id": p.id },
        p.image_url ? el("img", { src: p.image_url, alt: p.name, loading: "lazy" }) : null,
        el("h2", { text: p.name }),
        el("p", { text: p.description }),
        el("p", { className: "meta", text: prizeTerms(p) }),
        p.pickup_place ? el("p", { className: "meta", text: "领取：" + p.pickup_place + (p.pickup_hours ? "（" + p.pickup_hours + "）" : "") +
          (p.pickup_days ? `，兑换后 ${p.pickup_days} 天内有效` : "") }) : null,
        poor && !soldOut ? el("div", { className: "progress-line" },
          el("progress", { max: p.cost, value: Math.max(0, me.balance), "aria-label": `${p.name}：已有 ${me.balance} / ${p.cost} 积分` })) : null,
        el("button", { type: "button", className: "primary", disabled: soldOut || poor,
                       "aria-label": words === "兑换" ? "兑换 " + p.name : `${words}：${p.name}`,
                       text: words, onclick: () => confirmRedeem(p) }),
        poor && !soldOut ? el("p", { className: "hint" }, earnHint(short), " ",
          el("a", { href: "/app/quiz", className: "tap", text: "去答题" })) : null));
    }
    if (!prizes.length) list.appendChild(el("li", { text: "暂无可兑换的奖品。" }));
  }
  function load() {
    return Promise.all([api("GET", "/me"), api("GET", "/shop/prizes")]).then(([user, prizes]) => {
      me = user; bind(me); render(prizes);
      return prizes;
    }).catch(fail);
  }
  // `?redeem=ID` (the quiz summary's offer) opens that prize's confirmation once, when affordable.
  const asked = Number(new URLSearchParams(location.search).get("redeem"));
  load().then((prizes) => {
    const p = asked && (prizes || []).find((x) => x.id === asked);
    history.replaceState(null, "", location.pathname);
    if (p && p.stock > 0 && me.balance >= p.cost) confirmRedeem(p);
  });
  function confirmRedeem(prize) {
    // One key per confirmation: a retry after a dropped connection is not charged twice.
    pending = { prize, key: idempotencyKey() };
    $("#redeem-text").textContent = `用 ${prize.cost} 积分兑换「${prize.name}」？兑换后积分将立即扣除。`;
    dialog.showModal();
    $("#redeem-ok").focus();
  }
  dialog.addEventListener("close", () => {
    if (dialog.returnValue !== "ok" || !pending) return;
    const p = pending;
    api("POST", "/shop/redemptions", { prize_id: p.prize.id }, { "Idempotency-Key": p.key }).then((r) => {
      pending = null;
      flash(`兑换成功！券码 ${r.voucher_code}，请到“我的券”查看二维码。`, "ok");
      $("#flash").append(" ", el("a", { href: "/app/vouchers", text: "查看我的券" }));
      return load();
    }).catch(fail);
  });
};

/** Where, when and until when a voucher is collected — or when it was collected or cancelled. */
function pickupFacts(r) {
  const facts = el("dl", { className: "facts pickup" });
  const add = (term, value) => { if (value) facts.append(el("dt", { text: term }), el("dd", { text: value })); };
  if (r.status === "fulfilled") add("领取时间", fmtTime(r.fulfilled_at));
  else if (r.status === "cancelled") add("取消时间", fmtTime(r.cancelled_at));
  else {
    add("领取地点", r.pickup_place || "请留意兑换点通知");
    add("开放时间", r.pickup_hours);
    add("领取期限", r.pickup_by ? fmtTime(r.pickup_by) + " 前" : "不限");
  }
  return facts;
}

pages.vouchers = function () {
  const list = $("#voucher-list");
  function item(r) {
    const node = el("li", { className: "voucher", "data-voucher": r.voucher_code },
      el("h2", { text: r.prize.name }),
      el("p", { className: "meta" }, el("span", { className: "status-" + r.status, text: STATUS_NAMES[r.status] || r.status }),
        ` · ${r.cost} 积分 · ${fmtTime(r.created_at)}`),
      el("p", {}, "券码：", el("strong", { className: "code", text: r.voucher_code })),
      pickupFacts(r));
    if (r.status === "pending") {
      node.appendChild(el("img", { className: "qr", src: r.qr_url, alt: `券码 ${r.voucher_code} 的二维码`, width: 180, height: 180 }));
      const cancel = el("button", { type: "button", className: "small", text: "取消兑换并退还积分" });
      cancel.addEventListener("click", () => {
        if (!window.confirm("确定取消这次兑换吗？积分将退回。")) return;
        api("POST", `/me/redemptions/${r.id}/cancel`).then((updated) => {
          flash("已取消，积分已退回。", "ok");
          node.replaceWith(item(updated));
        }).catch(fail);
      });
      node.appendChild(el("p", {}, cancel));
    }
    return node;
  }
  pager("items", (items) => {
    for (const r of items) list.appendChild(item(r));
    if (!list.children.length) list.appendChild(el("li", { text: "还没有兑换记录。" }));
  }, $("#vouchers-more")).load("/me/redemptions?limit=20");
};

/** Copy text: the Clipboard API where allowed, else a selected textarea and execCommand. */
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return new Promise((resolve, reject) => {
    const area = el("textarea", { readonly: true, className: "sr-only" });
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand && document.execCommand("copy");
    area.remove();
    if (ok) resolve(); else reject(new Error("copy"));
  });
}

pages.team = function () {
  function render(me) {
    bind(me);
    $("#team-status").textContent = me.team ? `你是「${me.team.name}」的小记者。` : "你还没有加入小记者团队。";
    $("#join-form").hidden = !!me.team;
    $("#p-display").value = me.display_name;
    $("#p-district").value = me.district || "";
    if (me.role === "reporter") {
      $("#family-card").hidden = false;
      $("#invite-code").textContent = me.invite_code || "";
      const link = `${location.origin}/app/register?invite=${encodeURIComponent(me.invite_code || "")}`;
      $("#invite-link").textContent = link;
      $("#invite-link").href = link;
      $("#invite-qr").src = "/api/v1/me/invite-qr.png";
      $("#invite-copy").onclick = () => copyText(link).then(
        () => flash("邀请链接已复制，发给家人吧。", "ok"),
        () => flash("无法自动复制，请长按链接复制。", "error"));
      const fam = clear($("#family-list"));
      api("GET", "/me/family").then((family) => {
        for (const m of family.members) fam.appendChild(el("li", { text: m.display_name }));
        if (!family.members.length) fam.appendChild(el("li", { text: "还没有家人加入。" }));
      }).catch(fail);
    }
  }
  api("GET", "/me").then(render).catch(fail);
  onSubmit($("#join-form"), (data) =>
    api("POST", "/me/team", { join_code: data.join_code.trim() }).then((me) => {
      flash(`已加入团队「${me.team.name}」。`, "ok"); render(me);
    }));
  onSubmit($("#profile-form"), (data) =>
    api("PATCH", "/me", { display_name: data.display_name.trim(), district: data.district || null }).then((me) => {
      flash("资料已保存。", "ok"); render(me); $("#who-name").textContent = me.display_name;
    }));
};

pages.me = function () {
  api("GET", "/me").then(bind).catch(fail);
  mePrivacy();
};

pages.forgot = function () {
  onSubmit($("#forgot-form"), (data) =>
    api("POST", "/auth/password-reset", { username: data.username.trim(), code: data.code.trim(),
                                          new_password: data.new_password }).then(() => {
      flash("新密码已设置，请用新密码登录。", "ok");
      setTimeout(() => { location.href = "/app/login"; }, 1200);
    }));
};

const DAY_STATUS = { perfect: "全对", completed: "完成", partial: "未答完", missed: "未答", future: "" };

pages.calendar = function () {
  let month = document.body.dataset.today.slice(0, 7);
  const shift = (m, by) => {
    const d = new Date(Number(m.slice(0, 4)), Number(m.slice(5, 7)) - 1 + by, 1);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
  };
  function load() {
    api("GET", "/me/calendar?month=" + month).then((data) => {
      $("#cal-h").textContent = `${data.month.slice(0, 4)} 年 ${Number(data.month.slice(5))} 月`;
      $("#cal-streak").textContent = `已连续答题 ${data.streak} 天`;
      const body = clear($("#cal-table tbody"));
      const first = new Date(data.days[0].date + "T00:00:00");
      let row = el("tr");
      for (let i = 0; i < (first.getDay() + 6) % 7; i++) row.appendChild(el("td"));
      for (const d of data.days) {
        if (row.children.length === 7) { body.appendChild(row); row = el("tr"); }
        const n = Number(d.date.slice(8));
        const words = DAY_STATUS[d.status] + (d.points ? ` ${d.points} 分` : "");
        row.appendChild(el("td", { className: "cal-" + d.status, "data-date": d.date },
          el("span", { className: "cal-n", text: n }),
          words ? el("span", { className: "sr-only", text: `：${words}` }) : null,
          d.status === "perfect" || d.status === "completed" ? el("span", { className: "cal-mark", "aria-hidden": "true", text: d.status === "perfect" ? "★" : "✓" }) : null));
      }
      while (row.children.length < 7) row.appendChild(el("td"));
      body.appendChild(row);
      $("#cal-next").disabled = month >= document.body.dataset.today.slice(0, 7);
    }).catch(fail);
  }
  $("#cal-prev").addEventListener("click", () => { month = shift(month, -1); load(); });
  $("#cal-next").addEventListener("click", () => { month = shift(month, 1); load(); });
  load();
  api("GET", "/me/reminders").then((r) => {
    $("#remind-on").checked = r.enabled;
    $("#remind-time").value = r.time;
  }).catch(fail);
  onSubmit($("#remind-form"), (data) =>
    api("PUT", "/me/reminders", { enabled: data.enabled, time: data.time }).then((r) => {
      flash(r.enabled ? `已开启提醒：每天 ${r.time}（当天已答完不提醒）。` : "已关闭答题提醒。", "ok");
    }));
};

/** The 学习 tab (and 我的) carry a badge while a reply to one of my 纠错 is unread. */
function badges() {
  // Not on 学习 itself: it shows the replies and marks them read (no race with this read).
  if (!document.body.dataset.signedIn || !$(".tabbar") || document.body.dataset.page === "learn") return;
  api("GET", "/me/badges").then((b) => {
    for (const node of $$("[data-badge=learn]")) {
      node.hidden = !b.report_replies;
      node.textContent = b.report_replies ? String(b.report_replies) : "";
      node.setAttribute("aria-label", `${b.report_replies} 条纠错回复未读`);
    }
  }).catch(() => {});
}

Object.assign(pages, learningPages);
pages.campaigns = campaignsPage;

start(pages);
badges();
