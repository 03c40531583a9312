"""Settings: one typed object for the app, the command line and reports.

Every setting has a default here, may be set by a ``MEL_<NAME>`` environment variable, and
may be overridden by the caller (``create_app(config)``, tests). Values are parsed by the
type of their field, and a wrong value is refused with a message naming the variable. An
unknown ``MEL_*`` variable is refused too, so a typo cannot silently leave a default in
place (``MEL_TEST_*`` variables belong to the test suite and are ignored).

The instance folder (``MEL_INSTANCE_PATH``) holds the default SQLite database. It does not
depend on the directory a command runs from: in a source checkout it is ``instance/`` at
the top of the checkout, for an installed package ``<virtualenv>/var/mel-instance`` (the
convention of Flask, whose app uses the same folder). So ``mel demo``, ``mel serve`` and
every other command find the same database wherever they are started.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

PACKAGE_DIR = Path(__file__).resolve().parent
# PDF engines of `mel report --pdf-engine` and MEL_PDF_ENGINE (here, so that the CLI's
# option needs no import of the report package and its pandas).
PDF_ENGINES = ("auto", "chromium", "weasyprint")
# Where dashboard figures of new data are made (MEL_DASHBOARD_WORKER).
DASHBOARD_WORKERS = ("process", "thread")
ENV_PREFIX = "MEL_"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class ConfigError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def project_path(name: str) -> Path:
    """Locate a top-level project folder (templates, migrations, surveys).

    In a source checkout or editable install it sits beside the package; an installed
    wheel carries it inside the package as `_<name>`.
    """
    for candidate in (PACKAGE_DIR.parent / name, PACKAGE_DIR / f"_{name}"):
        if candidate.is_dir():
            return candidate
    raise ConfigError(f"cannot find the {name!r} folder next to {PACKAGE_DIR}")


def default_instance_path() -> Path:
    """The instance folder: `instance/` of a source checkout, else `<prefix>/var/mel-instance`."""
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "mel").is_dir():
        return checkout / "instance"
    return Path(sys.prefix) / "var" / "mel-instance"


@dataclass(frozen=True)
class Settings:
    """mel's settings; each field is set by the environment variable ``MEL_<FIELD>``."""

    # Folder of the default SQLite database and the development server's key.
    instance_path: Path = field(default_factory=default_instance_path)
    # SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db. Empty: a SQLite file
    # `mel.sqlite` in the instance folder.
    database_url: str = ""
    # Signs sessions and forms; required by `gunicorn 'mel.wsgi:app'`. Empty: `mel serve`
    # and `mel demo` keep a development key in the instance folder.
    secret_key: str = ""
    # Where survey and programme files live. Empty: the project's `surveys/` folder.
    surveys_dir: str = ""
    # Address participants open, put before the links mel prints or mails (e.g.
    # https://mel.example.org).
    base_url: str = ""
    # Where invitation and reminder mails go: smtp://host:port, smtp+starttls://user:pass@host:587
    # or smtps://user:pass@host:465. Empty: .eml files in the instance folder's outbox/.
    smtp_url: str = ""
    # The From address of invitation and reminder mails (its domain ends their Message-IDs).
    mail_from: str = "mel <noreply@mel.invalid>"
    # No figure is shown for a group with fewer respondents.
    min_group_size: int = 10
    # Folder of the columnar frame cache (Parquet files keyed on the data version, shared by
    # the server processes). Empty: `frames/` in the instance folder; `off`: no cache.
    frame_cache: str = ""
    # Seconds a dashboard page waits for figures of new data before it shows the previous
    # figures with their time ("being updated") while the new ones are made in the background.
    dashboard_wait: float = 0.05
    # Where those figures are made: "process" (a worker process per server process, so the
    # computation does not slow the requests) or "thread" (a thread of the server process).
    dashboard_worker: str = "process"
    # A demo run (`mel demo`): throw-away secret key, relaxed cookies.
    demo: bool = False
    # A test run: throw-away secret key, relaxed cookies.
    testing: bool = False
    # Largest request body in bytes.
    max_content_length: int = 256 * 1024
    # Redis shared by every server process (redis://host:6379/0): rate limits and login
    # throttling count there unless MEL_RATELIMIT_STORAGE_URI names another store. Set it
    # when several workers or server groups run.
    redis_url: str = ""
    # Rate limits and login throttling: a `limits` storage URI (memory:// or redis://...).
    # Empty: MEL_REDIS_URL when set, else memory:// (each process counts by itself).
    ratelimit_storage_uri: str = ""
    # Prefix of the rate-limit keys, for a store shared with other applications.
    ratelimit_key_prefix: str = ""
    # Switch the participants' rate limits off.
    ratelimit_enabled: bool = True
    # Answer posts allowed per link.
    ratelimit_survey: str = "120 per minute"
    # Survey starts allowed per address.
    ratelimit_start: str = "60 per minute"
    # Failed staff logins: per account, and (much higher, so that colleagues behind one
    # address are not locked out by an attack on one account) per address.
    login_throttle: str = "10 per 10 minutes"
    # Failed staff logins allowed per address.
    login_throttle_address: str = "100 per 10 minutes"
    # A staff login lasts this long (hours).
    staff_session_hours: float = 8.0
    # Reverse proxies in front of mel that set X-Forwarded-For/-Proto (0: none; their
    # headers are then ignored, so a client cannot pick its own address).
    trusted_proxies: int = 0
    # Seconds to wait for a database connection (libpq connect_timeout, at least 2; also
    # the wait for a free pooled connection).
    db_connect_timeout: int = 5
    # Seconds a web request's SQL statement may run (PostgreSQL statement_timeout; a SQLite
    # statement is interrupted); 0: no limit.
    db_statement_timeout: float = 15.0
    # The same for commands (`mel ...`) and reports, which read more at once.
    db_command_statement_timeout: float = 600.0
    # Seconds a web request waits for a lock another connection holds (PostgreSQL
    # lock_timeout, SQLite busy timeout, at most 10 s): a blocked table fails fast; 0: up to
    # the statement timeout.
    db_lock_timeout: float = 5.0
    # Seconds a web request may leave a PostgreSQL transaction idle (its locks held) before
    # the server ends the session; 0: no limit.
    db_idle_in_transaction_timeout: float = 60.0
    # Seconds a request may run under gunicorn (mel/web/gunicorn_conf.py) before its worker
    # is replaced; a backstop for what no timeout above catches.
    request_timeout: float = 45.0
    # Secure staff cookies are always on outside debug, demo and test runs; this forces them on.
    session_cookie_secure: bool = False
    # How PDF reports are printed: chromium (tagged PDF with bookmarks), weasyprint (needs
    # `pip install 'mel[pdf]'` and Pango), or auto: Chromium when found, else WeasyPrint.
    pdf_engine: str = "auto"
    # The Chromium that prints PDFs. Empty: the first of chromium, chromium-browser,
    # google-chrome... on PATH.
    chromium: str = ""
    # Folder of pg_dump, pg_restore and psql for `mel db backup/restore` on PostgreSQL.
    # Empty: the one on PATH or under /usr/lib/postgresql/*/bin that matches the server.
    pg_bin_dir: str = ""

    @property
    def database(self) -> str:
        """The database URL in use (the default SQLite file when none is set)."""
        return self.database_url or f"sqlite:///{self.instance_path / 'mel.sqlite'}"

    @property
    def default_database(self) -> bool:
        """True when no database URL was set (the instance folder's SQLite file is used)."""
        return not self.database_url

    @property
    def ratelimit_store(self) -> str:
        """Where rate limits and login throttles count: the store set, Redis, or memory."""
        return self.ratelimit_storage_uri or self.redis_url or "memory://"

    @property
    def surveys(self) -> Path:
        """The folder of survey and programme files."""
        return Path(self.surveys_dir) if self.surveys_dir else project_path("surveys")

    def flask_config(self) -> dict[str, Any]:
        """The settings as Flask config keys (upper case), plus Flask's own derived ones."""
        values = {f.name.upper(): getattr(self, f.name) for f in fields(self)}
        values["DATABASE_URL"] = self.database
        values["RATELIMIT_STORAGE_URI"] = self.ratelimit_store
        values["SECRET_KEY"] = self.secret_key or None
        values["TESTING"] = self.testing
        values["SESSION_COOKIE_HTTPONLY"] = True
        values["SESSION_COOKIE_SAMESITE"] = "Lax"
        return values


