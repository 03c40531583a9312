"""Register files: read, check against their declared source, store as versions, read back."""

from mel.data.registers.check import RegisterProblems
from mel.data.registers.store import (
    ImportResult,
    UnknownSource,
    import_register,
    latest_rows,
    versions,
)

__all__ = [
    "ImportResult",
    "RegisterProblems",
    "UnknownSource",
    "import_register",
    "latest_rows",
    "versions",
]
