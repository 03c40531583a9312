"""Staff login and logout, login throttling, and the role and programme checks.

Every staff view is wrapped in `staff_required(...)` (401/redirect when not logged in,
403 for a role that may not use it) and looks its programme up with `programme_or_404`
(404 for a programme the account may not see, exactly as for one that does not exist).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from limits import RateLimitItem, parse
from limits.strategies import MovingWindowRateLimiter
from sqlmodel import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from mel.i18n import translate
from mel.models import Programme
from mel.models.accounts import User
from mel.services import accounts, staff_sessions
from mel.services.privacy import record
from mel.services.roles import STAFF_ROLES, UNIT_ROLES
from mel.web.database import get_session
from mel.web.ratelimit import make_limiter
from mel.web.security import client_key

bp = Blueprint("auth", __name__, url_prefix="/staff")
View = Callable[..., ResponseReturnValue]


class LoginForm(FlaskForm):
    """E-mail and password (with the CSRF token FlaskForm adds)."""

    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=1024)])


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField("current", validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(
        "new",
        validators=[
            DataRequired(),
            Length(min=accounts.MIN_PASSWORD_LENGTH, max=accounts.MAX_PASSWORD_LENGTH),
        ],
    )
    confirm = PasswordField("confirm", validators=[EqualTo("new")])


class PostForm(FlaskForm):
    """A form with nothing but its CSRF token, for plain POST buttons (logout, disable)."""


class Throttle:
    """Failed logins: at most so many per account, and (many more) per (hashed) address.

    The two limits are separate, so that an attack on one account locks out that account
    only, not the colleagues who share its office's address. Counts live in the rate-limit
    store (Redis shared by all workers, or memory; with Redis down, this process counts
    for a while: see `mel.web.ratelimit`). Addresses only ever appear there as keyed
    hashes, never in the database.
    """

    def __init__(self, storage_uri: str, account_limit: str, address_limit: str) -> None:
        self.account_item = parse(account_limit)
        self.address_item = parse(address_limit)
        self.limiter = make_limiter(MovingWindowRateLimiter, storage_uri)

    @staticmethod
    def keys(email: str) -> tuple[str, str]:
        """Return the account key and the address key of this attempt."""
        secret = str(current_app.config["SECRET_KEY"])
        account = hashlib.sha256(f"{secret}|login|{email.strip().lower()}".encode())
        return "login:a:" + account.hexdigest()[:24], "login:" + client_key()

    def _limits(self, email: str) -> tuple[tuple[RateLimitItem, str], ...]:
        account, address = self.keys(email)
        return (self.account_item, account), (self.address_item, address)

    def allowed(self, email: str) -> bool:
        """Whether another attempt may be checked now."""
        return all(self.limiter.test(item, key) for item, key in self._limits(email))

    def failed(self, email: str) -> None:
        """Count a failed attempt against the account and the address."""
        for item, key in self._limits(email):
            self.limiter.hit(item, key)

    def succeeded(self, email: str) -> None:
        """Forget the account's failures (the address keeps its count)."""
        self.limiter.clear(self.account_item, self.keys(email)[0])


def current_user() -> User | None:
    """Return the logged-in staff account of this request, if any."""
    return g.get("user")


def actor() -> str:
    """Return who acts in this request, for the audit log."""
    user = current_user()
    return user.email if user else "anonymous"


def load_user() -> None:
    """Find the account of this session's login; end logins that ended or expired.

    A login lives in the `staffsession` table (see `mel.services.staff_sessions`); a cookie
    whose row is gone (logout, password change, disabling, expiry) is cleared.
    """
    g.user = None
    key = session.get("sid")
    if key is None:
        if "uid" in session:  # a login from before server-side sessions
            session.clear()
        return
    user = staff_sessions.user_of(get_session(), str(key))
    max_age = float(current_app.config["STAFF_SESSION_HOURS"]) * 3600
    if (
        user is None
        or not user.active
        or session.get("uid") != user.id
        or session.get("sv") != user.session_version
        or time.time() - float(session.get("at", 0)) > max_age
    ):
        session.clear()
        return
    g.user = user


def wants_json() -> bool:
    """Whether this request is for the JSON API (401/403 as JSON there)."""
    return request.blueprint == "api"


def staff_required(*roles: str) -> Callable[[View], View]:
    """Require a logged-in account with one of `roles` (all staff roles when none given; a
    unit's coordinator is not staff: it sees its own unit's profile only)."""
    allowed = roles or STAFF_ROLES

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                if wants_json():
                    return jsonify(error="login required"), 401
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role not in allowed:
                if wants_json():
                    return jsonify(error="forbidden for your role"), 403
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def programme_or_404(code: str) -> Programme:
    """Return a programme the logged-in account may see; 404 otherwise (no existence leak)."""
    user = current_user()
    programme = get_session().exec(select(Programme).where(Programme.code == code)).first()
    if user is None or programme is None or not accounts.may_see(get_session(), user, programme):
        if wants_json():
            response = jsonify(error="not found")
            response.status_code = 404
            abort(response)
        abort(404)
    return programme


def safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login (never another host)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
        and "\\" not in target
    ):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; check it, throttled, and start a fresh session."""
    form = LoginForm()
    lang = g.get("lang", "nl")
    if current_user() is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    error, status = None, 200
    if form.validate_on_submit():
        email = form.email.data or ""
        throttle: Throttle = current_app.extensions["mel.login_throttle"]
        db = get_session()
        if not throttle.allowed(email):
            known = accounts.find_user(db, email)
            record(db, known.email if known else "unknown", "login_throttled")
            db.commit()
            error, status = translate("staff_login_throttled", lang), 429
        else:
            user = accounts.authenticate(db, email, form.password.data or "")
            if user is None:
                throttle.failed(email)
                known = accounts.find_user(db, email)
                record(db, known.email if known else "unknown", "login_failed")
                db.commit()
                error = translate("staff_login_failed", lang)
            else:
                throttle.succeeded(email)
                record(db, user.email, "login", role=user.role)
                start_session(user, lang)
                db.commit()
                if user.role in UNIT_ROLES:  # a coordinator has one page: its unit's profile
                    return redirect(url_for("unit_profile.own"), 303)
                return redirect(safe_next(request.args.get("next")), 303)
    elif request.method == "POST":
        error, status = translate("staff_login_failed", lang), 400
    return render_template("staff/login.html", form=form, error=error), status


def start_session(user: User, lang: str) -> None:
    """Replace whatever the session held (no fixation) with a new login (caller commits)."""
    hours = float(current_app.config["STAFF_SESSION_HOURS"])
    key = staff_sessions.start(get_session(), user, hours)
    session.clear()
    session["sid"] = key
    session["uid"] = user.id
    session["sv"] = user.session_version
    session["at"] = time.time()
    session["lang"] = lang


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session (POST with a CSRF token, so no other site can log you out)."""
    if not PostForm().validate_on_submit():
        abort(400)
    user = current_user()
    key = session.get("sid")
    if key is not None:
        staff_sessions.end(get_session(), str(key))
    if user is not None:
        record(get_session(), user.email, "logout")
    get_session().commit()
    session.clear()
    return redirect(url_for("auth.login"), 303)


@bp.route("/password", methods=["GET", "POST"])
@staff_required(*STAFF_ROLES, *UNIT_ROLES)
def password() -> ResponseReturnValue:
    """Change one's own password (ends the account's other sessions); every role may."""
    form = PasswordForm()
    user = current_user()
    assert user is not None
    lang = g.get("lang", "nl")
    error, done = None, False
    if form.validate_on_submit():
        throttle: Throttle = current_app.extensions["mel.login_throttle"]
        if not throttle.allowed(user.email):
            error = translate("staff_login_throttled", lang)
        elif not accounts.verify_password(user.password_hash, form.current.data or ""):
            throttle.failed(user.email)
            error = translate("staff_password_wrong", lang)
        else:
            accounts.set_password(get_session(), user, form.new.data or "")  # ends every login
            record(get_session(), user.email, "password_changed")
            start_session(user, lang)
            get_session().commit()
            done = True
    elif request.method == "POST":
        error = translate("staff_password_rules", lang, n=accounts.MIN_PASSWORD_LENGTH)
    return render_template(
        "staff/password.html", form=form, error=error, done=done, n=accounts.MIN_PASSWORD_LENGTH
    ), 400 if error else 200


def init_app(app: Flask) -> None:
    """Register the blueprint, cookie settings, the throttle and the user loader."""
    # Debug, test and demo runs, and `mel serve` (Flask's server on plain http, this
    # machine only), keep their cookies without the Secure flag so that http works.
    relaxed = (
        app.debug
        or app.config.get("TESTING")
        or app.config.get("DEMO")
        or app.config.get("MEL_LOCAL_SERVER")
    )
    app.config["SESSION_COOKIE_SECURE"] = (
        bool(app.config.get("SESSION_COOKIE_SECURE")) or not relaxed
    )
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.extensions["mel.login_throttle"] = Throttle(
        app.config["RATELIMIT_STORAGE_URI"],
        app.config["LOGIN_THROTTLE"],
        app.config["LOGIN_THROTTLE_ADDRESS"],
    )
    app.before_request(load_user)
    app.register_blueprint(bp)

    @app.context_processor
    def staff_context() -> dict[str, Any]:
        return {"staff_user": g.get("user"), "logout_form": PostForm}
