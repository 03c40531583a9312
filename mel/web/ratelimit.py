"""Rate limits on participants' posts: answers per link token, survey starts per address.

Counts live in the rate-limit store (`RATELIMIT_STORAGE_URI`: memory, or Redis shared by
all workers) under `RATELIMIT_KEY_PREFIX`, one fixed window per link token (or hashed
address) and endpoint. Only POSTs of the survey blueprint are counted: reading a page costs
nothing here. This is one `limits` call per post; Flask-Limiter did the same with about
0.5 ms of bookkeeping on every request, which mattered at hundreds of requests a second.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from flask import Blueprint, Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from mel.services.invitations import hash_token
from mel.web.security import client_key

START_ENDPOINTS = {"survey.open_start", "survey.invitation_start"}


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


def make_limiter(strategy: type[RateLimiter], storage_uri: str) -> Any:
    """Return a `strategy` limiter on the store at `storage_uri` (serialised in memory)."""
    storage = storage_from_string(storage_uri)
    limiter = strategy(storage)
    return Serialised(limiter) if isinstance(storage, MemoryStorage) else limiter


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
