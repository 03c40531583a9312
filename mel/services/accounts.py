"""Staff accounts: roles, argon2 password hashes, programme access, demo logins."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.data.wave_kinds import census_wave_ids
from mel.db import session_scope
from mel.models import Programme, Response, Unit, Wave, utcnow
from mel.models.accounts import Membership, User
from mel.services import staff_sessions
from mel.services.roles import ROLES, UNIT_ROLES

ALL_PROGRAMMES = "*"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password that meets the length rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """Return the e-mail address trimmed and in lower case, or raise AccountError."""
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise AccountError(f"not an e-mail address: {email!r}")
    return email


def find_user(session: Session, email: str) -> User | None:
    """Return the account with this e-mail address, or None."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def _programmes(session: Session, codes: Iterable[str]) -> list[Programme]:
    found = []
    for code in codes:
        programme = session.exec(select(Programme).where(Programme.code == code)).first()
        if programme is None:
            raise AccountError(f"unknown programme {code!r}")
        found.append(programme)
    return found


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    programmes: Iterable[str],
    unit: str | None = None,
) -> User:
    """Create an account with access to `programmes` (`*` means every programme).

    A coordinator (`UNIT_ROLES`) belongs to one unit (its code in the one programme given)
    and sees that unit's profile only; other roles have no unit.
    """
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    unit_id = _unit_of(session, role, list(programmes), unit)
    email = normalise_email(email)
    if find_user(session, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    codes = list(programmes)
    everything = ALL_PROGRAMMES in codes
    rows = [] if everything else _programmes(session, codes)
    if not everything and not rows:
        raise AccountError("give at least one --programme (or '*' for all programmes)")
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        all_programmes=everything,
        unit_id=unit_id,
    )
    session.add(user)
    session.flush()
    for programme in rows:
        session.add(Membership(user_id=user.id, programme_id=programme.id))
    session.flush()
    return user


def _unit_of(session: Session, role: str, programmes: list[str], unit: str | None) -> int | None:
    """The unit id of a coordinator account (None for other roles); refuse a mismatch."""
    if role not in UNIT_ROLES:
        if unit is not None:
            raise AccountError(f"a {role} account has no unit (--unit is for coordinators)")
        return None
    if unit is None or len(programmes) != 1 or ALL_PROGRAMMES in programmes:
        raise AccountError("a coordinator needs one --programme and the code of its --unit")
    found = session.exec(
        select(Unit)
        .join(Programme, col(Programme.id) == Unit.programme_id)
        .where(Programme.code == programmes[0], Unit.code == unit)
    ).first()
    if found is None:
        raise AccountError(f"no unit {unit!r} in programme {programmes[0]!r}")
    return found.id


def set_active(session: Session, email: str, active: bool) -> User:
    """Enable or disable an account; disabling ends its sessions at once."""
    user = find_user(session, email)
    if user is None:
        raise AccountError(f"no account for {email.strip().lower()}")
    user.active = active
    user.session_version += 1
    session.add(user)
    staff_sessions.end_all(session, user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Store a new password and end the account's sessions (the caller may start a new one)."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.add(user)
    staff_sessions.end_all(session, user)
    session.flush()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active account matching e-mail and password, or None."""
    user = find_user(session, email)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    return user


def programme_codes(session: Session, user: User) -> list[str]:
    """Return the codes of the programmes the account may see, sorted."""
    query = select(Programme.code)
    if not user.all_programmes:
        query = query.join(Membership, col(Membership.programme_id) == Programme.id).where(
            Membership.user_id == user.id
        )
    return sorted(session.exec(query).all())


def may_see(session: Session, user: User, programme: Programme) -> bool:
    """Whether the account may see this programme."""
    if user.all_programmes:
        return True
    return session.get(Membership, (user.id, programme.id)) is not None


def list_users(session: Session) -> list[tuple[User, list[str]]]:
    """Return every account with its programme codes, by e-mail."""
    users = session.exec(select(User).order_by(col(User.email))).all()
    return [
        (u, [ALL_PROGRAMMES] if u.all_programmes else programme_codes(session, u)) for u in users
    ]


def create_demo_users(engine: Engine) -> list[tuple[str, str, str, list[str]]]:
    """Create (or reset) one demo login per role; return (email, password, role, programmes).

    The admin and researcher see every programme; the staff member sees the first one; the
    coordinator is that of the first unit that reported in the newest progress measurement.
    Passwords are random per call and printed by `mel demo`, never stored in clear.
    """
    logins = []
    with session_scope(engine) as session:
        codes = sorted(session.exec(select(Programme.code)).all())
        plan = [("admin", [ALL_PROGRAMMES]), ("researcher", [ALL_PROGRAMMES]), ("staff", codes[:1])]
        coordinator = _demo_unit(session)
        if coordinator is not None:
            plan.append(("coordinator", [coordinator[0]]))
        for role, programmes in plan:
            if not programmes:
                continue
            email = f"{role}@demo.mel.invalid"
            password = secrets.token_urlsafe(12)
            user = find_user(session, email)
            if user is None:
                unit = coordinator[1] if role in UNIT_ROLES and coordinator else None
                create_user(
                    session,
                    email=email,
                    password=password,
                    role=role,
                    programmes=programmes,
                    unit=unit,
                )
            else:
                user.active = True
                set_password(session, user, password)
            logins.append((email, password, role, programmes))
    return logins


def _demo_unit(session: Session) -> tuple[str, str] | None:
    """(programme, unit code) of the demo's coordinator: the first unit that reported in the
    newest census wave of the first programme with a progress measurement (None: none)."""
    for programme in session.exec(select(Programme).order_by(col(Programme.code))).all():
        if not programme.progress or programme.id is None:
            continue
        census = census_wave_ids(session, programme.id)
        newest = session.exec(
            select(Wave)
            .where(col(Wave.id).in_(census))
            .order_by(col(Wave.year).desc(), col(Wave.id).desc())
        ).first()
        if newest is None:
            continue
        unit = session.exec(
            select(Unit.code)
            .join(Response, col(Response.unit_id) == Unit.id)
            .where(Response.wave_id == newest.id, Response.status == "complete")
            .order_by(col(Unit.code))
        ).first()
        if unit is not None:
            return programme.code, unit
    return None
