"""Pages: the citizen mini-app (/app/) and the admin console (/admin/).

The pages are thin Jinja shells; `static/app.js` fills them from the same JSON API the news
app uses, so there is no second code path for any rule. The server only decides who may see
which shell: signed-out visitors go to the sign-in page, non-staff get a readable 403 page,
and clerks see only the voucher counter.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from quiz.clock import today

STATIC_VERSION = "3"

app_pages = Blueprint("app_pages", __name__, url_prefix="/app", template_folder="templates",
                      static_folder="static", static_url_path="/static")
admin_pages = Blueprint("admin_pages", __name__, url_prefix="/admin", template_folder="templates")

# (endpoint, label) — the mini-app's tab bar, in order.
APP_NAV = (("home", "首页"), ("quiz_page", "答题"), ("points", "积分"), ("boards", "排行"),
           ("shop", "商城"), ("vouchers", "我的券"), ("team", "团队"))
# (endpoint, label, roles) — the console's menu.
ADMIN_NAV = (
    ("dashboard", "知晓率", ("admin",)),
    ("banks", "题库导入", ("admin",)),
    ("questions", "题目", ("admin",)),
    ("schedule", "排期", ("admin",)),
    ("prizes", "奖品", ("admin",)),
    ("vouchers", "核销", ("admin", "clerk")),
    ("points", "积分调整", ("admin",)),
    ("teams", "团队", ("admin",)),
    ("fairplay", "公平竞赛", ("admin",)),
)
STAFF = ("admin", "clerk")
VOUCHER_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")


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


def _page(template: str, page: str, **context):
    return render_template(template, page=page, **context)


# ---------------------------------------------------------------- citizen mini-app
@app_pages.before_request
def app_requires_sign_in():
    if request.endpoint in ("app_pages.login", "app_pages.register", "app_pages.sso", "app_pages.static"):
        return None
    if not current_user.is_authenticated:
        return _to_login("app_pages.login")
    return None


@app_pages.get("/login")
def login():
    nxt = safe_next(request.args.get("next"), url_for("app_pages.home"))
    if current_user.is_authenticated:
        return redirect(nxt)
    return _page("app/login.html", "login", next_url=nxt)


@app_pages.get("/register")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("app_pages.home"))
    return _page("app/register.html", "register",
                 districts=current_app.config["QUIZ_DISTRICTS"],
                 invite_code=request.args.get("invite", "")[:16])


@app_pages.get("/sso")
def sso():
    # The token is posted by the page's script (the same /api/v1/auth/sso the host app uses).
    return _page("app/sso.html", "sso", next_url=safe_next(request.args.get("next"), url_for("app_pages.home")))


@app_pages.get("/")
def home():
    return _page("app/home.html", "home")


@app_pages.get("/quiz")
def quiz_page():
    return _page("app/quiz.html", "quiz")


@app_pages.get("/points")
def points():
    return _page("app/points.html", "points")


@app_pages.get("/boards")
def boards():
    return _page("app/boards.html", "boards")


@app_pages.get("/shop")
def shop():
    return _page("app/shop.html", "shop")


@app_pages.get("/vouchers")
def vouchers():
    return _page("app/vouchers.html", "vouchers")


@app_pages.get("/team")
def team():
    return _page("app/team.html", "team", districts=current_app.config["QUIZ_DISTRICTS"])


@app_pages.get("/qr/<code>.svg")
def voucher_qr(code: str):
    """A voucher code drawn as a QR code (SVG, made here: no third-party service sees it)."""
    if not VOUCHER_RE.match(code):
        abort(404)
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue(), 200, {"Content-Type": "image/svg+xml",
                                 "Cache-Control": "private, max-age=86400"}


# ---------------------------------------------------------------- admin console
def _allowed(endpoint: str, role: str) -> bool:
    name = endpoint.rsplit(".", 1)[-1]
    for entry, _label, roles in ADMIN_NAV:
        if entry == name:
            return role in roles
    return role == "admin"


@admin_pages.before_request
def admin_requires_staff():
    if request.endpoint == "admin_pages.login":
        return None
    if not current_user.is_authenticated:
        return _to_login("admin_pages.login")
    if current_user.role not in STAFF:
        return render_template("forbidden.html", page="forbidden", area="admin"), 403
    if current_user.role == "clerk" and request.endpoint == "admin_pages.dashboard":
        return redirect(url_for("admin_pages.vouchers"))
    if not _allowed(request.endpoint or "", current_user.role):
        return render_template("forbidden.html", page="forbidden", area="admin"), 403
    return None


@admin_pages.get("/login", endpoint="login")
def admin_login():
    nxt = safe_next(request.args.get("next"), url_for("admin_pages.dashboard"))
    return _page("admin/login.html", "login", next_url=nxt)


def _admin_view(name: str, title: str):
    def view():
        return _page(f"admin/{name}.html", f"admin-{name}", title=title,
                     districts=current_app.config["QUIZ_DISTRICTS"])

    view.__name__ = name
    return view


for _name, _label, _roles in ADMIN_NAV:
    admin_pages.add_url_rule("/" if _name == "dashboard" else f"/{_name}", _name,
                             _admin_view(_name, _label))


# ---------------------------------------------------------------- wiring
def init_app(app: Flask) -> None:
    """Register the page blueprints, their template globals and the friendly error pages."""
    app.register_blueprint(app_pages)
    app.register_blueprint(admin_pages)

    @app.get("/")
    def root():
        return redirect(url_for("app_pages.home"))

    @app.context_processor
    def page_globals():
        day = today()
        return {"today": day.isoformat(), "tomorrow": (day + timedelta(days=1)).isoformat(),
                "APP_NAV": APP_NAV, "ADMIN_NAV": ADMIN_NAV, "me": current_user,
                "static_version": STATIC_VERSION, "quote": quote}
