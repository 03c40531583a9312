"""Reproducible random streams: one numpy Generator per named purpose, ids from them."""

from __future__ import annotations

import zlib

import numpy as np


def _key(part: object) -> int:
    """A stable 32-bit number for a key part (Python's hash() is salted per process)."""
    if isinstance(part, int):
        return part & 0xFFFFFFFF
    return zlib.crc32(str(part).encode("utf-8"))


def stream(seed: int, *keys: object) -> np.random.Generator:
    """Return the Generator of `seed` for a purpose named by `keys` (same keys, same draws)."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=tuple(_key(k) for k in keys))
    return np.random.default_rng(sequence)


def uuids(rng: np.random.Generator, n: int) -> list[str]:
    """Return `n` version-4 UUID strings drawn from `rng` (never from the OS)."""
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.tobytes().hex()
    return [
        f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        for h in (text[32 * i : 32 * i + 32] for i in range(n))
    ]


def hex_ids(rng: np.random.Generator, n: int, length: int = 40) -> list[str]:
    """Return `n` random lower-case hex strings of `length` characters drawn from `rng`."""
    size = (length + 1) // 2
    raw = rng.bytes(size * n).hex()
    step = 2 * size
    return [raw[step * i : step * i + length] for i in range(n)]
