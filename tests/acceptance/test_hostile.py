"""The hostile corpus: files built to break a parser, each with its exact output.

Every case in tests/hostile/<case>/ is laid over a fresh copy of tests/fixtures/minimal
(a valid organisation): the case folder's files land in the working folder, so
`records/...` replaces or adds records and anything else sits beside them. Cases too big
or too odd to commit (a 50 MB file, an alias bomb, symbolic links, names that differ only
by case) are made by a generator below, named after their folder. `args` holds the
command line when it is not `validate records` (an `env NAME=VALUE` line sets a variable).

Each case runs `perfdocs` as a real process (tests/support/cli.py) and must give exactly `expected.txt`
(exit code, stdout, stderr): no traceback, within TIME_LIMIT seconds and MEMORY_LIMIT_MB
of peak resident memory. `pytest --regen-cases` rewrites the expected outputs (review the diff).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from perfdocs.records import parse

from tests.support.cli import PERFDOCS, TIME_LIMIT, perfdocs
from tests.support.files import FIXTURES, HOSTILE
from tests.support.git import GitRepo

MEMORY_LIMIT_MB = 300
"""Peak resident memory of one `perfdocs` process on any hostile input."""
EV = "records/people/ann/evidence"
DIAGNOSTIC = re.compile(r"^[^:\n]+:\d+:\d+: .+ \[[a-z-]+/[a-z-]+\]$")


# --- generated cases -----------------------------------------------------------------------


def alias_bomb(tmp: Path) -> None:
    """'Billion laughs': ten levels of ten aliases would expand to 10**10 values; and a
    'quadratic' bomb: one 500 KB string referenced 50,000 times (25 GB once expanded)."""
    lines = ["kind: team", "id: bomb", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (tmp / "records/teams/bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    wide = (
        "kind: team\nid: wide\nname: &big "
        + "x" * 500_000
        + "\nmanager: bob\nmembers: ["
        + ", ".join(["*big"] * 50_000)
        + "]\n"
    )
    (tmp / "records/teams/wide.yaml").write_text(wide, encoding="utf-8")


def file_50mb(tmp: Path) -> None:
    with open(tmp / EV / "2026-03-02-huge.md", "wb") as fh:
        fh.write(b"---\nkind: evidence\ntitle: huge\n---\n")
        chunk = b"All work and no play makes a very large record.\n" * 20_000
        for _ in range(50 * 2**20 // len(chunk) + 1):
            fh.write(chunk)


def deep_nesting_flow(tmp: Path) -> None:
    depth = 100_000
    (tmp / "records/teams/deep-list.yaml").write_text(
        "kind: team\nid: deep-list\nname: " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )
    (tmp / "records/teams/deep-map.yaml").write_text(
        "kind: team\nid: deep-map\nname: " + "{a: " * depth + "1" + "}" * depth + "\n", encoding="utf-8"
    )
    (tmp / "records/teams/unbalanced.yaml").write_text(
        "kind: team\nid: unbalanced\nname: " + "[" * depth + "\n", encoding="utf-8"
    )


def markdown_100k_lines(tmp: Path) -> None:
    front = (
        "---\nkind: evidence\ndate: 2026-03-02\nauthor: ann\ntype: on-call\ntitle: A very long log\n"
        "competencies:\n  - operations\n---\n"
    )
    body = "".join(f"{i:06d} paged at 03:12, retried the payment queue, all green again.\n" for i in range(100_000))
    (tmp / EV / "2026-03-02-long-log.md").write_text(front + body, encoding="utf-8")


def _evidence(tmp: Path, name: str, body: str) -> None:
    front = (
        f"---\nkind: evidence\ndate: 2026-03-02\nauthor: ann\ntype: on-call\ntitle: {name}\n"
        "competencies:\n  - operations\nvisibility: public\n---\n"
    )
    (tmp / EV / f"2026-03-02-{name}.md").write_text(front + body, encoding="utf-8")


def markdown_8mb_emphasis(tmp: Path) -> None:
    """8 MB of nested emphasis: markdown-it-py once took 3.5 GB to render it. Refused by size."""
    n = 2**20  # 4 bytes each side
    _evidence(tmp, "emphasis", "**a " * n + "b" + " a**" * n + "\n")


def markdown_4mb_images(tmp: Path) -> None:
    """4 MB of `![`: each unmatched one scans the rest of the paragraph (a minute per file).
    `build` refuses the record like `validate`, without rendering it."""
    _evidence(tmp, "images", "![" * (2 * 2**20) + "\n")


PATHOLOGICAL = {
    "images": "![" * 12_000,
    "brackets": "[" * 24_000,
    "emphasis": "**a " * 3_000 + "b" + " a**" * 3_000,
    "ampersands": "&" * 24_000,
    "angles": "<a:" * 8_000,
    "destinations": "[a](" * 6_000,
    "backticks": "a`" * 10_000,
}
"""Paragraphs whose inline markup markdown-it-py pays for dearly (each unmatched `[`, `<` or `&`
looks at the rest of its paragraph; emphasis costs tens of microseconds a delimiter): within
the body limits they are shown as plain text once the body's markup budget cannot pay for
them (perfdocs/site/render.py)."""


def markdown_at_the_limits(tmp: Path) -> None:
    """A body just inside both limits (characters and lines), made of the costliest Markdown
    and a remote image: it is valid, and `build` renders it within the time and memory bounds."""
    paragraphs = [*PATHOLOGICAL.values(), "![pixel](https://tracker.example/p.gif)", "a\n" * 4_000]
    body = "\n\n".join(paragraphs) + "\n" + "- [a](b)\n" * 5_000
    assert len(body) <= parse.MAX_BODY_CHARS and body.count("\n") <= parse.MAX_BODY_LINES
    assert len(body) > 0.8 * parse.MAX_BODY_CHARS and body.count("\n") > 0.9 * parse.MAX_BODY_LINES
    _evidence(tmp, "costly", body)


def history_private_past(tmp: Path) -> None:
    """The records in git, the matrix private (with text never published) before it was made
    public, in a commit whose subject is not for the public either."""
    repo = GitRepo(tmp)
    matrix = tmp / "records/matrices/backend.yaml"
    public = matrix.read_text(encoding="utf-8")
    matrix.write_text(public.replace("Asks good questions.", "SECRET draft.") + "visibility: private\n", "utf-8")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "SECRET subject: draft the matrix", date="2026-01-05T10:00:00+00:00")
    repo.commit("Publish the matrix", {"records/matrices/backend.yaml": public}, date="2026-02-01T10:00:00+00:00")


def case_collision(tmp: Path) -> None:
    """Names that are one file on macOS and Windows; on Linux both exist."""
    bob = tmp / "records/people/bob"
    shutil.copytree(bob, tmp / "records/people/Bob")
    src = tmp / "records/goals/2026-q1-fast-api.yaml"
    shutil.copy(src, src.with_name("2026-Q1-FAST-API.yaml"))
    text = src.with_name("2026-Q1-FAST-API.yaml").read_text(encoding="utf-8")
    src.with_name("2026-Q1-FAST-API.yaml").write_text(
        text.replace("id: 2026-q1-fast-api", "id: 2026-Q1-fast-api"), encoding="utf-8"
    )


def symlinks(tmp: Path) -> None:
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("kind: team\nid: secret\nname: Not in the records\n", encoding="utf-8")
    (outside / "people").mkdir()
    (outside / "people/person.yaml").write_text("kind: person\n", encoding="utf-8")
    teams = tmp / "records/teams"
    (teams / "secret.yaml").symlink_to("../../outside/secret.yaml")
    (teams / "passwd.yaml").symlink_to("/etc/passwd")
    (tmp / "records/people/eve").symlink_to(outside / "people")
    (teams / "same.yaml").symlink_to("core.yaml")  # inside the records: read (and a duplicate id)
    (teams / "dangling.yaml").symlink_to("nowhere.yaml")
    (teams / "loop.yaml").symlink_to("loop.yaml")
    (teams / "ping.yaml").symlink_to("pong.yaml")
    (teams / "pong.yaml").symlink_to("ping.yaml")
    (tmp / "records/people/ann/again").symlink_to("..")  # a folder cycle inside the records


def special_files(tmp: Path) -> None:
    """A FIFO named like a record must not hang the tool (opening it blocks forever)."""
    os.mkfifo(tmp / "records/teams/pipe.yaml")
    os.mkfifo(tmp / EV / "2026-03-02-pipe.md")


def yaml_at_the_limits(tmp: Path) -> None:
    """The most values the YAML size limit lets in (its node tree is the memory peak), and
    YAML just over the limit, in a .yaml file and in front matter."""
    (tmp / "records/teams/flat.yaml").write_text(
        "kind: team\nid: flat\nmembers: [" + "a," * 499_980 + "a]\n", encoding="utf-8"
    )
    (tmp / "records/teams/over.yaml").write_text(
        "kind: team\nid: over\nname: Over\n" + "# padding\n" * 110_000, encoding="utf-8"
    )
    (tmp / EV / "2026-03-02-over.md").write_text(
        "---\nkind: evidence\n" + "# padding\n" * 110_000 + "---\nBody.\n", encoding="utf-8"
    )


GENERATORS = {
    "yaml-at-the-limits": yaml_at_the_limits,
    "alias-bomb": alias_bomb,
    "file-50mb": file_50mb,
    "deep-nesting-flow": deep_nesting_flow,
    "markdown-100k-lines": markdown_100k_lines,
    "markdown-8mb-emphasis": markdown_8mb_emphasis,
    "markdown-4mb-images": markdown_4mb_images,
    "markdown-at-the-limits": markdown_at_the_limits,
    "history-private-past": history_private_past,
    "case-collision": case_collision,
    "symlinks": symlinks,
    "special-files": special_files,
}
CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir() and not p.name.startswith("."))


def setup_case(name: str, tmp: Path) -> tuple[list[str], dict[str, str]]:
    shutil.copytree(FIXTURES / "minimal", tmp / "records")
    case = HOSTILE / name
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if src.is_file() and rel.as_posix() not in ("expected.txt", "args"):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, tmp / rel)
    if name in GENERATORS:
        GENERATORS[name](tmp)
    args, env = ["validate", "records"], {}
    if (case / "args").is_file():
        lines = (case / "args").read_text(encoding="utf-8").splitlines()
        args = shlex.split(lines[0])
        env = dict(line.split(" ", 1)[1].split("=", 1) for line in lines[1:] if line.startswith("env "))
    return args, env


@pytest.mark.parametrize("name", CASES)
def test_hostile_case_gives_exactly_the_expected_output_within_bounds(name, tmp_path, request):
    args, env = setup_case(name, tmp_path)
    run = perfdocs(*args, cwd=tmp_path, env=env)
    expected = HOSTILE / name / "expected.txt"
    if request.config.getoption("--regen-cases"):
        expected.write_text(run.transcript(), encoding="utf-8")
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.transcript()
    assert run.transcript() == expected.read_text(encoding="utf-8")
    assert run.peak_mb < MEMORY_LIMIT_MB, f"peak memory {run.peak_mb:.0f} MB"


def test_every_generator_has_a_case_folder_with_an_expected_output():
    assert set(GENERATORS) <= set(CASES)
    assert [c for c in CASES if not (HOSTILE / c / "expected.txt").is_file()] == []


def test_a_100000_line_markdown_body_is_refused(tmp_path):
    """Over the body's line limit (it validated before the limit, and took minutes to render).
    A run past TIME_LIMIT counts as a hang and fails; how fast the refusal is, is the bench's."""
    args, env = setup_case("markdown-100k-lines", tmp_path)
    run = perfdocs(*args, cwd=tmp_path, env=env)
    assert run.exit_code == 1, run.transcript()
    assert run.stdout.endswith(" [file/too-large]\n") and run.stdout.count("\n") == 1, run.transcript()


