"""The columnar frame cache: a wave's analysis frame as a Parquet file, keyed on its data version.

Building a frame decodes every complete response's JSON answers (about 1 s per 25,000
responses); reading the same frame from Parquet takes a few hundredths of that. The file's
name carries the data version (`mel.models.versions`: counters the database's triggers bump
when a complete response, the frame or a definition changes), so a file is never stale:
new data means a new name, and the old files of the frame are removed when the new one is
written.

Several processes share the folder: a file is written to a temporary name and renamed into
place (readers see the whole file or none), one process builds a frame while the others
wait for it (an exclusive lock file per frame), and a file that cannot be read (cut short,
damaged) is removed and built again. The attrs (labels, left-out counts, sampled units) are
pickled into the Parquet metadata; a frame whose columns Parquet cannot hold (an object
column of mixed types) is pickled whole instead.

The folder is the setting ``MEL_FRAME_CACHE`` (``off`` turns the cache off), by default
``frames/`` in the instance folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import pickle
import re
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from mel.models import DataVersion

ATTRS_KEY = b"mel.attrs"
OBJECTS_KEY = b"mel.object_columns"
OFF = "off"
_FOLDERS: weakref.WeakKeyDictionary[Engine, Path | None] = weakref.WeakKeyDictionary()
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def use_folder(engine: Engine, folder: str | Path | None) -> None:
    """Keep `engine`'s frames in `folder` (None or ``"off"``: no cache for this engine)."""
    _FOLDERS[engine] = None if folder is None or str(folder) == OFF else Path(folder)


def folder_for(engine: Engine) -> Path | None:
    """The cache folder of `engine`: as set by `use_folder`, else from the settings."""
    if engine in _FOLDERS:
        return _FOLDERS[engine]
    from mel.settings import load_settings

    return settings_folder(load_settings())


def settings_folder(settings: Any) -> Path | None:
    """The cache folder a `mel.settings.Settings` names (None: the cache is off)."""
    if settings.frame_cache.strip().lower() == OFF:
        return None
    return Path(settings.frame_cache) if settings.frame_cache else settings.instance_path / "frames"


def data_version(connection: Connection, wave_id: int) -> str:
    """The version of everything a frame of the wave is built from, as a file name part."""
    scopes = ["database", "design", f"wave:{wave_id}"]
    found = dict(
        connection.execute(
            select(DataVersion.scope, DataVersion.version).where(col(DataVersion.scope).in_(scopes))
        ).all()
    )
    return "-".join(str(found.get(scope, 0)) for scope in scopes)


def cache_path(folder: Path, url: str, names: tuple[str, ...], version: str) -> Path:
    """Where one frame of one data version lives: a folder per database and frame."""
    database = hashlib.sha256(url.encode()).hexdigest()[:16]
    safe = "_".join(re.sub(r"[^A-Za-z0-9.-]", "-", name) for name in names)
    return folder / database / safe / f"{version}.parquet"


def cached_frame(
    engine: Engine,
    names: tuple[str, ...],
    version: str,
    build: Callable[[], pd.DataFrame],
    current: Callable[[], str] | None = None,
) -> pd.DataFrame:
    """The frame stored under (`names`, `version`), built by `build` and stored if missing.

    `current` reads the data version again: when it has changed while the frame was built
    (an erasure, say, whose `clear` ran before this file was written), the file just
    written is removed at once, so no answer outlives its erasure on disk.
    """
    folder = folder_for(engine)
    if folder is None:
        return build()
    url = engine.url.render_as_string(hide_password=True)
    path = cache_path(folder, url, names, version)
    found = read(path)
    if found is not None:
        return found
    with _building(path):
        found = read(path)  # another thread or process may have built it meanwhile
        if found is not None:
            return found
        data = build()
        written = write(path, data)
        if current is not None and current() != version:
            written.unlink(missing_ok=True)
    return data


