"""`perfdocs serve`: serves what build wrote, rebuilds on change, keeps the last good site."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from perfdocs.site.serve import SNIPPET, Server

from tests.support.files import edit


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_for(predicate, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def server(minimal, tmp_path):
    logs: list[str] = []
    srv = Server(minimal, tmp_path / "site", "public", port=0, log=logs.append, interval=0.1)
    srv.first_build()
    srv.start()
    srv.logs = logs
    yield srv
    srv.close()


def test_serves_the_built_files_with_only_the_reload_script_added(server, tmp_path):
    status, body = get(server.url + "rubric/index.html")
    assert status == 200
    on_disk = (tmp_path / "site/rubric/index.html").read_bytes()
    assert body == on_disk.replace(b"</body>", SNIPPET + b"</body>")
    status, css = get(server.url + "static/site.css")
    assert (status, css) == (200, (tmp_path / "site/static/site.css").read_bytes())
    assert get(server.url)[1] == (tmp_path / "site/index.html").read_bytes().replace(b"</body>", SNIPPET + b"</body>")
    assert get(server.url + "__perfdocs/build-id") == (200, b"1")
    assert get(server.url + "nowhere.html")[0] == 404
    assert get(server.url + "../../etc/passwd")[0] == 404


def test_rebuilds_when_a_record_changes(server, minimal):
    edit(minimal / "matrices/backend.yaml", "Asks good questions.", "Asks sharp questions.")
    assert wait_for(lambda: get(server.url + "__perfdocs/build-id")[1] == b"2"), server.logs
    assert b"Asks sharp questions." in get(server.url + "rubric/backend/index.html")[1]


def test_an_invalid_change_keeps_serving_the_last_good_site(server, minimal):
    edit(minimal / "people/ann/person.yaml", "track: backend", "track: backnd")
    assert wait_for(lambda: server.failures == 1), server.logs
    assert get(server.url + "__perfdocs/build-id")[1] == b"1"
    assert get(server.url + "rubric/index.html")[0] == 200
    assert any("unknown track 'backnd'" in line and "[ref/unknown-track]" in line for line in server.logs)
    assert server.logs[-1] == "rebuild stopped: the records have errors; still serving the last good site"
    edit(minimal / "people/ann/person.yaml", "track: backnd", "track: backend")
    assert wait_for(lambda: get(server.url + "__perfdocs/build-id")[1] == b"2"), server.logs


def test_strict_serve_stops_with_diagnostics_when_the_first_build_fails(cli, minimal, tmp_path):
    """With --strict; without it, serve builds from the valid records (test_readers_skip_invalid.py)."""
    edit(minimal / "people/ann/person.yaml", "track: backend", "track: backnd")
    res = cli("serve", "--records", minimal, "--out", tmp_path / "site", "--port", "0", "--strict")
    assert res.exit_code == 1
    assert "[ref/unknown-track]" in res.stdout
    assert not Path(tmp_path / "site").exists()