def test_costly_markdown_within_the_limits_is_built_as_text_not_markup(tmp_path):
    """The case markdown-at-the-limits builds (its transcript, time and memory are checked by
    the case); here, what its page shows: the costly paragraphs as escaped text, the list that
    fits the budget as markup, and the remote image as a link that loads nothing."""
    args, env = setup_case("markdown-at-the-limits", tmp_path)
    assert perfdocs(*args, cwd=tmp_path, env=env).exit_code == 0
    page = (tmp_path / "site/evidence/ann/2026-03-02-costly.html").read_text(encoding="utf-8")
    for name, text in PATHOLOGICAL.items():
        assert f"<p>{text.replace('&', '&amp;').replace('<', '&lt;')}</p>" in page, name
    assert page.count('<li><a href="b">a</a></li>') == 5_000
    assert (
        '<a class="remote-image" href="https://tracker.example/p.gif" rel="noopener noreferrer">image: pixel</a>'
        in page
    )
    assert "<img" not in page


def test_a_history_with_a_private_past_publishes_none_of_it(tmp_path):
    args, env = setup_case("history-private-past", tmp_path)
    assert perfdocs(*args, cwd=tmp_path, env=env).exit_code == 0
    site = "\n".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*") if p.suffix in (".html", ".js")
    )
    assert "SECRET" not in site
    assert "<li>first version shown on this site (the earlier ones were not)</li>" in site


