"""Dashboard figures kept on disk, so a fresh server process shows a page's last figures at once.

`mel.services.dashboard_cache.latest` keeps each page's figures (per page and filters: a
*slot*) in memory; a process that has just started has none, and its first view of a page
would compute them in the request (tens of seconds at a million responses). So the figures
are also written to one file per slot: a fresh process reads it and shows those figures, as
current when their data version is still the database's, else as the previous figures (with
their time) while new ones are made in the background.

The files live in ``figures/<database>/`` of the frame cache folder (`mel.data.frame_cache`,
``MEL_FRAME_CACHE``; ``off`` turns both off), a folder per database URL, and a file's name
is a hash of the database's token (`mel.models.versions`: a recreated or restored database
has a new one) and the slot, so another database's figures are never read. Several processes
share the folder: a file is written to a temporary name and renamed into place. At most
`MAX_FILES` files are kept per database (the oldest go). A file that cannot be read, or was
written by another mel version, is skipped (and removed) with a warning: the page then makes
its figures as if there were none. Erasure and purges remove the database's files
(`mel.services.scrub`), as they hold figures of the erased answers.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import threading
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from mel.data import frame_cache

FOLDER = "figures"
FORMAT = 1  # bump when the stored record changes shape
MAX_FILES = 1024  # per database; filters come from query strings, so slots are not bounded
SUFFIX = ".figures"
_PLAIN = (str, int, float, bool, type(None), date, datetime)

log = logging.getLogger(__name__)

Stored = tuple[tuple[Any, ...], Any, datetime]  # (slot and data version, figures, made at)


@functools.cache
def _mel_version() -> str:
    try:
        return metadata.version("mel")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "dev"


def folder_for(engine: Engine) -> Path | None:
    """The folder of `engine`'s database's figures (None: the frame cache is off)."""
    frames = frame_cache.folder_for(engine)
    if frames is None:
        return None
    url = engine.url.render_as_string(hide_password=True)
    return frames / FOLDER / hashlib.sha256(url.encode()).hexdigest()[:16]


def _plain(value: Any) -> bool:
    """Whether `value` is made of plain values only, so its repr is the same in every process."""
    if isinstance(value, tuple | list):
        return all(_plain(part) for part in value)
    return isinstance(value, _PLAIN)


def path_for(folder: Path, database: int, slot: tuple[Any, ...]) -> Path | None:
    """The file of `slot`'s figures in `folder` (None when the slot is not plain values)."""
    if not _plain(slot):
        log.warning("dashboard figures of slot %r are not kept on disk: not plain values", slot)
        return None
    name = hashlib.sha256(repr((FORMAT, database, slot)).encode()).hexdigest()
    return folder / f"{name}{SUFFIX}"


def load(path: Path, slot: tuple[Any, ...]) -> Stored | None:
    """The figures stored in `path` for `slot`, or None (none, unreadable, another version)."""
    try:
        with open(path, "rb") as handle:
            record = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # cut short, damaged, or classes that no longer exist
        _discard(path, f"cannot be read ({type(exc).__name__}: {exc})")
        return None
    try:
        fmt, version, full, value, made = record
        ok = fmt == FORMAT and version == _mel_version()
        ok = ok and isinstance(made, datetime) and tuple(full[: len(slot)]) == slot
    except Exception:
        ok = False
    if not ok:
        _discard(path, "was written by another version of mel or for another page")
        return None
    return tuple(full), value, made


def save(path: Path, full: tuple[Any, ...], value: Any, made: datetime) -> None:
    """Store a slot's figures in `path` atomically; on a disk error, log a warning."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            record = (FORMAT, _mel_version(), full, value, made)
            pickle.dump(record, handle, pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        _prune(path.parent)
    except Exception as exc:  # unwritable folder, full disk, figures pickle cannot hold
        log.warning("dashboard figures not kept in %s: %s: %s", path, type(exc).__name__, exc)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def _prune(folder: Path) -> None:
    """Keep at most `MAX_FILES` figure files in `folder`, removing the least recently written."""
    files = [entry for entry in os.scandir(folder) if entry.name.endswith(SUFFIX)]
    if len(files) <= MAX_FILES:
        return
    by_age = []
    for entry in files:
        with contextlib.suppress(FileNotFoundError):
            by_age.append((entry.stat().st_mtime, entry.path))
    by_age.sort()
    for _, old in by_age[: len(by_age) - MAX_FILES]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(old)


def _discard(path: Path, why: str) -> None:
    log.warning("dashboard figures in %s skipped and removed: the file %s", path, why)
    with contextlib.suppress(OSError):
        path.unlink()


def clear(engine: Engine) -> int:
    """Remove every stored figures file of `engine`'s database; return how many went."""
    folder = folder_for(engine)
    if folder is None or not folder.is_dir():
        return 0
    removed = 0
    for file in folder.iterdir():
        if file.name.endswith(SUFFIX) or file.name.endswith(".tmp"):
            file.unlink(missing_ok=True)
            removed += 1
    return removed
