"""`perfdocs serve` is local and safe (issue 18, item 5) and its watcher outlives any failed
rebuild (item 2): a real `perfdocs serve` on a free port of 127.0.0.1, real HTTP requests."""

from __future__ import annotations

import http.client
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfdocs.site.render import template_dir
from perfdocs.site.serve import Server

from tests.support.cli import PERFDOCS
from tests.support.files import TODAY, edit

LIMIT = 20.0


class Served:
    """A running `perfdocs serve` child: its port and the stderr lines it printed so far."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.port = 0
        deadline = time.monotonic() + LIMIT
        while not self.port:
            line = self.next_line(deadline)
            if line.startswith("serving http://"):
                self.port = int(line.split(":")[2].split("/")[0])

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, deadline: float) -> str:
        try:
            line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"perfdocs serve said nothing in time: {self.seen}") from None
        self.seen.append(line)
        return line

    def stderr(self) -> str:
        """Everything it printed on stderr, once stopped."""
        stop(self.proc)
        self.reader.join(LIMIT)
        while not self.lines.empty():
            self.seen.append(self.lines.get_nowait())
        return "\n".join(self.seen)

    def get(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", f"127.0.0.1:{self.port}" if host is None else host)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


def start(*args: object, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PERFDOCS_TODAY": TODAY, "NO_COLOR": "1"}
    env.pop("PERFDOCS_TRACEBACK", None)
    return subprocess.Popen(
        [*PERFDOCS, "serve", *map(str, args)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return ""


@pytest.fixture
def served(minimal: Path, tmp_path: Path) -> Iterator[Served]:
    proc = start("--records", minimal, "--out", tmp_path / "site", "--port", "0", cwd=tmp_path)
    try:
        yield Served(proc)
    finally:
        stop(proc)


def test_only_requests_for_this_server_are_answered(served):
    port = served.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = served.get("/", host=host)
        assert status == 200 and b"<html" in body, host
    for host in (
        "evil.example",
        f"evil.example:{port}",
        "127.0.0.1",
        f"127.0.0.1:{port + 1}",
        f"localhost.evil:{port}",
        "",
    ):
        status, body = served.get("/", host=host)
        assert status == 421, host
        assert body == f"perfdocs serve answers only requests for http://127.0.0.1:{port}/\n".encode(), host
        assert b"<html" not in body
        assert served.get("/__perfdocs/build-id", host=host)[0] == 421
        assert served.get("/", host=host, method="HEAD")[0] == 421


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/%00.html",
        "/index.html%00",
        "/..%2f..%2fetc%2fpasswd",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/" + "a" * 5000,
        "/" + "a/" * 2000,
        "/static/",
        "/%ff%fe",
        "/nowhere.html",
        "/rubric/../../../etc/hostname",
        "/static/..%5c..%5corg.yaml",
    ],
)
def test_a_path_that_is_not_a_file_of_the_site_is_a_404_never_a_traceback(served, path):
    status, body = served.get(path)
    assert status == 404, (path, body)
    assert body == b"not found\n"
    assert served.get("/")[0] == 200  # still serving
    assert "Traceback" not in served.stderr()


def test_the_site_is_still_served_as_before(served, tmp_path):
    status, body = served.get("/rubric/index.html")
    assert status == 200 and b"/__perfdocs/reload.js" in body
    assert served.get("/static/site.css") == (200, (tmp_path / "site/static/site.css").read_bytes())
    assert served.get("/rubric")[0] == 301  # a folder without its '/': redirected, as before
    assert served.get("/__perfdocs/state") == (200, b"1/0")


def test_a_remote_address_needs_allow_remote_and_a_warning(minimal, tmp_path):
    proc = start("--records", minimal, "--out", tmp_path / "site", "--port", "0", "--host", "0.0.0.0", cwd=tmp_path)
    try:
        _, err = proc.communicate(timeout=LIMIT)
    finally:
        stop(proc)
    assert proc.returncode == 2
    assert err == (
        "perfdocs: error: --host 0.0.0.0 is not a loopback address: the site would be reachable from other "
        "machines; add --allow-remote to mean it\n"
    )
    assert not (tmp_path / "site").exists()
    proc = start(
        "--records",
        minimal,
        "--out",
        tmp_path / "site",
        "--port",
        "0",
        "--host",
        "0.0.0.0",
        "--allow-remote",
        cwd=tmp_path,
    )
    try:
        served = Served(proc)
        warning = next(line for line in served.seen if "warning" in line)
        assert warning.startswith("perfdocs: warning: listening on 0.0.0.0: the public site built from ")
        assert f"is reachable by anyone who can reach this machine on port {served.port}" in warning
        assert served.get("/")[0] == 200
        assert served.get("/", host=f"evil.example:{served.port}")[0] == 421
    finally:
        stop(proc)


def test_the_watcher_survives_a_failing_rebuild_shows_it_and_rebuilds_on_the_next_change(minimal, tmp_path):
    """A template that raises something no build expects (ZeroDivisionError): the watcher logs it,
    every page carries a banner, and the next change builds again."""
    templates = tmp_path / "templates"
    shutil.copytree(template_dir(), templates)
    logs: list[str] = []
    srv = Server(minimal, tmp_path / "site", "public", port=0, log=logs.append, interval=0.1, templates=templates)
    srv.first_build()
    srv.start()
    try:
        page = templates / "base.html.j2"
        good = page.read_text()
        page.write_text(good.replace("</body>", "{{ 1 // 0 }}</body>", 1))
        assert wait_for(lambda: srv.failures == 1), logs
        assert srv._watcher.is_alive()
        assert any("rebuild failed (internal error, please report it): ZeroDivisionError" in line for line in logs)
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", "/")
        body = conn.getresponse().read()
        assert b"the last rebuild failed; showing the last good site" in body
        assert b"ZeroDivisionError" in body
        conn.request("GET", "/__perfdocs/state")
        assert conn.getresponse().read() == b"1/1"  # open pages reload to show the banner
        conn.close()
        page.write_text(good)
        assert wait_for(lambda: srv.build_id == 2), logs
        edit(minimal / "matrices/backend.yaml", "Asks good questions.", "Asks sharp questions.")
        assert wait_for(lambda: srv.build_id == 3), logs
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", "/rubric/backend/index.html")
        body = conn.getresponse().read()
        conn.close()
        assert b"Asks sharp questions." in body and b"the last rebuild failed" not in body
    finally:
        srv.close()


def wait_for(predicate, seconds: float = LIMIT) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_failed_rebuild_banner_never_quotes_a_record(minimal, tmp_path):
    """Records that stop a rebuild are reported on the terminal; the banner on the served (here
    public) pages counts the errors and quotes nothing, so a private record's text never reaches
    a page through it."""
    logs: list[str] = []
    srv = Server(minimal, tmp_path / "site", "public", port=0, log=logs.append, interval=0.1)
    srv.first_build()
    srv.start()
    try:
        person = minimal / "people/ann/person.yaml"
        person.write_text(person.read_text() + "salaryZZPRIVATE: 1\n")  # an error that names the field
        assert wait_for(lambda: srv.failures == 1), logs
        assert any("salaryZZPRIVATE" in line for line in logs)  # the terminal says what and where
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", "/")
        body = conn.getresponse().read()
        conn.close()
        assert b"the last rebuild failed" in body and b"in the records: see the terminal running perfdocs serve" in body
        assert b"ZZPRIVATE" not in body and b"people/ann" not in body
    finally:
        srv.close()
