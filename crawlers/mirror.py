"""A local mirror server: recorded pages under their real URL paths, on 127.0.0.1.

Used by the end-to-end tests and the benchmark (with `CCKB_SOURCE_BASE_URL` pointing at it), and
handy for re-crawling a saved copy of a site. A path ending in `/` or naming a directory serves
its `index.html` / `index.json`. The query string is ignored unless a recording is saved as
`<path>?<query>` (wget's naming; for sites that tell pages apart by query only, such as the IRB's
`index.aspx?doc=N`). `routes` lets a test replace any path, `/robots.txt` included, with a
hostile behaviour (errors, stalls, oversized bodies, redirects, block pages); `times` keeps when
each request arrived (monotonic clock), for politeness tests.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

Route = Callable[[BaseHTTPRequestHandler], None]
TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".json": "application/json", ".txt": "text/plain; charset=utf-8",
         ".pdf": "application/pdf"}
DEFAULT_ROBOTS = "User-agent: *\nDisallow:\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a concurrent crawler must not hit a full listen backlog


class MirrorServer:
    def __init__(self, roots: list[Path], robots: str = DEFAULT_ROBOTS,
                 routes: dict[str, Route] | None = None) -> None:
        self.roots, self.robots, self.routes = roots, robots, dict(routes or {})
        self.hits: dict[str, int] = {}
        self.times: list[tuple[float, str]] = []  # (time.monotonic(), path) per request
        self.not_modified = 0
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def __enter__(self) -> MirrorServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def find(self, path: str) -> Path | None:
        rel = path.lstrip("/")
        for root in self.roots:
            target = root / rel
            if target.is_dir() or path.endswith("/"):
                for name in ("index.html", "index.json"):
                    if (target / name).is_file():
                        return target / name
            elif target.is_file():
                return target
        return None

    def find_query(self, path: str, query: str) -> Path | None:
        """A recording of this exact query (`index.aspx?doc=1` next to `index.aspx`)."""
        if not query:
            return None
        for root in self.roots:
            target = root / f"{path.lstrip('/')}?{query}"
            try:
                if target.is_file():
                    return target
            except OSError:  # e.g. a long API query: longer than any file name can be
                continue
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                split = urlsplit(self.path)
                path = split.path
                with server._lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                    server.times.append((time.monotonic(), path))
                if path in server.routes:
                    return server.routes[path](self)
                if path == "/robots.txt":
                    return self.send_bytes(server.robots.encode(), "text/plain")
                file = server.find_query(path, split.query) or server.find(path)
                if file is None:
                    return self.send_bytes(b"<h1>Not found</h1>", "text/html", status=404)
                self.send_file(file)

            def send_file(self, file: Path) -> None:
                """A static file with validators, revalidated on every use (max-age=0)."""
                data = file.read_bytes()
                modified = email.utils.formatdate(int(file.stat().st_mtime), usegmt=True)
                etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
                if (self.headers.get("If-None-Match") == etag
                        or self.headers.get("If-Modified-Since") == modified):
                    with server._lock:
                        server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                ctype = TYPES.get(file.suffix) or (
                    "application/json" if data.lstrip()[:1] in (b"{", b"[") else "text/html")
                self.send_bytes(data, ctype, headers={"Last-Modified": modified, "ETag": etag,
                                                      "Cache-Control": "max-age=0"})

            def send_bytes(self, data: bytes, ctype: str, status: int = 200,
                           headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout, or a body over its size limit)

        return Handler