@contextlib.contextmanager
def _building(path: Path) -> Iterator[None]:
    """Hold this frame's build lock: a thread lock in the process, a file lock across them."""
    with _LOCKS_LOCK:
        lock = _LOCKS.setdefault(str(path.parent), threading.Lock())
    with lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.parent / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def read(path: Path) -> pd.DataFrame | None:
    """The frame in `path`, or None when there is none or it cannot be read (then removed)."""
    for candidate, reader in ((path, _read_parquet), (path.with_suffix(".pickle"), _read_pickle)):
        try:
            return reader(candidate)
        except FileNotFoundError:
            continue
        except Exception:  # cut short or damaged: build it again
            with contextlib.suppress(OSError):
                candidate.unlink()
            return None
    return None


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return _from_table(pq.read_table(path, page_checksum_verification=True))


def _to_table(data: pd.DataFrame) -> Any:
    """`data` as an Arrow table that keeps its attrs and which columns hold objects."""
    import pyarrow as pa

    with warnings.catch_warnings():  # pandas cannot put the attrs in JSON: pickled
        warnings.simplefilter("ignore", UserWarning)
        table = pa.Table.from_pandas(data)
    kinds = data.dtypes.items()
    objects = [str(name) for name, kind in kinds if pd.api.types.is_object_dtype(kind)]
    metadata = {
        **(table.schema.metadata or {}),
        ATTRS_KEY: pickle.dumps(dict(data.attrs)),
        OBJECTS_KEY: json.dumps(objects).encode(),
    }
    return table.replace_schema_metadata(metadata)


def pack(data: pd.DataFrame) -> bytes | pd.DataFrame:
    """`data` as compressed Arrow IPC bytes in memory (a tenth of the frame or less, its
    types kept exactly), or `data` itself when Arrow cannot hold it; `unpack` gives the
    frame back."""
    import pyarrow as pa

    try:
        table = _to_table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return data
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def unpack(packed: bytes | pd.DataFrame) -> pd.DataFrame:
    """The frame `pack` gave."""
    import pyarrow as pa

    if isinstance(packed, pd.DataFrame):
        return packed
    return _from_table(pa.ipc.open_stream(pa.BufferReader(packed)).read_all())


def _from_table(table: Any) -> pd.DataFrame:
    """The frame `_to_table` made."""
    metadata = table.schema.metadata or {}
    data = table.to_pandas()
    for name in json.loads(metadata[OBJECTS_KEY]):
        # Object columns (text answers with None for missing) stay objects, as built.
        values = np.empty(len(data), dtype=object)
        values[:] = table.column(name).to_pylist()
        data[name] = pd.Series(values, index=data.index, dtype=object)
    data.attrs.update(pickle.loads(metadata[ATTRS_KEY]))
    return data


def _read_pickle(path: Path) -> pd.DataFrame:
    with open(path, "rb") as handle:
        data = pickle.load(handle)
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{path} holds no frame")
    return data


def write(path: Path, data: pd.DataFrame) -> Path:
    """Store `data` in `path` atomically and remove the frame's files of older versions;
    return the file written (`path`, or beside it with ``.pickle``)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        try:
            pq.write_table(_to_table(data), temporary, write_page_checksum=True)
            target = path
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            with open(temporary, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            target = path.with_suffix(".pickle")
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    for old in path.parent.iterdir():
        if _older(old.name, target.name):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    return target


def clear(engine: Engine) -> int:
    """Remove every cached frame of `engine`'s database; return how many files went."""
    folder = folder_for(engine)
    if folder is None:
        return 0
    url = engine.url.render_as_string(hide_password=True)
    database = cache_path(folder, url, ("x",), "0").parent.parent
    removed = 0
    for file in database.glob("*/*"):
        if file.suffix in (".parquet", ".pickle"):
            file.unlink(missing_ok=True)
            removed += 1
    return removed


def _older(name: str, than: str) -> bool:
    """Whether the file `name` holds a version before `than` (same database, no part newer)."""
    try:
        old = [int(part) for part in name.split(".")[0].split("-")]
        new = [int(part) for part in than.split(".")[0].split("-")]
    except ValueError:
        return False
    return (
        len(old) == len(new)
        and old[0] == new[0]
        and old != new
        and all(a <= b for a, b in zip(old[1:], new[1:], strict=True))
    )
