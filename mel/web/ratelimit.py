"""Rate limits on participants' posts: answers per link token, survey starts per address.

Counts live in the rate-limit store (`RATELIMIT_STORAGE_URI`: memory, or Redis shared by
all workers) under `RATELIMIT_KEY_PREFIX`, one fixed window per link token (or hashed
address) and endpoint. Only POSTs of the survey blueprint are counted: reading a page costs
nothing here. This is one `limits` call per post; Flask-Limiter did the same with about
0.5 ms of bookkeeping on every request, which mattered at hundreds of requests a second.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from typing import Any

from flask import Blueprint, Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from mel.services.invitations import hash_token
from mel.web.security import client_key

START_ENDPOINTS = {"survey.open_start", "survey.invitation_start"}
# A shared store (Redis) must answer quickly: a hung store must not hang requests.
STORE_TIMEOUT_S = 1.0
# After the shared store failed, this process counts by itself for this long, then retries.
STORE_RETRY_S = 10.0

log = logging.getLogger(__name__)


class Serialised:
    """A rate limiter whose calls run one at a time.

    limits' in-memory store is not safe for threads: two requests counting at the same
    moment can both start its expiry timer, and the second gets "threads can only be
    started once". Serialising costs nothing next to a request; Redis needs no lock.
    """

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._limiter, name)

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return locked


class WithFallback:
    """A limiter on a shared store that counts in this process while the store is down.

    A login must neither fail (a 500) nor go unthrottled because Redis is unreachable:
    while it is, counts are kept in memory (per process, so somewhat more attempts get
    through across workers), with a warning in the log; the shared store is tried again
    every `STORE_RETRY_S` seconds.
    """

    def __init__(self, shared: RateLimiter, strategy: type[RateLimiter], where: str) -> None:
        self._shared = shared
        self._local = Serialised(strategy(MemoryStorage()))
        self._where = where
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def storage(self) -> Any:
        """The shared store."""
        return self._shared.storage

    def __getattr__(self, name: str) -> Any:
        shared, local = getattr(self._shared, name), getattr(self._local, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if time.monotonic() >= self._down_until:
                try:
                    result = shared(*args, **kwargs)
                except Exception as exc:  # noqa: BLE001 - any failure of the store
                    self._store_failed(exc)
                else:
                    self._store_answered()
                    return result
            return local(*args, **kwargs)

        return call

    def _store_failed(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + STORE_RETRY_S
        if first:
            log.warning(
                "rate-limit store unavailable (%s at %s); counting in this process instead "
                "until it answers again",
                type(exc).__name__,
                self._where,
            )

    def _store_answered(self) -> None:
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            log.warning("rate-limit store at %s answers again", self._where)


def make_limiter(strategy: type[RateLimiter], storage_uri: str) -> Any:
    """Return a `strategy` limiter on the store at `storage_uri`.

    In memory its calls are serialised; a shared store (Redis) gets short socket timeouts
    and falls back to counting in memory while it is down.
    """
    scheme = storage_uri.split(":", 1)[0].lower()
    options = {}
    if scheme.startswith(("redis", "valkey")):
        options = {"socket_timeout": STORE_TIMEOUT_S, "socket_connect_timeout": STORE_TIMEOUT_S}
    storage = storage_from_string(storage_uri, **options)
    limiter = strategy(storage)
    if isinstance(storage, MemoryStorage):
        return Serialised(limiter)
    return WithFallback(limiter, strategy, _where(storage_uri))


def _where(storage_uri: str) -> str:
    """The store's address without a password, for the log."""
    scheme, _, rest = storage_uri.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}"


class PostLimits:
    """Counts posts per key in the configured store; refuses those over the limit."""

    def __init__(self, storage_uri: str, prefix: str = "") -> None:
        self.limiter = make_limiter(FixedWindowRateLimiter, storage_uri)
        self.prefix = prefix or "mel"

    def allow(self, limit: str, key: str, scope: str) -> bool:
        """Count one post under `key` and `scope`; False when it exceeds `limit`."""
        return self.limiter.hit(_parsed(limit), self.prefix, key, scope)


@functools.lru_cache(maxsize=32)
def _parsed(limit: str) -> RateLimitItem:
    """Parse a limit such as '120 per minute' once."""
    return parse(limit)


def limit_key() -> str:
    """Rate-limit survey posts per link token, and new starts per (hashed) address."""
    token = (request.view_args or {}).get("token")
    if token and request.endpoint not in START_ENDPOINTS:
        return "t:" + hash_token(token)[:24]
    return client_key()


def limit_value() -> str:
    """Return the limit that applies to this POST (settings RATELIMIT_START/_SURVEY)."""
    name = "RATELIMIT_START" if request.endpoint in START_ENDPOINTS else "RATELIMIT_SURVEY"
    return str(current_app.config[name])


def check_post() -> None:
    """Refuse a participant's POST over its limit with the friendly 429 page."""
    if request.method != "POST" or not current_app.config["RATELIMIT_ENABLED"]:
        return
    limits: PostLimits = current_app.extensions["mel.post_limits"]
    try:
        allowed = limits.allow(limit_value(), limit_key(), request.endpoint or "")
    except Exception as exc:  # the store is down: keep answers flowing, do not fail them all
        current_app.logger.warning("rate-limit store unavailable; post not counted: %s", exc)
        return
    if not allowed:
        abort(429)


def init_app(app: Flask, blueprint: Blueprint) -> None:
    """Count the blueprint's POSTs in the configured store."""
    app.extensions["mel.post_limits"] = PostLimits(
        str(app.config["RATELIMIT_STORAGE_URI"]), str(app.config.get("RATELIMIT_KEY_PREFIX", ""))
    )
    app.before_request_funcs.setdefault(blueprint.name, []).append(check_post)
