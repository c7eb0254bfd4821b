"""Browser test setup: Debian's Chromium driven by Playwright, axe-core from npm, and the
example site built once and served on a free localhost port.

Installs what is missing when it can (apt-get as root, pip, npm into a cache folder);
otherwise every browser test is skipped with the reason. Playwright's own browser
download (`playwright install`) is never used: the system Chromium is launched by path.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.files import FIXTURES, REPO, TODAY

CHROMIUM = Path(os.environ.get("PERFDOCS_CHROMIUM", "/usr/bin/chromium"))
CACHE = Path(os.environ.get("PERFDOCS_TEST_CACHE", Path.home() / ".cache" / "perfdocs-tests"))
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _run(*cmd: str, timeout: int = 900, cwd: Path | None = None) -> tuple[bool, str]:
    try:
        out = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, str(err)
    return out.returncode == 0, (out.stdout + out.stderr)[-2000:]


def _chromium() -> Path:
    if CHROMIUM.is_file():
        return CHROMIUM
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(
            f"{CHROMIUM} is missing and apt-get cannot install it here (not root); install Debian's 'chromium' package"
        )
    env_ok, log = _run("apt-get", "update")
    ok, log = _run("apt-get", "install", "-y", "--no-install-recommends", "chromium") if env_ok else (False, log)
    if not ok or not CHROMIUM.is_file():
        pytest.skip(f"could not install chromium with apt-get: {log}")
    return CHROMIUM


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        ok, log = _run(sys.executable, "-m", "pip", "install", "-q", "playwright")
        if not ok:
            pytest.skip(f"Playwright is not installed and pip could not install it: {log}")
        from playwright.sync_api import sync_playwright
    return sync_playwright


def _axe() -> Path:
    axe = CACHE / "node_modules/axe-core/axe.min.js"
    if axe.is_file():
        return axe
    if not shutil.which("npm"):
        pytest.skip("npm is missing: it installs axe-core for the accessibility check")
    CACHE.mkdir(parents=True, exist_ok=True)
    ok, log = _run("npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "axe-core@4")
    if not ok or not axe.is_file():
        pytest.skip(f"could not install axe-core with npm: {log}")
    return axe


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return _axe()


@pytest.fixture(scope="session")
def browser():
    chromium = _chromium()
    sync_playwright = _playwright()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def records() -> Path:
    """The example organisation when it is complete, else the minimal one."""
    return REPO / "records" if (REPO / "records/org.yaml").is_file() else FIXTURES / "minimal"


@pytest.fixture(scope="session")
def org(records):
    os.environ["PERFDOCS_TODAY"] = TODAY
    from perfdocs.validation import load_valid

    return load_valid(records).org


class _Sites:
    """Sites built once per audience and served on free localhost ports."""

    def __init__(self, records: Path, tmp: Path) -> None:
        self.records, self.tmp = records, tmp
        self.built: dict[str, tuple[Path, str, http.server.ThreadingHTTPServer]] = {}

    def __call__(self, audience: str) -> tuple[Path, str]:
        if audience not in self.built:
            os.environ["PERFDOCS_TODAY"] = TODAY
            from perfdocs.site import build

            out = self.tmp / audience
            build(self.records, out, audience)
            handler = functools.partial(_QuietHandler, directory=str(out))
            httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            self.built[audience] = (out, f"http://127.0.0.1:{httpd.server_address[1]}/", httpd)
        out, url, _ = self.built[audience]
        return out, url

    def close(self) -> None:
        for _, _, httpd in self.built.values():
            httpd.shutdown()
            httpd.server_close()


@pytest.fixture(scope="session")
def sites(records, tmp_path_factory):
    """sites(audience) -> (folder, url) of the site built for that audience."""
    made = _Sites(records, tmp_path_factory.mktemp("browser"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def ladder_site(tmp_path_factory):
    """(folder, url) of the site of a generated 8-level, 9-competency ladder that branches
    (tests/support/ladders.py)."""
    from tests.support.ladders import big_ladder

    tmp = tmp_path_factory.mktemp("ladder")
    made = _Sites(big_ladder(tmp / "records"), tmp)
    yield made("public")
    made.close()


@pytest.fixture(scope="session")
def dual_ladder_site(tmp_path_factory):
    """(folder, url) of the site of a 12-level dual ladder, IC1..IC7 and M3..M7 from IC2
    (tests/support/ladders.py), shaped like a published one tried through a spreadsheet."""
    from tests.support.ladders import dual_ladder

    tmp = tmp_path_factory.mktemp("dual")
    made = _Sites(dual_ladder(tmp / "records"), tmp)
    yield made("public")
    made.close()


@pytest.fixture(scope="session")
def site(sites) -> Path:
    return sites("public")[0]


@pytest.fixture(scope="session")
def site_url(sites) -> str:
    return sites("public")[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # The site must not need the network: anything that is not localhost or file:// fails the test.
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:")):
            return route.continue_()
        outside.append(url)
        return route.abort()

    context.route("**/*", guard)
    p = context.new_page()
    yield p
    context.close()
    assert outside == [], f"the site asked for outside resources: {outside}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
