"""Staff logins kept server-side, so that logging out (or a password change, or disabling
the account) ends them at once: the signed cookie holds only a random key, the
`staffsession` table its hash, the account and when the login expires."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session, col, delete, select

from mel.models import utcnow
from mel.models.accounts import StaffSession, User


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(db: Session, user: User, hours: float) -> str:
    """Record a new login of `user` lasting `hours`; return its key for the cookie.

    Expired logins of every account are purged on the way (one indexed DELETE).
    """
    assert user.id is not None
    now = utcnow()
    db.exec(delete(StaffSession).where(col(StaffSession.expires_at) <= now))
    key = secrets.token_urlsafe(32)
    db.add(
        StaffSession(
            key_hash=_hash(key),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.flush()
    return key


def user_of(db: Session, key: str) -> User | None:
    """Return the account of a login that has not ended or expired, else None."""
    return db.exec(
        select(User)
        .join(StaffSession, col(StaffSession.user_id) == col(User.id))
        .where(StaffSession.key_hash == _hash(key), col(StaffSession.expires_at) > utcnow())
    ).first()


def end(db: Session, key: str) -> None:
    """End one login (logout)."""
    db.exec(delete(StaffSession).where(col(StaffSession.key_hash) == _hash(key)))


def end_all(db: Session, user: User) -> None:
    """End every login of `user` (password change, disabling)."""
    db.exec(delete(StaffSession).where(col(StaffSession.user_id) == user.id))
