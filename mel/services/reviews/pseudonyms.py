"""Pseudonyms of units for quotes and exports: "pps 017" instead of the partnership's name.

A unit's number is its rank, within its programme and kind, in the order of a keyed hash
(HMAC-SHA256 with the app's secret) of its code: the same unit keeps its pseudonym as long
as the units register does not change, and without the key nobody can tell which
partnership "pps 017" is (codes are sorted by something no one can compute).
"""

from __future__ import annotations

import hashlib
import hmac

from sqlmodel import Session, select

from mel.models import Unit


def _key(secret: str, programme_id: int, code: str) -> str:
    message = f"unit-pseudonym:{programme_id}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def pseudonyms(session: Session, programme_id: int, secret: str) -> dict[int, str]:
    """Return unit id -> pseudonym ("pps 017", "region 003") for the programme's units."""
    units = session.exec(
        select(Unit.id, Unit.code, Unit.kind).where(Unit.programme_id == programme_id)
    ).all()
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for unit_id, code, kind in units:
        assert unit_id is not None
        by_kind.setdefault(kind, []).append((_key(secret, programme_id, code), unit_id))
    names = {}
    for kind, keyed in by_kind.items():
        width = max(3, len(str(len(keyed))))
        for rank, (_, unit_id) in enumerate(sorted(keyed), start=1):
            names[unit_id] = f"{kind} {rank:0{width}d}"
    return names
