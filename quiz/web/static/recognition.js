/* Recognition on the citizen home page: last week's stars and "我的证书" (certificates). */
import { $, API, api, clear, el, shareImage } from "./core.js";

// Response fields read, per operation (JSON; checked against /api/v1/openapi.json).
export const READS = {
  "GET /api/v1/leaderboards/weekly-stars": ["start", "end", "citizens[].rank", "citizens[].name",
    "citizens[].score", "reporters[].rank", "reporters[].name", "reporters[].score",
    "me.citizens.rank", "me.citizens.score", "me.reporters.rank", "me.reporters.score"],
  "GET /api/v1/me/certificates": ["items[].code", "items[].title", "items[].achieved_on",
    "items[].download_url", "items[].verify_url"],
};

function starList(list, entries) {
  clear(list);
  for (const e of entries) {
    list.appendChild(el("li", { className: e.rank <= 3 ? "top" : null },
      el("span", { className: "rank", text: e.rank }),
      el("span", { className: "name", text: e.name }),
      el("span", { className: "score", text: e.score + " 分" })));
  }
  if (!entries.length) list.appendChild(el("li", { className: "muted", text: "暂无上榜" }));
}

/** "市民榜第 3 名（70 分）；小记者榜未上榜" */
function myPlace(me) {
  const part = (label, row) => (row ? `${label}第 ${row.rank} 名（${row.score} 分）` : null);
  const parts = [part("市民榜", me.citizens), part("小记者榜", me.reporters)].filter(Boolean);
  return parts.length ? "我上周的名次：" + parts.join("；") : "我上周未上榜，本周加油！";
}

export function weeklyStars() {
  return api("GET", "/leaderboards/weekly-stars").then((stars) => {
    $("#stars-week").textContent = `${stars.start} 至 ${stars.end}`;
    $("#stars-me").textContent = myPlace(stars.me);
    starList($("#stars-citizens"), stars.citizens);
    starList($("#stars-reporters"), stars.reporters);
  }).catch((err) => {
    $("#stars-week").textContent = "上周之星暂时无法显示：" + err.detail;
  });
}

export function myCertificates() {
  const list = $("#cert-list");
  return api("GET", "/me/certificates?limit=100").then((page) => {
    clear(list);
    for (const c of page.items) {
      list.appendChild(el("li", { className: "cert", "data-code": c.code },
        el("strong", { text: c.title }),
        el("span", { className: "meta", text: ` · ${c.achieved_on} · 编号 ${c.code}` }),
        el("span", { className: "actions" },
          el("a", { className: "button small", href: c.download_url, download: `荣誉证书-${c.code}.png`, text: "下载证书" }),
          " ",
          el("a", { href: c.verify_url, target: "_blank", rel: "noopener", text: "查验" }),
          " ",
          el("button", { type: "button", className: "small", text: "分享", "aria-label": "分享：" + c.title,
                         onclick: (event) => shareImage(`${API}/me/certificates/${encodeURIComponent(c.code)}/share.png`,
                           "我知晓 我践行：" + c.title, event.target.closest("li").querySelector(".share-slot")) })),
        el("div", { className: "share-card share-slot", hidden: true })));
    }
    if (!page.items.length) {
      list.appendChild(el("li", { className: "muted", text: "一周七天每天全部答对，即可获得「完美一周」荣誉证书。" }));
    }
  }).catch((err) => {
    clear(list).appendChild(el("li", { className: "muted", text: "证书暂时无法显示：" + err.detail }));
  });
}

/** Everything recognition adds to the home page. */
export function homeRecognition() {
  weeklyStars();
  myCertificates();
}
