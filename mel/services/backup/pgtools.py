"""Find PostgreSQL's client tools (pg_dump, pg_restore, psql) that can handle the server.

pg_dump refuses a server of a newer major version than its own, so a Debian client of
version 15 cannot back up a server of version 16. When `MEL_PG_BIN_DIR` is not set, the
tools on PATH and those of every installed version (``/usr/lib/postgresql/<major>/bin`` on
Debian, ``/usr/pgsql-<major>/bin`` on Red Hat) are considered, and the oldest major
version that is not older than the server is taken.
"""

from __future__ import annotations

import glob
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mel.services.backup.errors import BackupError

TOOLS = ("pg_dump", "pg_restore", "psql")
FOLDERS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/opt/homebrew/opt/postgresql@*/bin")
_VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class PgTools:
    """A folder holding pg_dump, pg_restore and psql of one major version."""

    folder: Path
    major: int

    def __getitem__(self, tool: str) -> str:
        """The path of `tool` (one of TOOLS)."""
        return str(self.folder / tool)


def tool_major(executable: Path) -> int | None:
    """The major version `executable --version` reports, or None when it does not run."""
    try:
        done = subprocess.run(
            [str(executable), "--version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(done.stdout)
    return int(match.group(1)) if done.returncode == 0 and match else None


def candidate_folders(bin_dir: str = "") -> list[Path]:
    """Folders that may hold pg_dump: `bin_dir` alone when set, else PATH's and the known ones."""
    if bin_dir:
        return [Path(bin_dir).expanduser()]
    folders: list[Path] = []
    on_path = shutil.which("pg_dump")
    if on_path:
        folders.append(Path(on_path).parent)
    for pattern in FOLDERS:
        folders.extend(Path(found) for found in sorted(glob.glob(pattern)))
    return list(dict.fromkeys(folders))


def choose(versions: list[tuple[Path, int]], server_major: int) -> tuple[Path, int] | None:
    """The folder with the oldest major version that is not older than the server's."""
    usable = [(folder, major) for folder, major in versions if major >= server_major]
    return min(usable, key=lambda item: item[1]) if usable else None


def find_tools(server_major: int, bin_dir: str = "") -> PgTools:
    """Return client tools able to dump and restore a server of major version `server_major`."""
    versions = []
    for folder in candidate_folders(bin_dir):
        major = tool_major(folder / "pg_dump") if (folder / "pg_dump").is_file() else None
        if major is not None:
            versions.append((folder, major))
    install = (
        f"install the PostgreSQL {server_major} client (Debian: apt-get install "
        f"postgresql-client-{server_major}) or set MEL_PG_BIN_DIR to the folder holding its "
        "pg_dump, pg_restore and psql"
    )
    where = (
        f" in {bin_dir} (MEL_PG_BIN_DIR)" if bin_dir else " on PATH or under /usr/lib/postgresql"
    )
    if not versions:
        raise BackupError(f"pg_dump was not found{where}: {install}")
    chosen = choose(versions, server_major)
    if chosen is None:
        found = ", ".join(f"{major} ({folder}/pg_dump)" for folder, major in versions)
        raise BackupError(
            f"pg_dump is older than the server (PostgreSQL {server_major}) and cannot back it "
            f"up: found version {found}; {install}"
        )
    folder, major = chosen
    missing = [tool for tool in TOOLS if not (folder / tool).is_file()]
    if missing:
        raise BackupError(f"{folder} has pg_dump but not {' or '.join(missing)}: {install}")
    return PgTools(folder, major)