_TYPES = get_type_hints(Settings)
NAMES = {f.name.upper() for f in fields(Settings)}


def _parse(name: str, raw: Any, source: str) -> Any:
    """Parse one value for field `name`, naming `source` (a variable or key) when it is wrong."""
    kind = _TYPES[name]
    if not isinstance(raw, str):
        if kind is float and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if kind is Path and isinstance(raw, os.PathLike):
            return Path(raw)
        if isinstance(raw, kind):
            return raw
        raise ConfigError(f"{source} must be {_KIND_WORDS[kind]}, not {raw!r}")
    text = raw.strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off", ""):
                return False
            raise ValueError
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text).expanduser()
    except ValueError:
        raise ConfigError(f"{source} must be {_KIND_WORDS[kind]}, not {raw!r}") from None
    return raw


_KIND_WORDS = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    Path: "a folder",
    str: "text",
}


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Return the settings: defaults, then ``MEL_*`` variables of `environ`, then `overrides`.

    `overrides` uses the upper-case names (``{"DATABASE_URL": ...}``); keys that are not mel
    settings are ignored here (the app passes them on to Flask).
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("MEL_TEST_"):
            continue
        name = key.removeprefix(ENV_PREFIX)
        if name not in NAMES:
            known = ", ".join(f"{ENV_PREFIX}{n}" for n in sorted(NAMES))
            raise ConfigError(f"unknown setting {key} (known: {known})")
        values[name.lower()] = _parse(name.lower(), raw, key)
    for key, raw in (overrides or {}).items():
        if key in NAMES:
            values[key.lower()] = _parse(key.lower(), raw, key)
    settings = Settings(**values)
    check(settings)
    return settings