def test_an_unreadable_folder_inside_the_records_is_reported(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop root from reading")
    setup_case("crlf", tmp_path)
    locked = tmp_path / "records/people/bob"
    locked.chmod(0)
    try:
        run = perfdocs("validate", "records", cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    assert run.stdout.startswith(
        "records/people/bob:1:1: cannot read the folder: Permission denied [file/unreadable]\n"
    ), run.transcript()
    assert run.exit_code == 1


def test_an_unreadable_records_folder_is_a_one_line_error(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop root from reading")
    setup_case("crlf", tmp_path)
    (tmp_path / "records").chmod(0)
    try:
        run = perfdocs("validate", "--records", "records", cwd=tmp_path)
    finally:
        (tmp_path / "records").chmod(0o755)
    assert run.transcript() == (
        "exit 2\n--- stdout\n--- stderr\nperfdocs: error: records folder records cannot be read (permission denied)\n"
    )


def _open_files_under(pid: int, folder: Path) -> bool:
    """Whether the process, or one of its children (a large folder is read by forked parsing
    workers), has a file under `folder` open."""
    pids = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                pids += [int(child) for child in fh.read().split()]
    except OSError:
        pass
    for reader in pids:
        try:
            for fd in os.listdir(f"/proc/{reader}/fd"):
                try:
                    if os.readlink(f"/proc/{reader}/fd/{fd}").startswith(str(folder) + "/"):
                        return True
                except OSError:
                    pass
        except OSError:
            pass
    return False


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see which file is being read")
def test_files_deleted_while_validate_runs_are_reported_not_a_crash(tmp_path):
    """A real race, not a mock: once the child has listed a folder of 3,000 records and is
    reading them, the test deletes them from the end; the child meets files that vanished."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "records")
    folder = tmp_path / EV
    template = (folder / "2026-03-01-retry-redesign.md").read_text(encoding="utf-8")
    names = [f"2026-03-01-retry-{i:04d}.md" for i in range(3000)]
    for name in names:
        (folder / name).write_text(template, encoding="utf-8")
    env = {**os.environ, "PERFDOCS_TODAY": "2026-11-24"}
    proc = subprocess.Popen(
        [*PERFDOCS, "validate", "records"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + TIME_LIMIT
    while not _open_files_under(proc.pid, folder) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    for name in reversed(names):
        (folder / name).unlink()
    stdout, stderr = proc.communicate(timeout=TIME_LIMIT)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert proc.returncode == 1, (stdout, stderr)
    lines = stdout.splitlines()
    assert all(DIAGNOSTIC.match(line) for line in lines), stdout
    vanished = [
        line for line in lines if line.endswith(": the file disappeared while it was being read [file/unreadable]")
    ]
    assert vanished and len(vanished) == len(lines), stdout
    assert stderr.startswith("3016 files checked: ") and stderr.endswith(" (invalid)\n"), stderr
