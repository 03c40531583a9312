"""CSRF protection, security headers, rate limits and friendly bilingual error pages."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as WerkzeugResponse

from mel.i18n import known, translate

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links carry invitation and resume tokens: never send them to another site.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
ERROR_STATUSES = (400, 403, 404, 405, 409, 410, 413, 429, 500, 503)
# The staff side: its own error texts, and (personal or unpublished data) never cached.
STAFF_PATHS = ("/staff", "/api/")
RETRY_AFTER_S = {429: "60", 503: "30"}


def client_key() -> str:
    """Rate-limit key of a visitor: a keyed hash of the address, so no IP is kept anywhere."""
    secret = str(current_app.config["SECRET_KEY"])
    address = request.remote_addr or "unknown"
    return "ip:" + hashlib.sha256(f"{secret}|{address}".encode()).hexdigest()[:24]


def setup_security(app: Flask) -> None:
    """Install CSRF checks, headers and the error pages (rate limits: `ratelimit`)."""
    CSRFProtect(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind N proxies: the address and scheme the N-th proxy from here saw.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    @app.after_request
    def security_headers(response: WerkzeugResponse) -> WerkzeugResponse:
        """Add the security headers to every response (a view may set its own first)."""
        # One pass over the few headers set so far: asking Headers for each missing name
        # raises and catches a KeyError every time, on every request.
        present = {name.lower() for name in response.headers.keys()}
        response.headers.extend(
            [(name, value) for name, value in HEADERS.items() if name.lower() not in present]
        )
        if request.path.startswith(STAFF_PATHS) and not (request.endpoint or "").endswith("static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_unavailable(exc: Exception) -> ResponseReturnValue:
        """The database did not answer in time (or at all): ask to try again shortly."""
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        current_app.logger.warning(
            "database unavailable for %s %s: %s",
            request.method,
            request.path,
            reason[0] if reason else type(exc).__name__,
        )
        if request.path.startswith("/api/"):
            response = jsonify(error="database unavailable, try again shortly")
            response.status_code = 503
            response.headers["Retry-After"] = RETRY_AFTER_S[503]
            return response
        return error_page(503)

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> ResponseReturnValue:
        """Explain a missing or expired CSRF token instead of a bare 400."""
        # Survey views can show the posted page again (unsaved) with a new token and an
        # explanation, so a participant whose session expired loses nothing.
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "recovers_from_csrf", False):
            g.csrf_failed = True
            return view(**(request.view_args or {}))
        return error_page(400, "err_csrf")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        """Show the friendly bilingual page for the error statuses mel explains."""
        # Unhandled exceptions arrive here as InternalServerError (outside testing).
        code = exc.code or 500
        if code not in ERROR_STATUSES:
            return exc
        return error_page(code)


def staff_request() -> bool:
    """Whether the request is on the staff side (pages under /staff/, the API under /api/)."""
    return request.path.startswith(STAFF_PATHS)


def error_page(status: int, key: str | None = None, **context: Any) -> ResponseReturnValue:
    """Render the friendly page for an HTTP status, optionally with a specific message.

    The texts of a status are written for participants ("your answers are kept"); the
    staff side gets its own (``staff_err_*``), and the API a JSON error, so that no
    participant's message ever explains a staff request.
    """
    prefix = "staff_err" if staff_request() else "err"
    title = f"{prefix}_title_{status}"
    title = title if known(title) else f"{prefix}_title_400"
    text = key or f"{prefix}_text_{status}"
    text = text if known(text) else f"{prefix}_text_400"
    if request.path.startswith("/api/"):
        response = current_app.make_response((jsonify(error=translate(text, "en")), status))
    else:
        response = current_app.make_response(
            (
                render_template(
                    "error.html", status=status, title_key=title, text_key=text, **context
                ),
                status,
            )
        )
    if status in RETRY_AFTER_S:
        response.headers["Retry-After"] = RETRY_AFTER_S[status]
    return response
