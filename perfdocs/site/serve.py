"""`perfdocs serve`: build, serve the output folder on localhost, rebuild on change.

The server serves the files `build` wrote, nothing else; the one addition is a tiny
script injected into HTML responses that polls `/__perfdocs/build-id` and reloads
the page after a rebuild. Changes are found by polling modification times, which
works everywhere without extra dependencies. A failed rebuild keeps the last good
site (the build only swaps its folder in after success) and reports why.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from perfdocs.diagnostics import FORMATS
from perfdocs.errors import PerfdocsError
from perfdocs.site import build
from perfdocs.site.render import template_dir
from perfdocs.validation import InvalidRecords

RELOAD_JS = b"""(function () {
  var first = null;
  function poll() {
    fetch("/__perfdocs/build-id", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (id) { if (first === null) first = id; else if (id !== first) location.reload(); })
      .catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
SNIPPET = b'<script src="/__perfdocs/reload.js"></script>'


def snapshot(*folders: Path) -> frozenset[tuple[str, int, int]]:
    """(path, mtime_ns, size) of every file under the folders: changes when anything does."""
    seen = set()
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                seen.add((path, st.st_mtime_ns, st.st_size))
    return frozenset(seen)


class Handler(http.server.SimpleHTTPRequestHandler):
    server_ref: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == "/__perfdocs/build-id":
            return self._send(str(self.server_ref.build_id).encode(), "text/plain; charset=utf-8")
        if path == "/__perfdocs/reload.js":
            return self._send(RELOAD_JS, "text/javascript; charset=utf-8")
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            html = local.read_bytes()
            at = html.rfind(b"</body>")
            html = html[:at] + SNIPPET + html[at:] if at >= 0 else html + SNIPPET
            return self._send(html, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, ctype: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server:
    def __init__(
        self,
        root: Path,
        out: Path,
        audience: str,
        host: str = "127.0.0.1",
        port: int = 8000,
        log: Callable[[str], None] = print,
        interval: float = 0.5,
        templates: Path | None = None,
    ) -> None:
        self.root, self.out, self.audience = root, out, audience
        self.templates = templates or template_dir()
        self.log = log
        self.interval = interval
        self.build_id = 0
        self.failures = 0
        self._stop = threading.Event()
        self._serving = False
        bound = type("BoundHandler", (Handler,), {"server_ref": self})
        handler = functools.partial(bound, directory=str(out))
        try:
            self.httpd = http.server.ThreadingHTTPServer((host, port), handler)
        except OSError as err:
            raise PerfdocsError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
        self.httpd.daemon_threads = True
        self._state = snapshot(self.root, self.templates)
        self._watcher = threading.Thread(target=self._watch, name="perfdocs-watch", daemon=True)

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self.httpd.server_address[:2])  # an IP server: (host, port)
        return f"http://{host}:{port}/"

    def first_build(self) -> None:
        """The first build must succeed: its errors go to the caller (exit 1 or 2)."""
        result = build(self.root, self.out, self.audience, self.templates)
        self.build_id += 1
        self.log(f"built {result.pages} pages in {result.seconds:.1f}s")

    def rebuild(self) -> bool:
        try:
            result = build(self.root, self.out, self.audience, self.templates)
        except InvalidRecords as invalid:
            self.failures += 1
            self.log(FORMATS["text"](invalid.report.diagnostics).rstrip("\n"))
            self.log("rebuild stopped: the records have errors; still serving the last good site")
            return False
        except PerfdocsError as err:
            self.failures += 1
            self.log(f"rebuild failed: {err}; still serving the last good site")
            return False
        self.build_id += 1
        self.log(
            f"rebuilt {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged) "
            f"in {result.seconds:.1f}s"
        )
        return True

    def _watch(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            started = time.monotonic()
            state = snapshot(self.root, self.templates)
            # A huge records folder takes a while to scan: poll it less often, never more
            # than a fifth of the time, so watching never eats the machine.
            pause = max(self.interval, 4 * (time.monotonic() - started))
            if state != self._state:
                self._state = state
                self.rebuild()

    def start(self) -> None:
        """Serve and watch in background threads (for tests and embedding)."""
        self._watcher.start()
        self._serving = True
        threading.Thread(target=self.httpd.serve_forever, name="perfdocs-http", daemon=True).start()

    def serve_forever(self) -> None:
        self._watcher.start()
        self._serving = True
        self.httpd.serve_forever()

    def close(self) -> None:
        self._stop.set()
        if self._serving:
            self.httpd.shutdown()
        self.httpd.server_close()
