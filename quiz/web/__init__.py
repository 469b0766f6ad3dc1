"""Pages: the citizen mini-app (/app/) and the admin console (/admin/).

The pages are thin Jinja shells; each loads one native ES module from `static/` (`citizen.js`
for the mini-app, `admin/<page>.js` for a console page, both built on `core.js`) that fills it
from the same JSON API the news app uses, so there is no second code path for any rule. The
server only decides who may see which shell: signed-out visitors go to the sign-in page,
non-staff get a readable 403 page, and clerks see only the voucher counter.

Static URLs carry a content hash (`?v=<sha256[:12]>`), and an import map gives the modules'
imports the same hashed URLs, so a hashed file may be cached for a year: a changed file is a
new URL.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from quiz.current import today
from quiz.models.account import STAFF_ROLES, Role
from quiz.services import recognition

STATIC = Path(__file__).parent / "static"
STATIC_URL = "/app/static/"
IMMUTABLE = "public, max-age=31536000, immutable"

app_pages = Blueprint(
    "app_pages",
    __name__,
    url_prefix="/app",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
admin_pages = Blueprint("admin_pages", __name__, url_prefix="/admin", template_folder="templates")
# Pages anyone may open without signing in (a certificate's verification).
public_pages = Blueprint("public_pages", __name__, template_folder="templates")

# (endpoint, label) — the mini-app's bottom tab bar: five at most, so that every tab fits a
# 320 px phone in 长辈模式 too; everything else is one tap inside 我的.
APP_NAV = (
    ("home", "首页"),
    ("quiz_page", "答题"),
    ("learn", "学习"),
    ("shop", "商城"),
    ("me", "我的"),
)
# (endpoint, label, hint) — the pages listed inside 我的, in order.
APP_MORE = (
    ("points", "积分明细", "积分记录和每天的答题记录"),
    ("calendar", "签到日历", "每月答题日历和答题提醒"),
    ("vouchers", "我的兑换券", "兑换券二维码、领取地点和期限"),
    ("boards", "排行榜", "市民、小记者、团队、城区"),
    ("campaigns", "专项答题", "限时专题答题和专项排行"),
    ("team", "团队与家庭", "加入小记者团队，邀请家人，修改资料"),
)
# The tab that stays lit on each page (a page not listed here lights its own endpoint).
APP_TAB_OF = {
    "campaigns": "quiz_page",
    "review": "learn",
    "practice": "learn",
    "points": "me",
    "calendar": "me",
    "vouchers": "me",
    "boards": "me",
    "team": "me",
}


def current_tab() -> str:
    """The bottom tab the current page belongs to."""
    endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
    return APP_TAB_OF.get(endpoint, endpoint)


# (endpoint, label, roles) — the console's menu.
ADMIN_NAV = (
    ("dashboard", "知晓率", (Role.ADMIN,)),
    ("banks", "题库导入", (Role.ADMIN, Role.EDITOR)),
    ("questions", "题目", (Role.ADMIN, Role.EDITOR, Role.REVIEWER)),
    ("review", "三审", (Role.ADMIN, Role.EDITOR, Role.REVIEWER)),
    ("schedule", "排期", (Role.ADMIN,)),
    ("prizes", "奖品", (Role.ADMIN,)),
    ("vouchers", "核销", (Role.ADMIN, Role.CLERK)),
    ("points", "积分调整", (Role.ADMIN,)),
    ("teams", "团队", (Role.ADMIN,)),
    ("fairplay", "公平竞赛", (Role.ADMIN,)),
    ("reports_queue", "纠错", (Role.ADMIN,)),
    ("winners", "每周之星", (Role.ADMIN,)),
    ("targets", "参与目标", (Role.ADMIN,)),
    ("audit", "审计日志", (Role.AUDITOR,)),
    ("security", "账号安全", (Role.ADMIN, Role.CLERK, Role.AUDITOR, Role.EDITOR, Role.REVIEWER)),
    ("campaigns", "专项答题", (Role.ADMIN,)),
    ("partners", "合作方", (Role.ADMIN,)),
)
STAFF = STAFF_ROLES


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirect).

    Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"), so any control
    character or space refuses the target, as do "//" and backslashes.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target)
    ):
        return target
    return default


def _to_login(login_endpoint: str):
    return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))


# ---------------------------------------------------------------- static files
_hashes: dict[str, tuple[tuple[int, int], str]] = {}


def static_hash(filename: str) -> str:
    """The first 12 hex digits of the file's SHA-256, recomputed only when the file changes."""
    path = STATIC / filename
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _hashes.get(filename)
    if cached is None or cached[0] != key:
        cached = (key, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
        _hashes[filename] = cached
    return cached[1]


def static_url(filename: str) -> str:
    """/app/static/FILE?v=HASH — a new URL whenever the file's content changes."""
    return f"{STATIC_URL}{filename}?v={static_hash(filename)}"


def import_map(module: str) -> dict:
    """Every module the page's `module` may import, mapped to its hashed URL.

    Modules import each other by relative path ("./core.js"); the browser resolves that to
    /app/static/core.js and the map turns it into the hashed URL, so an import is cache-busted
    exactly like a <script src>. A mini-app page's map lists no console module, and the other way round.
    """
    admin = module.startswith("admin/")
    names = [n for n in _modules() if n == "core.js" or n.startswith("admin/") == admin]
    return {"imports": {STATIC_URL + n: static_url(n) for n in names}}


@cache
def _modules() -> tuple[str, ...]:
    """The modules under static/ (listed once per process; their hashes follow every edit)."""
    return tuple(sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.js")))


@app_pages.after_request
def cache_static(response):
    """A hashed static URL never changes: cache it for a year. Any other copy is revalidated."""
    if request.endpoint == "app_pages.static" and response.status_code in (200, 304):
        filename = request.view_args.get("filename", "")
        fresh = request.args.get("v") == static_hash(filename)
        response.headers["Cache-Control"] = IMMUTABLE if fresh else "no-cache"
    return response


def _page(template: str, page: str, module: str = "citizen.js", **context):
    """A page shell that loads `module` (a path under static/)."""
    return render_template(template, page=page, module=module, **context)


# ---------------------------------------------------------------- citizen mini-app
@app_pages.before_request
def app_requires_sign_in():
    if request.endpoint in (
        "app_pages.login",
        "app_pages.register",
        "app_pages.sso",
        "app_pages.forgot",
        "app_pages.static",
    ):
        return None
    if not current_user.is_authenticated:
        return _to_login("app_pages.login")
    return None


@app_pages.get("/login")
def login():
    asked = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(asked or url_for("app_pages.home"))
    # No page asked for: the page decides after signing in (today's quiz while it is not done).
    return _page("app/login.html", "login", next_url=asked)


@app_pages.get("/register")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("app_pages.home"))
    return _page(
        "app/register.html",
        "register",
        districts=current_app.config["QUIZ_DISTRICTS"],
        invite_code=request.args.get("invite", "")[:16],
    )


@app_pages.get("/forgot")
def forgot():
    return _page("app/forgot.html", "forgot")


@app_pages.get("/sso")
def sso():
    # The token is posted by the page's script (the same /api/v1/auth/sso the host app uses).
    return _page(
        "app/sso.html",
        "sso",
        next_url=safe_next(request.args.get("next"), url_for("app_pages.home")),
    )


@app_pages.get("/")
def home():
    return _page("app/home.html", "home")


@app_pages.get("/quiz")
def quiz_page():
    return _page("app/quiz.html", "quiz")


@app_pages.get("/campaigns")
def campaigns():
    return _page("app/campaigns.html", "campaigns")


@app_pages.get("/points")
def points():
    return _page("app/points.html", "points")


@app_pages.get("/learn")
def learn():
    return _page("app/learn.html", "learn")


@app_pages.get("/review/<string:day>")
def review(day):
    return _page("app/review.html", "review", day=day[:10])


@app_pages.get("/practice")
def practice():
    return _page("app/practice.html", "practice")


@app_pages.get("/boards")
def boards():
    return _page("app/boards.html", "boards")


@app_pages.get("/shop")
def shop():
    config = current_app.config
    # What a perfect day of the daily quiz earns (before streak bonuses): the shop's "还差 N 分" hint.
    perfect_day = (
        config["QUIZ_DAILY_COUNT"] * config["QUIZ_POINTS_CORRECT"] + config["QUIZ_BONUS_PERFECT"]
    )
    return _page("app/shop.html", "shop", perfect_day=perfect_day)


@app_pages.get("/vouchers")
def vouchers():
    return _page("app/vouchers.html", "vouchers")


@app_pages.get("/me")
def me():
    return _page("app/me.html", "me")


@app_pages.get("/calendar")
def calendar():
    return _page("app/calendar.html", "calendar")


@app_pages.get("/team")
def team():
    return _page("app/team.html", "team", districts=current_app.config["QUIZ_DISTRICTS"])


# ---------------------------------------------------------------- admin console
def _allowed(endpoint: str, role: str) -> bool:
    name = endpoint.rsplit(".", 1)[-1]
    for entry, _label, roles in ADMIN_NAV:
        if entry == name:
            return role in roles
    return role == Role.ADMIN


@admin_pages.before_request
def admin_requires_staff():
    if request.endpoint == "admin_pages.login":
        return None
    if not current_user.is_authenticated:
        return _to_login("admin_pages.login")
    if current_user.role not in STAFF:
        return render_template("forbidden.html", page="forbidden", area="admin"), 403
    if current_user.role == Role.CLERK and request.endpoint == "admin_pages.dashboard":
        return redirect(url_for("admin_pages.vouchers"))
    if current_user.role == Role.AUDITOR and request.endpoint == "admin_pages.dashboard":
        return redirect(url_for("admin_pages.audit"))
    if (
        current_user.role in (Role.EDITOR, Role.REVIEWER)
        and request.endpoint == "admin_pages.dashboard"
    ):
        return redirect(url_for("admin_pages.review"))
    if not _allowed(request.endpoint or "", current_user.role):
        return render_template("forbidden.html", page="forbidden", area="admin"), 403
    return None


@admin_pages.get("/login", endpoint="login")
def admin_login():
    nxt = safe_next(request.args.get("next"), url_for("admin_pages.dashboard"))
    return _page("admin/login.html", "login", module="admin/login.js", next_url=nxt)


def _admin_view(name: str, title: str):
    # A page without a module of its own (one whose template brings its script) gets core.js.
    module = f"admin/{name}.js" if (STATIC / "admin" / f"{name}.js").exists() else "core.js"

    def view():
        return _page(
            f"admin/{name}.html",
            f"admin-{name}",
            module=module,
            title=title,
            districts=current_app.config["QUIZ_DISTRICTS"],
        )

    view.__name__ = name
    return view


for _name, _label, _roles in ADMIN_NAV:
    admin_pages.add_url_rule(
        "/" if _name == "dashboard" else f"/{_name}", _name, _admin_view(_name, _label)
    )


# ---------------------------------------------------------------- public pages
@public_pages.get("/verify/<code>")
def verify(code: str):
    """A certificate's public check: genuine (name masked as on public boards) or a 404 page."""
    try:
        verified = recognition.verify(code)
    except recognition.UnknownCertificate:
        return _page("verify.html", "verify", module="core.js", verified=None, code=code[:40]), 404
    return _page("verify.html", "verify", module="core.js", verified=verified, code=verified.code)


@public_pages.get("/privacy")
def privacy_notice():
    """个人信息处理规则: the notice a citizen accepts (its version is GET /api/v1/privacy's)."""
    return _page(
        "privacy.html",
        "privacy",
        module="core.js",
        version=current_app.config["QUIZ_PRIVACY_VERSION"],
        ip_days=current_app.config["QUIZ_IP_RETENTION_DAYS"],
    )


# ---------------------------------------------------------------- wiring
def init_app(app: Flask) -> None:
    """Register the page blueprints, their template globals and the friendly error pages."""
    app.register_blueprint(app_pages)
    app.register_blueprint(admin_pages)
    app.register_blueprint(public_pages)

    @app.get("/")
    def root():
        return redirect(url_for("app_pages.home"))

    @app.context_processor
    def page_globals():
        day = today()
        return {
            "today": day.isoformat(),
            "tomorrow": (day + timedelta(days=1)).isoformat(),
            "APP_NAV": APP_NAV,
            "APP_MORE": APP_MORE,
            "current_tab": current_tab,
            "ADMIN_NAV": ADMIN_NAV,
            "me": current_user,
            "static_url": static_url,
            "import_map": import_map,
            "quote": quote,
        }
