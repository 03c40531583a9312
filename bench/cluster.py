"""Scale-out for the load test: gunicorn groups on their own ports behind nginx or HAProxy.

Each group is one gunicorn master (its own process session) with its workers; the proxy
(Debian's nginx or HAProxy, run as an ordinary process with a configuration, pid file and
logs in a temporary folder, on high loopback ports) spreads requests over the groups. A
group can be killed with SIGKILL on its master, as a crash would; its workers notice their
parent is gone, finish the requests they hold and exit.

The proxies retry a request on the other group only when it could not be sent at all
(connection refused): a POST that reached a dying group is not sent twice by the proxy.
The participant (here the load generator) presses again, which mel's idempotent posts and
exactly-once submission make safe.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
PROXIES = ("nginx", "haproxy")


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def process_cpu_seconds(pids: set[int]) -> float:
    """User+system CPU seconds of the processes `pids` and their children (Linux /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) in pids or int(fields[1]) in pids:  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_up(port: int, what: str, path: str = "/healthz", seconds: float = 30) -> None:
    """Wait until `path` answers on `port`; raise naming `what` when it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer on port {port} within {seconds:.0f} s")


def server_command(server: str, app: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line of one group: gunicorn (mel's settings file, with its watchdog), or
    granian (Rust HTTP server, the WSGI app run on its blocking threads) as a peer."""
    if server == "granian":
        return [
            sys.executable, "-m", "granian", "--interface", "wsgi", "--host", HOST,
            "--port", str(port), "--workers", str(workers), "--blocking-threads", str(threads),
            "--backlog", "2048", "--log-level", "warning", "--no-access-log", app,
        ]  # fmt: skip
    return [
        sys.executable, "-m", "gunicorn", "-c", "python:mel.web.gunicorn_conf",
        "-w", str(workers), "-k", "gthread", "--threads", str(threads),
        "--keep-alive", "30", "--backlog", "2048", "--graceful-timeout", "10",
        "-b", f"{HOST}:{port}", "--log-level", "warning", app,
    ]  # fmt: skip


@dataclass
class Group:
    """One gunicorn master and its workers, listening on `port`."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    killed: bool = False

    @property
    def pid(self) -> int:
        """The master's process id."""
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the master, as a crash would (its workers stop by themselves)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.killed = True

    def stop(self) -> None:
        """Stop the group: its master gracefully, then whatever of its session is left."""
        if not self.killed and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        try:  # orphaned workers of a killed master: the session this script started
            os.killpg(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def nginx_config(folder: Path, port: int, upstreams: list[int]) -> str:
    """An nginx configuration that runs unprivileged from `folder`, proxying to `upstreams`."""
    servers = "\n".join(f"    server {HOST}:{p} max_fails=1 fail_timeout=10s;" for p in upstreams)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers can use `folder`
    return f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {folder}/client_body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  upstream mel {{
{servers}
    keepalive 64;
  }}
  server {{
    listen {HOST}:{port} backlog=2048;
    keepalive_timeout 60s;
    keepalive_requests 100000;
    location / {{
      proxy_pass http://mel;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


def haproxy_config(folder: Path, port: int, upstreams: list[int]) -> str:
    """A HAProxy configuration (pid file in `folder`) proxying to `upstreams`, health-checked."""
    servers = "\n".join(
        f"  server g{n} {HOST}:{p} check inter 1s fall 3 rise 2" for n, p in enumerate(upstreams, 1)
    )
    return f"""global
  maxconn 8192
  nbthread 1
  pidfile {folder}/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  timeout check 10s
  retries 3
  option redispatch 1
  retry-on conn-failure
frontend web
  bind {HOST}:{port}
  option forwardfor
  default_backend mel
backend mel
  balance roundrobin
  http-reuse safe
  option httpchk GET /healthz
{servers}
"""


def proxy_command(kind: str, config: Path, folder: Path) -> list[str]:
    """The command line that runs the proxy `kind` in the foreground on `config`."""
    if kind == "nginx":
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        return [binary, "-e", str(folder / "nginx-error.log"), "-p", str(folder), "-c", str(config)]
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    return [binary, "-db", "-f", str(config)]


@dataclass
class Cluster:
    """What clients talk to (`port`), the groups behind it, and the proxy's process."""

    port: int
    groups: list[Group]
    proxy: subprocess.Popen[bytes] | None = None
    killed_cpu: float = 0.0
    logs: list[Path] = field(default_factory=list)

    def server_pids(self) -> set[int]:
        """The masters of the groups still running."""
        return {g.pid for g in self.groups if not g.killed}

    def server_cpu(self) -> float:
        """CPU seconds of the app servers so far (a killed group: up to its kill)."""
        return process_cpu_seconds(self.server_pids()) + self.killed_cpu

    def proxy_cpu(self) -> float:
        """CPU seconds of the proxy so far."""
        return process_cpu_seconds({self.proxy.pid}) if self.proxy else 0.0

    def kill(self, index: int) -> Group:
        """SIGKILL the master of group `index` (counting its CPU so far)."""
        group = self.groups[index]
        self.killed_cpu += process_cpu_seconds({group.pid})
        group.kill()
        return group

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of every log, for an error message."""
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in self.logs
            if log.exists()
        )


@contextmanager
def cluster(
    app: str,
    env: Mapping[str, str],
    *,
    groups: int = 1,
    proxy: str = "none",
    server: str = "gunicorn",
    workers: int = 1,
    threads: int = 4,
    cwd: Path | None = None,
    folder: Path,
) -> Iterator[Cluster]:
    """Run `groups` groups of `server` serving `app`, behind `proxy` (or none: one group).

    Configurations, pid files and logs go to `folder`; everything started is stopped on
    the way out, killed groups' orphaned workers included.
    """
    if proxy not in ("none", *PROXIES):
        raise ValueError(f"--proxy must be none, nginx or haproxy, not {proxy!r}")
    if proxy == "none" and groups != 1:
        raise ValueError("several groups need a proxy in front of them (--proxy nginx|haproxy)")
    with ExitStack() as stack:
        running: list[Group] = []
        logs: list[Path] = []
        for number in range(1, groups + 1):
            port = free_port()
            log = folder / f"group{number}.log"
            logs.append(log)
            with log.open("wb") as output:
                process = subprocess.Popen(
                    server_command(server, app, port, workers, threads),
                    cwd=cwd,
                    env=dict(env),
                    stdout=output,
                    stderr=output,
                    start_new_session=True,  # its own process group, to stop orphans later
                )
            group = Group(f"group{number}", port, process)
            stack.callback(group.stop)
            running.append(group)
        result = Cluster(running[0].port, running, logs=logs)
        for group in running:
            try:
                wait_up(group.port, f"{server} {group.name}")
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{result.log_tail()}") from None
        if proxy != "none":
            result.port = free_port()
            render = nginx_config if proxy == "nginx" else haproxy_config
            config = folder / f"{proxy}.conf"
            config.write_text(render(folder, result.port, [g.port for g in running]))
            log = folder / f"{proxy}.log"
            logs.append(log)
            with log.open("wb") as output:
                result.proxy = subprocess.Popen(
                    proxy_command(proxy, config, folder),
                    stdout=output,
                    stderr=output,
                    start_new_session=True,
                )
            stack.callback(_stop, result.proxy)
            try:
                wait_up(result.port, proxy)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}\n{result.log_tail()}") from None
        yield result


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this module started."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
