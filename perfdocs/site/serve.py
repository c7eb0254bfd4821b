"""`perfdocs serve`: build, serve the output folder on localhost, rebuild on change.

The server serves the files `build` wrote, nothing else; the one addition is a tiny
script injected into HTML responses that polls `/__perfdocs/build-id` and reloads
the page after a rebuild. Changes are found by polling modification times, which
works everywhere without extra dependencies. A failed rebuild, whatever failed, keeps
the last good site (the build only swaps its folder in after success), reports why on
stderr and, without any record text, in a banner on every page, and the watcher goes on watching.

The server is local: it answers only requests whose Host header names the bound address
(or localhost) with its port, so a web page cannot read the site through DNS rebinding,
and it listens on a non-loopback address only when asked to (`allow_remote`).
"""

from __future__ import annotations

import functools
import html
import http.server
import ipaddress
import os
import socket
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
from perfdocs.validation import InvalidRecords, skipped_note

RELOAD_JS = b"""(function () {
  var first = null;
  function poll() {
    fetch("/__perfdocs/state", {cache: "no-store"}).then(function (r) { return r.text(); })
      .then(function (id) { if (first === null) first = id; else if (id !== first) location.reload(); })
      .catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""
SNIPPET = b'<script src="/__perfdocs/reload.js"></script>'

MAX_PATH = 1024
"""Longer request paths are not files of any site: a 404 without touching the disk."""


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1); names other than
    localhost count as remote: what they resolve to is not ours to know."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values `serve` answers: the bound address and localhost's names, with
    the port (and without it on port 80). Bound to every address, also this machine's name
    and addresses, so that --allow-remote is of use on a local network."""
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    if host in ("0.0.0.0", "::", ""):
        try:
            hostname = socket.gethostname()
            names |= {hostname, socket.getfqdn()} | set(socket.gethostbyname_ex(hostname)[2])
        except OSError:
            pass
    names = {f"[{n}]" if ":" in n and not n.startswith("[") else n for n in names if n}
    values = {f"{n}:{port}".lower() for n in names}
    if port == 80:
        values |= {n.lower() for n in names}
    return frozenset(values)


