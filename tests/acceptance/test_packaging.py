"""Packaging: a built wheel, installed in a fresh virtualenv, carries its schemas, templates
and example records, and works away from the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from perfdocs import __version__

from tests.support.files import REPO
from tests.support.git import GIT_ENV

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    out = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{args}\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    # hatchling is in the test extra, so the wheel builds without the package index
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--no-build-isolation", "-q", "-w", dist, cwd=dist)
    (built,) = dist.glob("perfdocs-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed; perfdocs' dependencies are borrowed from the
    test environment through a .pth line (plain paths: its editable perfdocs is not picked up)."""
    home = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", home, cwd=home)
    python = home / "bin/python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=home).stdout.strip())
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel, cwd=home)
    return home


def test_the_wheel_carries_schemas_templates_and_example_records(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in ("schemas", "templates", "records"):
        files = [p.relative_to(REPO).as_posix() for p in (REPO / source).rglob("*") if p.is_file()]
        assert files
        missing = [f for f in files if f"perfdocs/_data/{f}" not in names]
        assert missing == [], f"not in the wheel: {missing}"
    assert wheel.name == f"perfdocs-{__version__}-py3-none-any.whl"


def test_the_installed_wheel_works_away_from_the_source_tree(venv, tmp_path):
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "PERFDOCS_TODAY": "2026-11-24",
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
    }
    (tmp_path / "gitconfig").write_text("[user]\n\tname = Ann\n\temail = ann@example.com\n")
    where = run(venv / "bin/python", "-c", "import perfdocs; print(perfdocs.__file__)", cwd=tmp_path, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    perfdocs = venv / "bin/perfdocs"
    assert run(perfdocs, "--version", cwd=tmp_path, env=env).stdout == f"perfdocs, version {__version__}\n"

    # no records here: validate stops, and --example checks the example organisation bundled in the wheel
    nothing = subprocess.run(
        [str(perfdocs), "validate", "--no-links"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert nothing.returncode == 2 and "no records found" in nothing.stderr, nothing
    bundled = run(perfdocs, "--example", "validate", "--no-links", cwd=tmp_path, env=env)
    written = subprocess.run(
        [str(perfdocs), "--example", "new", "evidence", "--author", "alice", "--type", "pr", "--title", "T"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert written.returncode == 2 and "read-only" in written.stderr, written  # the wheel's records stay as built
    source = run(REPO / ".venv/bin/perfdocs", "validate", "--no-links", "records", cwd=REPO, env=env)
    summary = [line for line in bundled.stderr.splitlines() if " files checked: " in line]
    assert summary == [line for line in source.stderr.splitlines() if " files checked: " in line]
    assert summary[0].endswith("(ok)")

    run(perfdocs, "schema", "export", "schemas", cwd=tmp_path, env=env)
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(
        p.name for p in (REPO / "schemas").glob("*.schema.json")
    )

    run(perfdocs, "init", "my-records", cwd=tmp_path, env=env)
    repo = tmp_path / "my-records"
    assert (repo / ".github/workflows/perfdocs.yml").is_file() and (repo / ".pre-commit-config.yaml").is_file()
    run(perfdocs, "validate", cwd=repo, env=env)
    run(perfdocs, "build", cwd=repo, env=env)
    assert (repo / "site/index.html").is_file()
    as_module = run(venv / "bin/python", "-m", "perfdocs", "--version", cwd=tmp_path, env=env)
    assert as_module.stdout == f"perfdocs, version {__version__}\n"