def check(settings: Settings) -> None:
    """Refuse settings that are wrong whatever the run (a secret is checked by the app)."""
    if settings.min_group_size < 1:
        raise ConfigError(
            f"MEL_MIN_GROUP_SIZE must be a whole number >= 1, not {settings.min_group_size!r}"
        )
    if settings.pdf_engine.strip().lower() not in PDF_ENGINES:
        raise ConfigError(
            f"MEL_PDF_ENGINE must be one of {', '.join(PDF_ENGINES)}, not {settings.pdf_engine!r}"
        )
    if settings.dashboard_worker not in DASHBOARD_WORKERS:
        raise ConfigError(
            f"MEL_DASHBOARD_WORKER must be one of {', '.join(DASHBOARD_WORKERS)}, "
            f"not {settings.dashboard_worker!r}"
        )
    if settings.staff_session_hours <= 0:
        raise ConfigError("MEL_STAFF_SESSION_HOURS must be a number of hours > 0")
    for name in (
        "trusted_proxies",
        "db_connect_timeout",
        "db_statement_timeout",
        "db_command_statement_timeout",
        "db_lock_timeout",
        "db_idle_in_transaction_timeout",
    ):
        value = getattr(settings, name)
        if value < 0:
            raise ConfigError(f"MEL_{name.upper()} must be 0 or more, not {value!r}")
    if settings.redis_url and not settings.redis_url.startswith(REDIS_SCHEMES):
        raise ConfigError(
            f"MEL_REDIS_URL must start with redis://, rediss:// or unix://, "
            f"not {settings.redis_url!r}"
        )
    if settings.request_timeout <= 0:
        raise ConfigError("MEL_REQUEST_TIMEOUT must be a number of seconds > 0")
    store = settings.ratelimit_store
    if store.startswith(REDIS_SCHEMES) and importlib.util.find_spec("redis") is None:
        name = "MEL_RATELIMIT_STORAGE_URI" if settings.ratelimit_storage_uri else "MEL_REDIS_URL"
        raise ConfigError(
            f"{name} needs the Redis client, which is not installed: pip install 'mel[redis]'"
        )


def check_secret(settings: Settings, *, debug: bool) -> None:
    """Refuse to serve without MEL_SECRET_KEY outside debug, demo and test runs."""
    if not settings.secret_key and not (debug or settings.testing or settings.demo):
        raise ConfigError(
            "MEL_SECRET_KEY is not set. Set it to a long random value, e.g.\n"
            "  export MEL_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )


def replace(settings: Settings, **changes: Any) -> Settings:
    """Return `settings` with `changes` (lower-case field names) applied and checked."""
    new = dataclasses.replace(settings, **changes)
    check(new)
    return new
