"""A minimal keep-alive HTTP/1.1 client on asyncio streams, for the load test (stdlib only).

A load generator must cost the 2-core machine little CPU next to the server it measures;
this one parses just what mel sends (status, headers, Content-Length bodies). A request
answered 502/503/504 (a proxy whose server died, a database that did not answer) is sent
again after a short pause, as a participant presses the button again.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
RETRY_STATUSES = (502, 503, 504)
RETRIES = 6  # pauses of 0.25, 0.5, ... 1.5 s: over 5 s in all


@dataclass
class Stats:
    """What the simulated respondents saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    completed: int = 0
    reconnects: int = 0
    retries: int = 0
    server_cpu: float = 0.0
    proxy_cpu: float = 0.0
    client_cpu: float = 0.0


class Browser:
    """One respondent's keep-alive HTTP/1.1 connection with a cookie jar (stdlib only)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port, self.stats, self.cookie = port, stats, ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, form: dict[str, str | list[str]] | None = None
    ) -> tuple[int, dict[str, str], str]:
        """Send one request, again after a 502/503/504; return status, headers and body.

        Its latency runs from the first try to the answer that counts.
        """
        start = time.perf_counter()
        for retry in range(RETRIES + 1):
            status, headers, body = await self.send(method, path, form)
            if status not in RETRY_STATUSES or retry == RETRIES:
                break
            self.stats.retries += 1
            await asyncio.sleep(0.25 * (retry + 1))
        self.stats.latencies.append(time.perf_counter() - start)
        return status, headers, body

    async def send(
        self, method: str, path: str, form: dict[str, str | list[str]] | None = None
    ) -> tuple[int, dict[str, str], str]:
        """Send one request once; return status, headers (lower-case) and body."""
        body = urlencode(form or {}, doseq=True).encode() if method == "POST" else b""
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            "Accept-Language: nl-NL",
            f"Content-Length: {len(body)}",
        ]
        if method == "POST":
            head.append("Content-Type: application/x-www-form-urlencoded")
        if self.cookie:
            head.append(f"Cookie: {self.cookie}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        for attempt in range(2):  # a keep-alive connection closed by the server: reconnect once
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            try:
                assert self.reader is not None
                self.writer.write(raw)
                await self.writer.drain()
                status, headers, text_body = await self._read(self.reader)
            except (ConnectionError, asyncio.IncompleteReadError, ValueError):
                await self.close()
                if attempt:
                    raise
                self.stats.reconnects += 1
                continue
            if "set-cookie" in headers:
                self.cookie = headers["set-cookie"].split(";", 1)[0]
            if headers.get("connection", "").lower() == "close":
                await self.close()
            return status, headers, text_body
        raise ConnectionError("unreachable")

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], str]:
        """Read one response: status line, headers, Content-Length body."""
        status_line = await reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        size = int(headers.get("content-length", "0"))
        return status, headers, (await reader.readexactly(size)).decode()

    async def close(self) -> None:
        """Close the connection."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
