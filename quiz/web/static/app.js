/* 我知晓 我践行 — the pages' one script.
 * Every page is a server-rendered shell; this fills it from the JSON API (/api/v1), the same
 * one the news app calls. DOM is built with createElement/textContent only, never innerHTML
 * with data, so user-supplied text always renders as text. */
(function () {
  "use strict";

  var API = "/api/v1";

  // ------------------------------------------------------------------ helpers
  function ApiError(status, problem) {
    this.status = status;
    this.code = (problem && problem.code) || "error";
    this.detail = (problem && problem.detail) || "请求失败（" + status + "）。";
    this.errors = (problem && problem.errors) || [];
    this.problem = problem;
  }

  /** Call the JSON API with the session cookie and the CSRF header; problems become ApiError. */
  function api(method, path, body, headers) {
    var opts = { method: method, credentials: "same-origin",
                 headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" } };
    Object.keys(headers || {}).forEach(function (k) { opts.headers[k] = headers[k]; });
    if (body instanceof FormData) {
      opts.body = body;
    } else if (body !== undefined && body !== null) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(path.indexOf("/api/") === 0 ? path : API + path, opts).then(function (res) {
      if (res.status === 204) return null;
      var type = res.headers.get("Content-Type") || "";
      var parse = type.indexOf("json") >= 0 ? res.json() : res.text().then(function () { return null; });
      return parse.then(function (data) {
        if (!res.ok) throw new ApiError(res.status, data);
        return data;
      });
    }, function () {
      throw new ApiError(0, { code: "network", detail: "网络连接失败，请检查网络后重试。" });
    });
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function flash(message, kind, details) {
    var box = $("#flash");
    if (!box) return;
    clear(box);
    box.className = "flash " + (kind || "ok");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.appendChild(el("span", { text: message }));
    if (details && details.length) {
      var list = el("ul", { className: "errors" });
      details.forEach(function (d) { list.appendChild(el("li", { text: d })); });
      box.appendChild(list);
    }
    box.hidden = false;
  }
  function unflash() { var box = $("#flash"); if (box) box.hidden = true; }

  function describe(item) {
    var where = item.row !== undefined ? "第 " + item.row + " 行" + (item.column ? "（" + item.column + "）" : "")
      : (item.field || item.column || "");
    return (where ? where + "：" : "") + item.message;
  }

  /** Show an API problem in words; a lapsed session goes back to sign-in. */
  function fail(err) {
    if (!(err instanceof ApiError)) { flash("出错了：" + err, "error"); throw err; }
    if (err.status === 401 && document.body.dataset.page !== "login") {
      location.href = (location.pathname.indexOf("/admin") === 0 ? "/admin/login" : "/app/login") +
        "?next=" + encodeURIComponent(location.pathname + location.search);
      return;
    }
    flash(err.detail, "error", (err.errors || []).map(describe));
  }

  function bind(user) {
    $$("[data-bind]").forEach(function (node) {
      var key = node.dataset.bind;
      if (user && key in user && user[key] !== null) node.textContent = user[key];
    });
  }

  function formData(form) {
    var out = {};
    $$("input, select, textarea", form).forEach(function (f) {
      if (!f.name) return;
      out[f.name] = f.type === "checkbox" ? f.checked : f.value;
    });
    return out;
  }

  function onSubmit(form, handler) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) return;
      var button = $("button[type=submit]", form);
      if (button) button.disabled = true;
      unflash();
      Promise.resolve().then(function () { return handler(formData(form), event); })
        .catch(fail).then(function () { if (button) button.disabled = false; });
    });
  }

  function fmtTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    if (isNaN(d)) return iso;
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function idempotencyKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /** "30 分（全对奖励 +20，连续答题奖励 +10）" from an answer_result that completed the day. */
  function bonusText(result) {
    var total = typeof result.bonus_awarded === "number" ? result.bonus_awarded : 0;
    var parts = (result.bonuses || []).map(function (b) {
      return (BONUS_NAMES[b.kind] || b.kind) + " +" + b.points;
    });
    if (!total) total = (result.bonuses || []).reduce(function (s, b) { return s + (b.points || 0); }, 0);
    return total + " 分" + (parts.length ? "（" + parts.join("，") + "）" : "");
  }

  var BONUS_NAMES = { perfect: "全对奖励", streak: "连续答题奖励", family: "家庭奖励", quiz_bonus: "答题奖励" };
  var KIND_NAMES = { quiz_correct: "答对得分", quiz_bonus: "答题奖励", family_bonus: "家庭奖励",
                     redeem: "兑换奖品", refund: "退还积分", admin_adjust: "人工调整" };
  var TYPE_NAMES = { single: "单选题", multiple: "多选题", judge: "判断题" };
  var STATUS_NAMES = { pending: "待领取", fulfilled: "已领取", cancelled: "已取消" };

  function optionList(options) {
    if (Array.isArray(options)) {
      return options.map(function (o) { return Array.isArray(o) ? { key: o[0], text: o[1] } : o; });
    }
    return Object.keys(options || {}).sort().map(function (k) { return { key: k, text: options[k] }; });
  }
  function answerText(answer) { return Array.isArray(answer) ? answer.join("") : String(answer || ""); }

  // ------------------------------------------------------------------ CSV and charts
  function csvCell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // no formula injection when opened in Excel
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function downloadCsv(filename, header, rows) {
    var lines = [header].concat(rows).map(function (r) { return r.map(csvCell).join(","); });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = el("a", { href: URL.createObjectURL(blob), download: filename });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  /** A horizontal bar chart drawn 1:1 at the width it is given: [{label, value, text}]. */
  function barChart(title, items, max, width) {
    width = Math.max(300, Math.min(width || 560, 900));
    var rowH = 30, labelW = Math.round(width * 0.36), barW = width - labelW - 64;
    var chars = Math.max(4, Math.floor((labelW - 10) / 14));
    var height = Math.max(rowH * items.length + 10, 40);
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
                             class: "chart", role: "img", "aria-label": title });
    chart.appendChild(svg("title", {}, title));
    items.forEach(function (item, i) {
      var y = 5 + i * rowH;
      var w = max > 0 ? Math.max(1, Math.round(barW * item.value / max)) : 1;
      var label = item.label.length > chars ? item.label.slice(0, chars - 1) + "…" : item.label;
      chart.appendChild(svg("text", { x: labelW - 8, y: y + 19, "text-anchor": "end" }, label));
      chart.appendChild(svg("rect", { x: labelW, y: y + 5, width: w, height: rowH - 10, rx: 3, class: "bar" }));
      chart.appendChild(svg("text", { x: labelW + w + 6, y: y + 19 }, item.text));
    });
    if (!items.length) chart.appendChild(svg("text", { x: 10, y: 25 }, "所选时间内没有数据"));
    return chart;
  }

  function dataTable(caption, header, rows, numeric) {
    var table = el("table", { className: "table" }, el("caption", { className: "sr-only", text: caption }));
    var tr = el("tr");
    header.forEach(function (h, i) { tr.appendChild(el("th", { scope: "col", text: h, className: numeric[i] ? "num" : null })); });
    table.appendChild(el("thead", {}, tr));
    var body = el("tbody");
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) { row.appendChild(el("td", { text: c, className: numeric[i] ? "num" : null })); });
      body.appendChild(row);
    });
    if (!rows.length) body.appendChild(el("tr", {}, el("td", { colspan: header.length, text: "没有数据" })));
    table.appendChild(body);
    return table;
  }

  function pct(rate) {
    if (rate === null || rate === undefined) return "–";
    var v = Number(rate);
    if (v <= 1) v = v * 100;
    return (Math.round(v * 10) / 10) + "%";
  }
  function pctValue(rate) { var v = Number(rate) || 0; return v <= 1 ? v * 100 : v; }

  // ------------------------------------------------------------------ shared actions
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-action=logout]");
    if (!target) return;
    api("POST", "/auth/logout").catch(function () {}).then(function () {
      location.href = target.dataset.next || (location.pathname.indexOf("/admin") === 0 ? "/admin/login" : "/app/login");
    });
  });

  function loadPaged(path, onItems, moreButton) {
    var cursor = null;
    function load() {
      var sep = path.indexOf("?") >= 0 ? "&" : "?";
      return api("GET", path + (cursor ? sep + "cursor=" + encodeURIComponent(cursor) : "")).then(function (data) {
        var items = Array.isArray(data) ? data : (data.items || data.entries || data.redemptions || data.questions || []);
        onItems(items, data);
        cursor = (data && data.next_cursor) || null;
        if (moreButton) moreButton.hidden = !cursor;
      }).catch(fail);
    }
    if (moreButton) moreButton.addEventListener("click", load);
    return load();
  }

  // ------------------------------------------------------------------ citizen pages
  var pages = {};

  pages.login = function () {
    onSubmit($("#login-form"), function (data) {
      return api("POST", "/auth/login", { username: data.username.trim(), password: data.password })
        .then(function () { location.href = data.next || "/app/"; });
    });
    $("#login-username").focus();
  };

  pages.register = function () {
    onSubmit($("#register-form"), function (data) {
      var body = { username: data.username.trim(), password: data.password, display_name: data.display_name.trim() };
      if (data.district) body.district = data.district;
      if (data.invite_code.trim()) body.invite_code = data.invite_code.trim();
      return api("POST", "/auth/register", body).then(function () { location.href = "/app/"; });
    });
  };

  pages.sso = function () {
    var box = $("#sso");
    // The token rides in the fragment (#token=…): browsers never send it to a server, so it
    // reaches no access log and no Referer. A ?token= in the query is ignored.
    var token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
    history.replaceState(null, "", location.pathname + location.search);  // and out of history
    function refuse(message) {
      $("h1", box).textContent = "无法登录";
      $("#sso-status").textContent = message;
      $("#sso-fallback").hidden = false;
    }
    if (!token) { refuse("缺少登录令牌，请从新闻客户端重新进入。"); return; }
    api("POST", "/auth/sso", { token: token }).then(function () {
      location.replace(box.dataset.next || "/app/");
    }, function (err) {
      refuse(err.code === "invalid_token" ? "登录令牌无效或已过期（" + err.detail + "），请从新闻客户端重新进入。" : err.detail);
    });
  };

  pages.home = function () {
    api("GET", "/me").then(bind).catch(fail);
    api("GET", "/quiz/today").then(function (day) {
      var total = day.questions.length, done = Object.keys(day.answered || {}).length;
      var status = $("#today-status"), go = $("#today-go");
      if (!total) { status.textContent = "今天还没有题目，请稍后再来。"; go.hidden = true; }
      else if (done >= total) { status.textContent = "今天的 " + total + " 道题已全部完成，明天再来！"; go.textContent = "查看今日结果"; }
      else { status.textContent = "今天共 " + total + " 道题，已答 " + done + " 道。"; go.textContent = done ? "继续答题" : "开始答题"; }
    }).catch(fail);
    api("GET", "/leaderboards/citizens?period=day&limit=1").then(function (board) {
      $("[data-bind=rank]").textContent = board.me ? "第 " + board.me.rank + " 名" : "未上榜";
    }).catch(function () { $("[data-bind=rank]").textContent = "–"; });
  };

  pages.quiz = function () {
    var day, index = 0, results = {};
    var section = $("#quiz-question"), feedback = $("#q-feedback"), form = $("#answer-form");

    function current() { return day.questions[index]; }
    function nextUnanswered(from) {
      for (var i = from; i < day.questions.length; i++) if (!results[day.questions[i].id]) return i;
      return -1;
    }
    function progress() {
      $("#quiz-progress").textContent = "第 " + (index + 1) + " / " + day.questions.length + " 题";
    }
    function show(i) {
      index = i;
      var q = current();
      progress();
      $("#q-type").textContent = TYPE_NAMES[q.type] || q.type;
      $("#q-category").textContent = q.category || "";
      $("#q-stem").textContent = (index + 1) + ". " + q.stem;
      var box = clear($("#q-options"));
      var kind = q.type === "multiple" ? "checkbox" : "radio";
      optionList(q.options).forEach(function (o) {
        var id = "opt-" + q.id + "-" + o.key;
        box.appendChild(el("label", { className: "option", for: id, "data-key": o.key },
          el("input", { type: kind, name: "choice", value: o.key, id: id }),
          el("span", {}, el("strong", { text: o.key + ". " }), o.text)));
      });
      feedback.hidden = true;
      $("#q-submit").hidden = false;
      $("#q-submit").disabled = false;
      section.hidden = false;
      var first = $("input", box);
      if (first) first.focus();
    }
    function showFeedback(result, q) {
      var correct = result.correct_choices || [];
      $$(".option", form).forEach(function (label) {
        var key = label.dataset.key, input = $("input", label);
        input.disabled = true;
        if (correct.indexOf(key) >= 0) label.classList.add("is-correct");
        else if (input.checked) label.classList.add("is-wrong");
      });
      var verdict = $("#q-verdict");
      verdict.textContent = result.correct ? "回答正确！+" + result.points_awarded + " 分" : "回答错误";
      verdict.className = "verdict " + (result.correct ? "ok" : "bad");
      $("#q-correct").textContent = "正确答案：" + correct.join("、");
      $("#q-explanation").textContent = result.explanation || "暂无解析。";
      $("#q-submit").hidden = true;
      var last = nextUnanswered(0) < 0;
      $("#q-next").textContent = last ? "查看今日结果" : "下一题";
      feedback.hidden = false;
      feedback.focus();
      bind({ balance: result.balance });
      void q;
    }
    function summary() {
      section.hidden = true;
      $("#quiz-progress").textContent = "全部 " + day.questions.length + " 题已完成";
      var list = day.questions.map(function (q) { return results[q.id]; }).filter(Boolean);
      var right = list.filter(function (r) { return r.correct; }).length;
      var points = list.reduce(function (s, r) { return s + (r.points_awarded || 0); }, 0);
      var bonusResult = list.filter(function (r) { return r.completed && (r.bonus_awarded || (r.bonuses || []).length); })[0];
      $("#sum-correct").textContent = right + " / " + list.length;
      $("#sum-points").textContent = points + " 分";
      $("#sum-bonus").textContent = bonusResult ? bonusText(bonusResult) : "0 分";
      var last = list[list.length - 1];
      $("#sum-balance").textContent = last ? last.balance : "";
      $("#sum-streak").textContent = "…";
      api("GET", "/me").then(function (me) { $("#sum-streak").textContent = me.streak + " 天"; $("#sum-balance").textContent = me.balance; bind(me); });
      var box = $("#quiz-summary");
      box.hidden = false;
      box.focus();
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var choices = $$("input[name=choice]:checked", form).map(function (i) { return i.value; });
      if (!choices.length) { flash("请先选择答案。", "error"); return; }
      unflash();
      var q = current();
      $("#q-submit").disabled = true;
      api("POST", "/quiz/today/answers", { question_id: q.id, choices: choices }).then(function (result) {
        results[q.id] = result;
        showFeedback(result, q);
      }, function (err) {
        $("#q-submit").disabled = false;
        if (err.code === "already_answered") { flash("这道题已经答过了。", "error"); return load(); }
        fail(err);
      });
    });
    $("#q-next").addEventListener("click", function () {
      var i = nextUnanswered(index + 1);
      if (i < 0) i = nextUnanswered(0);
      if (i < 0) summary(); else show(i);
    });
    function load() {
      return api("GET", "/quiz/today").then(function (data) {
        day = data;
        results = data.answered || {};
        $("#quiz-date").textContent = data.date;
        if (!data.questions.length) { $("#quiz-empty").hidden = false; return; }
        var i = nextUnanswered(0);
        if (i < 0) summary(); else show(i);
      }).catch(fail);
    }
    load();
  };

  pages.points = function () {
    var body = $("#points-table tbody");
    loadPaged("/me/points?limit=20", function (entries, data) {
      if (data && data.balance !== undefined) bind({ balance: data.balance });
      entries.forEach(function (e) {
        body.appendChild(el("tr", {},
          el("td", { text: fmtTime(e.created_at) }),
          el("td", { text: KIND_NAMES[e.kind] || e.kind }),
          el("td", { text: e.memo || "" }),
          el("td", { className: "num " + (e.delta >= 0 ? "plus" : "minus"), text: (e.delta > 0 ? "+" : "") + e.delta })));
      });
      if (!body.children.length) body.appendChild(el("tr", {}, el("td", { colspan: 4, text: "还没有积分记录，去答题吧！" })));
    }, $("#points-more"));
    var hist = $("#history-table tbody");
    api("GET", "/quiz/history?limit=30").then(function (data) {
      var days = Array.isArray(data) ? data : (data.items || data.days || []);
      days.forEach(function (d) {
        hist.appendChild(el("tr", {}, el("td", { text: d.date }),
          el("td", { className: "num", text: d.correct + " / " + d.total }), el("td", { className: "num", text: d.points })));
      });
      if (!days.length) hist.appendChild(el("tr", {}, el("td", { colspan: 3, text: "暂无记录" })));
    }).catch(function () { hist.appendChild(el("tr", {}, el("td", { colspan: 3, text: "暂无记录" }))); });
  };

  function tabs(list, key, onChange) {
    var buttons = $$("[role=tab]", list);
    function select(button, focus) {
      buttons.forEach(function (b) {
        var on = b === button;
        b.setAttribute("aria-selected", on ? "true" : "false");
        b.tabIndex = on ? 0 : -1;
      });
      if (focus) button.focus();
      onChange(button.dataset[key]);
    }
    buttons.forEach(function (b, i) {
      b.type = "button";
      b.addEventListener("click", function () { select(b, false); });
      b.addEventListener("keydown", function (e) {
        var to = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : null;
        if (to === null) return;
        e.preventDefault();
        select(buttons[(to + buttons.length) % buttons.length], true);
      });
    });
  }

  pages.boards = function () {
    var board = "citizens", period = "day";
    var PERIODS = { day: "今日", week: "本周", month: "本月", all: "总榜" };
    var NAMES = { citizens: "市民榜", reporters: "小记者榜", teams: "团队榜", districts: "城区榜" };
    function load() {
      var list = clear($("#board-list")), me = $("#board-me");
      me.textContent = "正在加载…";
      $("#board-panel").setAttribute("aria-label", NAMES[board] + " · " + PERIODS[period]);
      api("GET", "/leaderboards/" + board + "?period=" + period + "&limit=50").then(function (data) {
        var mine = data.me;
        me.textContent = mine ? "我的名次：第 " + mine.rank + " 名 · " + mine.score + " 分" : "暂未上榜";
        data.entries.forEach(function (e) {
          var isMe = mine && e.rank === mine.rank;
          list.appendChild(el("li", { className: isMe ? "mine" : null, "aria-current": isMe ? "true" : null },
            el("span", { className: "rank", text: e.rank }),
            el("span", { className: "name", text: e.name }, isMe ? el("span", { className: "sr-only", text: "（我）" }) : null),
            el("span", { className: "score", text: e.score + " 分" })));
        });
        if (!data.entries.length) list.appendChild(el("li", { text: "暂无数据" }));
      }).catch(function (err) { me.textContent = ""; fail(err); });
    }
    tabs($("#board-tabs"), "board", function (v) { board = v; load(); });
    tabs($("#period-tabs"), "period", function (v) { period = v; load(); });
    load();
  };

  pages.shop = function () {
    var me = null, pending = null, dialog = $("#redeem-dialog");
    function render(prizes) {
      var list = clear($("#prize-list"));
      prizes.forEach(function (p) {
        var soldOut = p.stock <= 0, poor = me && me.balance < p.cost;
        var button = el("button", { type: "button", className: "primary", disabled: soldOut || poor,
          "aria-label": "兑换 " + p.name, text: soldOut ? "已兑完" : poor ? "积分不足" : "兑换" });
        button.addEventListener("click", function () { confirmRedeem(p); });
        list.appendChild(el("li", { className: "prize", "data-prize-id": p.id },
          p.image_url ? el("img", { src: p.image_url, alt: p.name, loading: "lazy" }) : null,
          el("h2", { text: p.name }),
          el("p", { text: p.description || "" }),
          el("p", { className: "meta", text: p.cost + " 积分 · 剩余 " + p.stock + " 件 · 每人限兑 " + p.per_user_limit + " 件" }),
          button));
      });
      if (!prizes.length) list.appendChild(el("li", { text: "暂无可兑换的奖品。" }));
    }
    function load() {
      return Promise.all([api("GET", "/me"), api("GET", "/shop/prizes")]).then(function (r) {
        me = r[0]; bind(me); render(Array.isArray(r[1]) ? r[1] : (r[1].items || []));
      }).catch(fail);
    }
    function confirmRedeem(prize) {
      // One key per confirmation: a retry after a dropped connection is not charged twice.
      pending = { prize: prize, key: idempotencyKey() };
      $("#redeem-text").textContent = "用 " + prize.cost + " 积分兑换「" + prize.name + "」？兑换后积分将立即扣除。";
      dialog.showModal();
      $("#redeem-ok").focus();
    }
    dialog.addEventListener("close", function () {
      if (dialog.returnValue !== "ok" || !pending) return;
      var p = pending;
      api("POST", "/shop/redemptions", { prize_id: p.prize.id }, { "Idempotency-Key": p.key }).then(function (r) {
        pending = null;
        flash("兑换成功！券码 " + r.voucher_code + "，请到“我的券”查看二维码。", "ok");
        var box = $("#flash");
        box.appendChild(document.createTextNode(" "));
        box.appendChild(el("a", { href: "/app/vouchers", text: "查看我的券" }));
        return load();
      }).catch(fail);
    });
    load();
  };

  pages.vouchers = function () {
    var list = $("#voucher-list");
    function item(r) {
      var node = el("li", { className: "voucher", "data-voucher": r.voucher_code },
        el("h2", { text: (r.prize && r.prize.name) || "奖品" }),
        el("p", { className: "meta" }, el("span", { className: "status-" + r.status, text: STATUS_NAMES[r.status] || r.status }),
          " · " + r.cost + " 积分 · " + fmtTime(r.created_at)),
        el("p", {}, "券码：", el("strong", { className: "code", text: r.voucher_code })));
      if (r.status === "pending") {
        node.appendChild(el("img", { className: "qr", src: r.qr_url || "/app/qr/" + encodeURIComponent(r.voucher_code) + ".svg",
          alt: "券码 " + r.voucher_code + " 的二维码", width: 180, height: 180 }));
        var cancel = el("button", { type: "button", className: "small", text: "取消兑换并退还积分" });
        cancel.addEventListener("click", function () {
          if (!window.confirm("确定取消这次兑换吗？积分将退回。")) return;
          api("POST", "/me/redemptions/" + r.id + "/cancel").then(function (updated) {
            flash("已取消，积分已退回。", "ok");
            node.replaceWith(item(updated || Object.assign({}, r, { status: "cancelled" })));
          }).catch(fail);
        });
        node.appendChild(el("p", {}, cancel));
      }
      return node;
    }
    loadPaged("/me/redemptions?limit=20", function (items) {
      items.forEach(function (r) { list.appendChild(item(r)); });
      if (!list.children.length) list.appendChild(el("li", { text: "还没有兑换记录。" }));
    }, $("#vouchers-more"));
  };

  pages.team = function () {
    function render(me) {
      bind(me);
      $("#team-status").textContent = me.team ? "你是「" + me.team.name + "」的小记者。" : "你还没有加入小记者团队。";
      $("#join-form").hidden = !!me.team;
      $("#p-display").value = me.display_name;
      $("#p-district").value = me.district || "";
      if (me.role === "reporter") {
        $("#family-card").hidden = false;
        $("#invite-code").textContent = me.invite_code || "";
        var fam = clear($("#family-list"));
        api("GET", "/me/family").then(function (data) {
          var members = Array.isArray(data) ? data : (data.members || data.items || data.family || []);
          members.forEach(function (m) { fam.appendChild(el("li", { text: m.display_name || m.name })); });
          if (!members.length) fam.appendChild(el("li", { text: "还没有家人加入。" }));
        }).catch(function () { /* the family list is optional */ });
      }
    }
    api("GET", "/me").then(render).catch(fail);
    onSubmit($("#join-form"), function (data) {
      return api("POST", "/me/team", { join_code: data.join_code.trim() }).then(function (me) {
        flash("已加入团队「" + me.team.name + "」。", "ok"); render(me);
      });
    });
    onSubmit($("#profile-form"), function (data) {
      return api("PATCH", "/me", { display_name: data.display_name.trim(), district: data.district || null }).then(function (me) {
        flash("资料已保存。", "ok"); render(me); $("#who-name").textContent = me.display_name;
      });
    });
  };

  // ------------------------------------------------------------------ admin console
  pages["admin-banks"] = function () {
    var form = $("#bank-form"), result = $("#bank-result"), importButton = $("#bank-import");
    function upload(dryRun) {
      var file = $("#bank-file").files[0];
      if (!file) { flash("请选择题库文件。", "error"); return Promise.resolve(); }
      var body = new FormData();
      body.append("file", file);
      clear(result);
      unflash();
      return api("POST", "/admin/question-banks?dry_run=" + (dryRun ? 1 : 0), body).then(function (r) {
        if (dryRun) {
          flash("预检通过：将新增 " + r.created + " 题，重复 " + r.duplicates + " 题。确认后点“导入”。", "ok");
          importButton.disabled = false;
          importButton.classList.add("primary");
          importButton.focus();
        } else {
          flash("导入完成：新增 " + r.created + " 题，跳过重复 " + r.duplicates + " 题。", "ok");
          importButton.disabled = true;
        }
      }, function (err) {
        importButton.disabled = true;
        if (err.code !== "invalid_bank") return fail(err);
        flash("文件有 " + err.errors.length + " 处错误，未导入任何题目。请修改后重新预检。", "error");
        result.appendChild(el("h2", { text: "错误明细" }));
        result.appendChild(dataTable("题库错误明细", ["行", "列", "问题"],
          err.errors.map(function (e) { return [e.row === undefined ? "" : e.row, e.column || e.field || "", e.message]; }), [true]));
      });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); upload(true); });
    $("#bank-file").addEventListener("change", function () { importButton.disabled = true; clear(result); unflash(); });
    importButton.addEventListener("click", function () { importButton.disabled = true; upload(false); });
  };

  pages["admin-questions"] = function () {
    var body = $("#q-table tbody"), more = $("#q-more"), dialog = $("#q-dialog"), editing = null, search = "";
    function row(q) {
      var toggle = el("button", { type: "button", className: "small", text: q.active ? "停用" : "启用" });
      toggle.addEventListener("click", function () {
        api("PATCH", "/admin/questions/" + q.id, { active: !q.active }).then(function (u) {
          flash((u.active ? "已启用" : "已停用") + "第 " + u.id + " 题。", "ok");
          tr.replaceWith(row(u));
        }).catch(fail);
      });
      var edit = el("button", { type: "button", className: "small", text: "编辑" });
      edit.addEventListener("click", function () { open(q, tr); });
      var tr = el("tr", { "data-question-id": q.id },
        el("td", { text: q.id }), el("td", { text: TYPE_NAMES[q.type] || q.type }),
        el("td", { text: q.stem }), el("td", { text: q.category }), el("td", { text: answerText(q.answer) }),
        el("td", { text: q.active ? "启用" : "停用" }), el("td", {}, edit, " ", toggle));
      return tr;
    }
    function open(q, tr) {
      editing = { q: q, tr: tr };
      $("#e-stem").value = q.stem;
      $("#e-options").value = optionList(q.options).map(function (o) { return o.key + ". " + o.text; }).join("\n");
      $("#e-answer").value = answerText(q.answer);
      $("#e-explanation").value = q.explanation || "";
      $("#e-category").value = q.category || "";
      dialog.showModal();
    }
    $("#e-cancel").addEventListener("click", function () { dialog.close(); });
    onSubmit($("#q-edit"), function (data) {
      var options = data.options.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
        var m = /^([A-Fa-f])[.、．:：\s]\s*(.*)$/.exec(line);
        return m ? { key: m[1].toUpperCase(), text: m[2] } : null;
      });
      if (options.some(function (o) { return !o; })) throw new ApiError(422, { detail: "选项格式应为“A. 内容”，每行一个。" });
      var patch = { stem: data.stem, explanation: data.explanation, category: data.category,
                    answer: data.answer.replace(/[^A-Fa-f]/g, "").toUpperCase().split("") };
      if (options.length) patch.options = options;
      return api("PATCH", "/admin/questions/" + editing.q.id, patch).then(function (u) {
        dialog.close();
        flash("已保存第 " + u.id + " 题。", "ok");
        editing.tr.replaceWith(row(u));
      });
    });
    function load(filters) {
      clear(body);
      var qs = ["limit=50"];
      if (filters.category) qs.push("category=" + encodeURIComponent(filters.category));
      if (filters.active) qs.push("active=" + filters.active);
      if (filters.q) qs.push("q=" + encodeURIComponent(filters.q));
      search = (filters.q || "").trim();
      // A fresh "more" button per query so old cursors are dropped.
      var fresh = more.cloneNode(true); more.replaceWith(fresh); more = fresh;
      return loadPaged("/admin/questions?" + qs.join("&"), function (items) {
        items.filter(function (q) { return !search || q.stem.indexOf(search) >= 0; })
          .forEach(function (q) { body.appendChild(row(q)); });
        if (!body.children.length) body.appendChild(el("tr", {}, el("td", { colspan: 7, text: "没有符合条件的题目" })));
      }, more);
    }
    onSubmit($("#q-filter"), load);
    load({});
  };

  pages["admin-schedule"] = function () {
    var body = $("#schedule-table tbody");
    $("#s-date").value = document.body.dataset.tomorrow || "";
    function load() {
      return api("GET", "/admin/quiz/schedule").then(function (sets) {
        clear(body);
        (Array.isArray(sets) ? sets : (sets.items || [])).forEach(function (set) {
          var ol = el("ol");
          (set.questions || []).forEach(function (q) { ol.appendChild(el("li", { text: "#" + q.id + " " + q.stem })); });
          body.appendChild(el("tr", {}, el("td", { text: set.day || set.date }), el("td", {}, ol),
            el("td", { text: set.scheduled === false ? "自动抽题" : "已排期" })));
        });
        if (!body.children.length) body.appendChild(el("tr", {}, el("td", { colspan: 3, text: "未来 30 天还没有排期" })));
      }).catch(fail);
    }
    onSubmit($("#schedule-form"), function (data) {
      var ids = data.question_ids.split(/[\s,，、]+/).filter(Boolean).map(Number);
      return api("PUT", "/admin/quiz/schedule/" + data.date, { question_ids: ids }).then(function () {
        flash(data.date + " 的题目已排定。", "ok");
        return load();
      });
    });
    load();
  };

  pages["admin-prizes"] = function () {
    var form = $("#prize-form"), body = $("#prize-table tbody");
    function load() {
      return api("GET", "/admin/prizes?limit=100").catch(function (err) {
        if (err.status === 404 || err.status === 405) return api("GET", "/shop/prizes");
        throw err;
      }).then(function (data) {
        clear(body);
        var prizes = Array.isArray(data) ? data : (data.items || data.prizes || []);
        prizes.forEach(function (p) {
          var edit = el("button", { type: "button", className: "small", text: "编辑" });
          edit.addEventListener("click", function () {
            form.elements.id.value = p.id;
            form.elements.name.value = p.name;
            form.elements.description.value = p.description || "";
            form.elements.cost.value = p.cost;
            form.elements.stock.value = p.stock;
            form.elements.per_user_limit.value = p.per_user_limit;
            form.elements.on_sale.checked = p.on_sale !== false;
            $("#prize-form-h").textContent = "编辑奖品 #" + p.id;
            form.elements.name.focus();
          });
          body.appendChild(el("tr", { "data-prize-id": p.id }, el("td", { text: p.id }), el("td", { text: p.name }),
            el("td", { className: "num", text: p.cost }), el("td", { className: "num", text: p.stock }),
            el("td", { className: "num", text: p.per_user_limit }), el("td", { text: p.on_sale === false ? "下架" : "在售" }),
            el("td", {}, edit)));
        });
        if (!prizes.length) body.appendChild(el("tr", {}, el("td", { colspan: 7, text: "还没有奖品" })));
      }).catch(fail);
    }
    form.addEventListener("reset", function () { form.elements.id.value = ""; $("#prize-form-h").textContent = "新增奖品"; });
    onSubmit(form, function (data) {
      var body = { name: data.name.trim(), description: data.description, cost: Number(data.cost),
                   stock: Number(data.stock), per_user_limit: Number(data.per_user_limit), on_sale: data.on_sale };
      var id = data.id;
      return api(id ? "PATCH" : "POST", "/admin/prizes" + (id ? "/" + id : ""), body).then(function (p) {
        flash("已保存奖品「" + p.name + "」。", "ok");
        form.reset();
        return load();
      });
    });
    load();
  };

  pages["admin-vouchers"] = function () {
    var input = $("#voucher-code"), result = $("#fulfil-result"), log = $("#fulfil-log");
    function card(r) {
      return el("div", { className: "card", "data-voucher": r.voucher_code },
        el("p", { className: "big" }, el("strong", { text: (r.prize && r.prize.name) || "奖品" })),
        el("p", {}, "券码 ", el("strong", { className: "code", text: r.voucher_code }), " · ",
          el("span", { className: "status-" + r.status, text: STATUS_NAMES[r.status] || r.status })),
        r.user ? el("p", { text: "兑换人：" + r.user.display_name + "（" + r.user.username + "）" }) : null,
        el("p", { className: "muted", text: "兑换时间：" + fmtTime(r.created_at) }));
    }
    function fulfil(code) {
      return api("POST", "/admin/redemptions/" + encodeURIComponent(code) + "/fulfil").then(function (r) {
        clear(result).appendChild(card(r));
        flash("核销成功：请把「" + ((r.prize && r.prize.name) || "奖品") + "」交给市民。", "ok");
        log.insertBefore(el("li", { text: fmtTime(new Date().toISOString()) + " · " + r.voucher_code + " · " + ((r.prize && r.prize.name) || "") }), log.firstChild);
        input.value = "";
        input.focus();
      }, explain(code));
    }
    function explain(code) {
      return function (err) {
        if (err.status === 404) err.detail = "券码不存在：" + code;
        if (err.code === "not_pending") err.detail = "这张券已经领取或已取消，不能再次核销。";
        fail(err);
        input.focus();
      };
    }
    onSubmit($("#fulfil-form"), function (data) {
      var code = data.code.trim();
      clear(result);
      // Look the voucher up first so the clerk sees what and whose it is before handing over.
      return api("GET", "/admin/redemptions/" + encodeURIComponent(code)).then(function (r) {
        var box = card(r);
        if (r.status === "pending") {
          var ok = el("button", { type: "button", className: "primary", text: "确认发放并核销" });
          ok.addEventListener("click", function () { ok.disabled = true; fulfil(r.voucher_code); });
          box.appendChild(ok);
          result.appendChild(box);
          ok.focus();
        } else {
          result.appendChild(box);
          flash("这张券" + (STATUS_NAMES[r.status] || r.status) + "，不能核销。", "error");
        }
      }, explain(code));
    });
    // Camera scanning where the browser can decode QR codes itself (no library, nothing downloaded).
    if ("BarcodeDetector" in window && navigator.mediaDevices) {
      var button = $("#scan-camera"), video = $("#scan-video");
      button.hidden = false;
      button.addEventListener("click", function () {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
          video.srcObject = stream; video.hidden = false; video.play();
          (function tick() {
            detector.detect(video).then(function (codes) {
              if (codes.length) {
                stream.getTracks().forEach(function (t) { t.stop(); });
                video.hidden = true;
                input.value = codes[0].rawValue;
                $("#fulfil-form").requestSubmit();
              } else { requestAnimationFrame(tick); }
            }).catch(function () { requestAnimationFrame(tick); });
          })();
        }).catch(function () { flash("无法打开摄像头，请手动输入券码。", "error"); });
      });
    }
  };

  pages["admin-points"] = function () {
    var who = $("#a-user-who");
    $("#a-user").addEventListener("change", function () {
      var id = Number($("#a-user").value);
      who.textContent = "";
      if (!id) return;
      api("GET", "/admin/users/" + id).then(function (u) {
        who.textContent = u.display_name + "（" + u.username + "），当前积分 " + u.balance;
      }, function (err) { who.textContent = err.status === 404 ? "没有这个用户。" : ""; });
    });
    onSubmit($("#adjust-form"), function (data) {
      var body = { user_id: Number(data.user_id), delta: Number(data.delta), memo: data.memo.trim() };
      return api("POST", "/admin/points/adjust", body, { "Idempotency-Key": idempotencyKey() }).then(function (entry) {
        flash("已为用户 " + body.user_id + " 调整 " + (body.delta > 0 ? "+" : "") + body.delta + " 分。", "ok");
        clear($("#adjust-result")).appendChild(el("p", { text: "流水 #" + entry.id + " · " + (entry.memo || body.memo) }));
        $("#adjust-form").reset();
        who.textContent = "";
      });
    });
  };

  pages["admin-teams"] = function () {
    var body = $("#team-table tbody");
    function add(t) {
      body.appendChild(el("tr", { "data-team-id": t.id }, el("td", { text: t.id }), el("td", { text: t.name }),
        el("td", { text: t.district || "" }), el("td", {}, el("strong", { className: "code", text: t.join_code || "" }))));
    }
    api("GET", "/admin/teams?limit=100").then(function (data) {
      (Array.isArray(data) ? data : (data.items || data.teams || [])).forEach(add);
    }).catch(function () { /* listing teams is optional: new teams still show below */ });
    onSubmit($("#team-form"), function (data) {
      var body = { name: data.name.trim(), district: data.district || null };
      return api("POST", "/admin/teams", body).then(function (t) {
        flash("已创建团队「" + t.name + "」，加入码 " + t.join_code + "。", "ok");
        add(t);
        $("#team-form").reset();
      });
    });
  };

  pages["admin-dashboard"] = function () {
    var today = document.body.dataset.today;
    var from = $("#r-from"), to = $("#r-to");
    var start = new Date(today + "T00:00:00Z");
    start.setUTCDate(start.getUTCDate() - 6);
    from.value = start.toISOString().slice(0, 10);
    to.value = today;

    function maxOf(rows, key) { return Math.max.apply(null, [1].concat(rows.map(function (r) { return r[key] || 0; }))); }
    var rateSpec = function (title, first) {
      return { path: "/admin/reports/awareness", by: null, title: title,
        header: [first, "知晓率（正确率）", "答题数", "答对数", "参与人数"],
        row: function (r) { return [r.key === null || r.key === undefined ? "未填写" : r.key, pct(r.rate), r.answers, r.correct, r.participants]; },
        bar: function (r) { return { label: r.key === null || r.key === undefined ? "未填写" : String(r.key), value: pctValue(r.rate), text: pct(r.rate) }; },
        max: function () { return 100; } };
    };
    var SPEC = {
      day: { path: "/admin/reports/participation", title: "每日参与人数",
             header: ["日期", "参与人数", "完成人数", "答题数"],
             row: function (r) { return [r.date, r.participants, r.completed, r.answers]; },
             bar: function (r) { return { label: r.date.slice(5), value: r.participants, text: r.participants + " 人" }; },
             max: function (rows) { return maxOf(rows, "participants"); } },
      category: rateSpec("各分类知晓率", "分类"),
      district: rateSpec("各城区知晓率", "城区"),
      question: { path: "/admin/reports/questions", title: "正确率最低的题目",
             header: ["题目 ID", "题干", "分类", "正确率", "答题数", "答对数"],
             row: function (r) { return [r.question_id, r.stem, r.category, pct(r.rate), r.answers, r.correct]; },
             bar: function (r) { return { label: "#" + r.question_id + " " + r.stem, value: pctValue(r.rate), text: pct(r.rate) }; },
             max: function () { return 100; }, limit: 10 }
    };
    SPEC.category.by = "category";
    SPEC.district.by = "district";

    function query(spec) {
      return spec.path + "?from=" + from.value + "&to=" + to.value + (spec.by ? "&by=" + spec.by : "");
    }
    function render(section, spec, rows) {
      var box = clear($(".report-body", section));
      var shown = spec.limit ? rows.slice(0, spec.limit) : rows;
      var numeric = spec.header.map(function (h, i) { return i > 0 && h !== "题干" && h !== "分类"; });
      box.appendChild(el("figure", { className: "figure" },
        barChart(spec.title, shown.map(spec.bar), spec.max(shown), box.clientWidth)));
      var side = el("div", {}, dataTable(spec.title, spec.header, shown.map(spec.row), numeric));
      // The CSV comes from the server (same query, ?format=csv): every row, formula cells escaped.
      side.appendChild(el("a", { className: "button small", href: "/api/v1" + query(spec) + "&format=csv",
        download: "", text: "导出 CSV（" + spec.title + "）" }));
      box.appendChild(side);
    }
    function load() {
      unflash();
      $$(".report").forEach(function (section) {
        var spec = SPEC[section.dataset.report];
        clear($(".report-body", section)).appendChild(el("p", { text: "正在加载…" }));
        api("GET", query(spec)).then(function (data) {
          render(section, spec, data.rows || []);
        }, function (err) {
          clear($(".report-body", section)).appendChild(el("p", { className: "muted", text: "加载失败：" + err.detail }));
        });
      });
    }
    onSubmit($("#range-form"), load);
    load();
  };

  // ------------------------------------------------------------------ start
  document.addEventListener("DOMContentLoaded", function () {
    var page = pages[document.body.dataset.page];
    if (page) page();
  });
  window.quizApi = api;  // for the console and the browser tests
})();