def error_banner(message: str) -> bytes:
    """A banner over every served page while the last rebuild has failed."""
    text = html.escape(message)
    return (
        '<div role="alert" style="position:fixed;top:0;left:0;right:0;z-index:9999;margin:0;padding:.5em 1em;'
        'background:#8b0000;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;max-height:40vh;overflow:auto">'
        f"perfdocs serve: the last rebuild failed; showing the last good site.\n{text}</div>"
    ).encode()


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

    def do_HEAD(self) -> None:
        if self._refused():
            return
        local = self._local()
        if local is None:
            return self._plain(404, "not found")
        if local.suffix == ".html" and local.is_file():
            return self._send(self._page(local), "text/html; charset=utf-8", head=True)
        return super().do_HEAD()

    def do_GET(self) -> None:
        if self._refused():
            return
        path = unquote(urlsplit(self.path).path)
        if path == "/__perfdocs/build-id":
            return self._send(str(self.server_ref.build_id).encode(), "text/plain; charset=utf-8")
        if path == "/__perfdocs/state":  # what the reload script polls: a rebuild, or a failed one
            state = f"{self.server_ref.build_id}/{self.server_ref.failures}"
            return self._send(state.encode(), "text/plain; charset=utf-8")
        if path == "/__perfdocs/reload.js":
            return self._send(RELOAD_JS, "text/javascript; charset=utf-8")
        local = self._local()
        if local is None:
            return self._plain(404, "not found")
        if local.suffix == ".html" and local.is_file():
            return self._send(self._page(local), "text/html; charset=utf-8")
        return super().do_GET()  # a file, or a folder without its '/': the standard redirect

    def _refused(self) -> bool:
        """Answer 421 unless the Host header names this server: a page on another site whose
        name was rebound to 127.0.0.1 sends its own name (DNS rebinding)."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host in self.server_ref.hosts:
            return False
        self._plain(421, "perfdocs serve answers only requests for " + self.server_ref.url)
        return True

    def _local(self) -> Path | None:
        """The site's file for the request path (a folder's index.html), or None: anything else,
        NUL bytes, very long or undecodable paths included, is not a file of the site."""
        raw = urlsplit(self.path).path
        if len(raw) > MAX_PATH:
            return None
        try:
            path = unquote(raw, errors="strict")
            if "\0" in path or "\\" in path:
                return None
            local = Path(self.translate_path(self.path))
            site = Path(self.directory).resolve()
            if local.is_dir():
                index = local / "index.html"
                if not raw.endswith("/"):  # pages link relatively: /rubric is redirected to /rubric/
                    return local if index.is_file() and local.resolve().is_relative_to(site) else None
                local = index
            if not local.is_file() or not local.resolve().is_relative_to(site):
                return None
        except (OSError, ValueError):
            return None
        return local

    def _page(self, local: Path) -> bytes:
        page = local.read_bytes()
        error = self.server_ref.error
        if error is not None:  # just inside <body ...>, or first if a page has none
            start = page.find(b"<body")
            end = page.find(b">", start) + 1 if start >= 0 else 0
            page = page[:end] + error_banner(error) + page[end:]
        at = page.rfind(b"</body>")
        return page[:at] + SNIPPET + page[at:] if at >= 0 else page + SNIPPET

    def _plain(self, status: int, message: str) -> None:
        body = (message + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send(self, body: bytes, ctype: str, head: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is no news; nothing a request does prints a traceback."""


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
        allow_remote: bool = False,
        viewer: str | None = None,
        strict: bool = True,
    ) -> None:
        if not is_loopback(host) and not allow_remote:
            raise PerfdocsError(
                f"--host {host} is not a loopback address: the site would be reachable from other machines; "
                "add --allow-remote to mean it"
            )
        self.root, self.out, self.audience = root, out, audience
        self.viewer = viewer
        self.strict = strict
        """Stop on any invalid record; else build from the valid ones and name the others."""
        """Whose personal preview is served (perfdocs/site/preview.py), or None."""
        self.templates = templates or template_dir()
        self.log = log
        self.interval = interval
        self.build_id = 0
        self.failures = 0
        self.error: str | None = None
        """Why the last rebuild failed, shown over every page until one succeeds."""
        self._stop = threading.Event()
        self._serving = False
        bound = type("BoundHandler", (Handler,), {"server_ref": self})
        handler = functools.partial(bound, directory=str(out))
        try:
            self.httpd = _HTTPServer((host, port), handler)
        except (OSError, OverflowError) as err:
            raise PerfdocsError(f"cannot listen on {host}:{port}: {getattr(err, 'strerror', None) or err}") from None
        self.hosts = allowed_hosts(host, self.port)
        self._state = snapshot(self.root, self.templates)
        self._watcher = threading.Thread(target=self._watch, name="perfdocs-watch", daemon=True)

    @property
    def port(self) -> int:
        return cast("tuple[str, int]", self.httpd.server_address[:2])[1]

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self.httpd.server_address[:2])  # an IP server: (host, port)
        return f"http://{host}:{port}/"

    def first_build(self) -> None:
        """The first build must succeed: its errors go to the caller (exit 1 or 2)."""
        result = build(self.root, self.out, self.audience, self.templates, viewer=self.viewer, strict=self.strict)
        self.build_id += 1
        self.log(f"built {result.pages} pages in {result.seconds:.1f}s")
        self._log_skipped(result.skipped)

    def rebuild(self) -> bool:
        try:
            result = build(self.root, self.out, self.audience, self.templates, viewer=self.viewer, strict=self.strict)
        except InvalidRecords as invalid:
            self.log(FORMATS["text"](invalid.report.diagnostics).rstrip("\n"))
            self.log("rebuild stopped: the records have errors; still serving the last good site")
            # The banner counts them and no more: a diagnostic may quote a record this
            # audience may not see, and the page may be on someone's shared screen.
            errors = invalid.report.errors
            return self._failed(
                f"{errors} error{'s' * (errors != 1)} in the records: see the terminal running perfdocs serve"
            )
        except PerfdocsError as err:
            self.log(f"rebuild failed: {err}; still serving the last good site")
            return self._failed(
                "the build stopped (a usage or environment error): see the terminal running perfdocs serve"
            )
        except Exception as err:  # a bug in the build must not end the watching: say it, go on
            what = f"{type(err).__name__}: {err}"
            self.log(f"rebuild failed (internal error, please report it): {what}; still serving the last good site")
            return self._failed(f"internal error ({type(err).__name__}): see the terminal running perfdocs serve")
        self.error = None
        self.build_id += 1
        self.log(
            f"rebuilt {result.pages} pages ({result.rendered} rendered, {result.reused} unchanged) "
            f"in {result.seconds:.1f}s"
        )
        self._log_skipped(result.skipped)
        return True

    def _log_skipped(self, skipped: list[str]) -> None:
        note = skipped_note(skipped, " (not published)")
        if note is not None:
            self.log(f"perfdocs: warning: {note}")

    def _failed(self, why: str) -> bool:
        self.error = why
        self.failures += 1
        return False

    def _watch(self) -> None:
        pause = self.interval
        while not self._stop.wait(pause):
            started = time.monotonic()
            try:
                state = snapshot(self.root, self.templates)
                # A huge records folder takes a while to scan: poll it less often, never more
                # than a fifth of the time, so watching never eats the machine.
                pause = max(self.interval, 4 * (time.monotonic() - started))
                if state != self._state:
                    self._state = state
                    self.rebuild()
            except Exception as err:  # the thread must outlive anything: next change, next try
                self.log(f"watching failed: {type(err).__name__}: {err}; still watching")

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
