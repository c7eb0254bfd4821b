"""The benchmark: what users of perfdocs wait for, beside its peers, on the same files, in one run.

    python bench/run.py [--size 10000] [--build-size 1000] [--repeat 5] [--no-build] [--no-git]

Every case is a whole process (or, for a peer given several cores, several processes started
together), run as a user runs it, from start to exit. Its CPU time and peak memory come from
the kernel's accounting of that process and everything it waited for (`os.wait4`): CPU time
is the sum over the processes, peak memory the largest resident set of any one of them. The
cases run interleaved: every round runs perfdocs and each peer in turn, `--repeat` rounds,
and the figures are the minimum and the median over the rounds; a ratio is computed from
medians, of CPU time and of wall time (on a shared machine wall time grows with the load; CPU
time much less). Each command's exit code and output are checked: a run that fails or prints
what it should not stops the bench with the command and its output (exit 1), never a figure.

The cases:
- `perfdocs --version`: start-up;
- validation of `--size` evidence entries (an organisation in a git repository): cold (an
  empty cache folder, as in CI without a cache), warm (again, unchanged), after 1 % of the
  evidence changed in a commit (`--changed-since HEAD~1`, cache warm), after 5 files changed
  in a commit (cache warm); beside check-jsonschema with the evidence schema only (it cannot
  read front matter, so it gets each entry's front matter as a .yaml file: the same data;
  and the schema file perfdocs ships, with `--base-uri`, since its `$id` is a remote address),
  its files split across as many processes as the machine has cores, and a prototype floor
  (read, split, libyaml, compiled schema check, in two processes);
- the site of `--build-size` evidence pages and of `--size` pages: `perfdocs build` cold
  (with the bytes of its HTML pages, as Hugo's), again with nothing changed, again after
  5 entries changed in a commit; Hugo (Debian's
  package) on the same Markdown files; at `--build-size` also MkDocs with its default
  navigation (every page lists every page: quadratic, hence not at `--size`) and with a
  one-line navigation; every build once with its output on disk and once on tmpfs
  (/dev/shm), since creating files costs 20 to 40 times more on some disks;
- `perfdocs links check` of 1,000 evidence links into a 50,000-commit repository with the
  merge topology of a real project (bench/corpus.py), cold and with its index cached;
- `perfdocs kpi dora` over three years of that repository.

Peers are installed into bench/.venv-peers (check-jsonschema and MkDocs from PyPI) and
Hugo from Debian's packages when running as root; a peer that cannot be installed is
skipped with a note, as is the tmpfs variant when there is no writable tmpfs. Results are
printed and saved to bench/results/<date>-<size>.json and bench/results/latest.json;
bench/report.py turns them into the README's Performance section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PEERS = HERE / ".venv-peers"
RESULTS = HERE / "results"
PERFDOCS = Path(sys.executable).parent / "perfdocs"
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (found through the sys.path entry above)

FORMAT = 2
"""The results' format; bench/report.py reads only this one."""
TODAY = "2026-11-24"
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@tiny.example",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@tiny.example",
}


class BenchError(Exception):
    """A command of the bench failed, or its output was not what the case expects."""


# --- running things ----------------------------------------------------------------------


LAUNCHER = """
import json, os, subprocess, sys, time
job = json.loads(sys.stdin.read())
outs = [open(path, "wb") for path in job["outs"]]
start = time.perf_counter()
procs = [subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT) for cmd, out in zip(job["cmds"], outs)]
cpu, peak, codes = 0.0, 0, []
for proc in procs:
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    codes.append(proc.returncode)
    cpu += usage.ru_utime + usage.ru_stime
    peak = max(peak, usage.ru_maxrss)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "cpu": cpu, "peak_kb": peak, "codes": codes}))
"""
"""Starts the commands of one measurement and reports on them. A process's peak resident set
as the kernel counts it (ru_maxrss) includes the process it was forked from, up to its exec:
the commands are started from this small process (`python -I`, about 10 MB), not from the
bench's own, whose size grows with the corpus."""


def measure(
    name: str,
    cmds: list[list[str]],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: Callable[[str], str | None] | None = None,
) -> dict[str, Any]:
    """Run `cmds` together (one process each) and wait for all of them: wall time, CPU time
    (summed over the processes and the processes they waited for, from `os.wait4`) and peak
    memory (the largest resident set among them). Raises BenchError when one exits non-zero
    or `check` (given the processes' output) says what is wrong."""
    # Every command runs as on a user's machine, where Python keeps the bytecode it compiles: an
    # inherited PYTHONDONTWRITEBYTECODE would compile perfdocs' (and the Python peers') modules
    # again in every run (0.2-0.3 s each).
    full_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | (env or {})
    with tempfile.TemporaryDirectory(prefix="bench-out-") as tmp:
        paths = [str(Path(tmp) / f"{i}.txt") for i in range(len(cmds))]
        job = json.dumps({"cmds": [[str(a) for a in cmd] for cmd in cmds], "outs": paths})
        launched = subprocess.run(
            [sys.executable, "-I", "-c", LAUNCHER], input=job, cwd=cwd, env=full_env, capture_output=True, text=True
        )
        if launched.returncode != 0:
            raise BenchError(f"{name}: the launcher failed ({launched.returncode}):\n{launched.stderr[-1500:]}")
        got = json.loads(launched.stdout)
        texts = [Path(path).read_bytes().decode(errors="replace") for path in paths]
    output = "\n".join(texts)
    for cmd, code, text in zip(cmds, got["codes"], texts, strict=True):
        if code != 0:
            raise BenchError(f"{name}: `{_shown(cmd)}` exited with {code}:\n{text[-1500:]}")
    problem = check(output) if check else None
    if problem:
        raise BenchError(f"{name}: {problem}; `{_shown(cmds[0])}` printed:\n{output[-1500:]}")
    return {
        "wall_s": round(got["wall"], 4),
        "cpu_s": round(got["cpu"], 4),
        "peak_mb": round(got["peak_kb"] / 1024, 1),
        "output": output,
    }


def _shown(cmd: list[str]) -> str:
    shown = " ".join(map(str, cmd[:8]))
    return shown + (f" ... ({len(cmd) - 8} more arguments)" if len(cmd) > 8 else "")


def starter(work: Path) -> Path:
    """The repository `perfdocs init` writes (a new organisation's few records), made once."""
    dest = work / "starter"
    if not (dest / "records" / "org.yaml").is_file():
        shutil.rmtree(dest, ignore_errors=True)
        subprocess.run([str(PERFDOCS), "init", str(dest)], check=True, capture_output=True)
    return dest


def expect(pattern: str, what: str) -> Callable[[str], str | None]:
    """A check: the output must match `pattern`."""
    return lambda out: None if re.search(pattern, out, re.MULTILINE) else f"its output does not show {what}"


def silent(out: str) -> str | None:
    """A check for `-q` runs of a clean input: nothing printed."""
    return f"it printed {len(out.splitlines())} lines where a clean run prints none" if out.strip() else None


@dataclass
class Case:
    """One thing timed every round: its command(s) and what to do, untimed, before each run."""

    key: str
    label: str
    cmds: list[list[str]]
    n: int = 0
    unit: str = "file"
    cwd: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[str], str | None] | None = None
    before: Callable[[], None] | None = None
    after: Callable[[dict[str, Any], str], None] | None = None
    """Given the figures and the output, adds what the output says (pages rendered...)."""


def summarise(case: Case, runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"label": case.label, "n": case.n, "unit": case.unit, "runs": runs}
    for key in ("wall_s", "cpu_s", "peak_mb"):
        values = [r[key] for r in runs]
        out[key] = {"min": round(min(values), 4), "median": round(statistics.median(values), 4)}
    return out


def rotate(groups: list[list[Case]], repeat: int, log: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Every case of every group, round after round: perfdocs and its peers take turns."""
    runs: dict[str, list[dict[str, Any]]] = {c.key: [] for g in groups for c in g}
    for i in range(repeat):
        for group in groups:
            for case in group:
                if case.before:
                    case.before()
                run = measure(case.label, case.cmds, case.cwd, case.env, case.check)
                output = run.pop("output")
                if case.after:
                    case.after(run, output)
                runs[case.key].append(run)
                log(f"  round {i + 1}/{repeat}  {case.label:52} {run['wall_s']:8.3f} s  {run['cpu_s']:8.3f} s CPU")
    return {c.key: summarise(c, runs[c.key]) for g in groups for c in g}


def ratio(cases: dict[str, Any], slow: str, fast: str, label: str) -> dict[str, Any] | None:
    """slow / fast, from the medians of CPU time, of wall time and of peak memory."""
    if slow not in cases or fast not in cases:
        return None
    a, b = cases[slow], cases[fast]
    return {
        "label": label,
        "of": [slow, fast],
        "cpu": round(a["cpu_s"]["median"] / b["cpu_s"]["median"], 3) if b["cpu_s"]["median"] else None,
        "wall": round(a["wall_s"]["median"] / b["wall_s"]["median"], 3) if b["wall_s"]["median"] else None,
        "peak": round(a["peak_mb"]["median"] / b["peak_mb"]["median"], 3) if b["peak_mb"]["median"] else None,
    }


# --- peers ------------------------------------------------------------------------------


def peers(notes: list[str], install: bool) -> dict[str, Path | None]:
    found: dict[str, Path | None] = {}
    wanted = [n for n in ("check-jsonschema", "mkdocs") if not (PEERS / "bin" / n).exists()]
    if wanted and install:
        print(f"installing {' and '.join(wanted)} into bench/.venv-peers ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
            subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", *wanted], check=True)
        except (subprocess.CalledProcessError, OSError) as err:
            notes.append(f"peers not installed ({err})")
    for name in ("check-jsonschema", "mkdocs"):
        path = PEERS / "bin" / name
        found[name] = path if path.exists() else None
        if found[name] is None:
            notes.append(f"{name} is not installed (in bench/.venv-peers): skipped")
    hugo = shutil.which("hugo")
    if hugo is None and install and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing hugo from Debian's packages ...", flush=True)
        got = subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], capture_output=True)
        if got.returncode != 0:  # the package lists may be missing on a new machine
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], capture_output=True)
        hugo = shutil.which("hugo")
    if hugo is None:
        notes.append("Hugo is not installed (apt-get install hugo, as root): skipped")
    found["hugo"] = Path(hugo) if hugo else None
    return found


def versions(found: dict[str, Path | None]) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name, path in found.items():
        if path is None:
            continue
        arg = "version" if name == "hugo" else "--version"
        text = subprocess.run([str(path), arg], capture_output=True, text=True).stdout.strip()
        out[name] = re.sub(r" from /\S+", "", text.splitlines()[0])[:90] if text else "?"
    out["perfdocs"] = subprocess.run([str(PERFDOCS), "--version"], capture_output=True, text=True).stdout.strip()
    out["git"] = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    out["commit"] = measured_commit()
    return out


def measured_commit() -> str:
    """The commit of perfdocs measured (with '+changes' when its files differ from it), so a
    results file from an older commit is never read as the current code's figures."""
    root = HERE.parent
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    status = ["status", "--porcelain", "--untracked-files=no", "--", "perfdocs", "schemas", "templates"]
    dirty = subprocess.run(["git", "-C", str(root), *status], capture_output=True, text=True).stdout.strip()
    return head.stdout.strip() + (" +changes" if dirty else "")


def tmpfs(notes: list[str]) -> Path | None:
    """A writable folder on tmpfs (/dev/shm), or None with a note saying so."""
    shm = Path("/dev/shm")
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        mounts = []
    on_tmpfs = any(line.split()[1:3] == [str(shm), "tmpfs"] for line in mounts if len(line.split()) > 2)
    if on_tmpfs and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="perfdocs-bench-", dir=shm))
    notes.append("tmpfs is unavailable (no writable tmpfs at /dev/shm): the builds on tmpfs are skipped")
    return None


# --- inputs -----------------------------------------------------------------------------


INPUTS = 1
"""The version of the inputs this module derives from bench/corpus.py's (raise it when that changes)."""


def _stamp() -> str:
    """Generated inputs are reused while corpus.py and INPUTS are unchanged."""
    return f"{INPUTS}-" + hashlib.sha256((HERE / "corpus.py").read_bytes()).hexdigest()[:16]


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, env=env).stdout


def organisation(work: Path, size: int, log: Callable[[str], None]) -> Path:
    """The organisation of `size` evidence entries, a git repository whose first commit is
    the generated organisation: generated once per version of the inputs, and reset to that
    commit when reused (the edits of an earlier run are dropped, so every edit of this run
    is new content)."""
    dest = work / f"org-{size}"
    stamp = work / f"org-{size}.stamp"
    if stamp.exists() and stamp.read_text() == _stamp() and dest.is_dir() and dest not in _EDITS:
        git(dest, "reset", "-q", "--hard", git(dest, "rev-list", "--max-parents=0", "HEAD").split()[0])
    elif not (stamp.exists() and stamp.read_text() == _stamp() and dest.is_dir()):
        log(f"generating an organisation of {size:,} evidence entries ...")
        corpus.organisation(dest, size)
        git(dest, "init", "-q", "-b", "main")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "-m", "The organisation")
        stamp.write_text(_stamp())
    return dest


def evidence_files(org: Path) -> list[Path]:
    return sorted(org.glob("people/*/evidence/*.md"))


def front_matter_copies(work: Path, org: Path, files: list[Path]) -> Path:
    """Each evidence entry's front matter as a .yaml file, for check-jsonschema."""
    dest = work / f"{org.name}-yaml"
    stamp = work / f"{org.name}-yaml.stamp"
    if stamp.exists() and stamp.read_text() == _stamp():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for i, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        (dest / f"{i:06d}.yaml").write_text(text.split("---\n", 2)[1], encoding="utf-8")
    stamp.write_text(_stamp())
    return dest


def evidence_schema() -> tuple[Path, list[str]]:
    """The evidence schema as perfdocs ships it, and check-jsonschema's options to read it
    offline: its `$id` is a remote address (https://perfdocs.dev/schemas/v1/...), against
    which its reference to common.schema.json would be fetched, so `--base-uri` names the
    file itself and the reference resolves to the schema beside it."""
    schema = REPO / "schemas" / "evidence.schema.json"
    return schema, ["--schemafile", str(schema), "--base-uri", schema.as_uri()]


def site_sources(work: Path, org: Path, files: list[Path]) -> tuple[Path, Path]:
    """An MkDocs project (mkdocs.yml: default navigation; mkdocs-nav.yml: a one-line
    navigation) and a Hugo site holding the same evidence Markdown files."""
    mk = work / f"{org.name}-mkdocs"
    hugo = work / f"{org.name}-hugo"
    stamp = work / f"{org.name}-sites.stamp"
    if stamp.exists() and stamp.read_text() == _stamp():
        return mk, hugo
    for folder in (mk, hugo):
        shutil.rmtree(folder, ignore_errors=True)
    for path in files:
        rel = path.relative_to(org / "people")
        for dest in (mk / "docs" / rel, hugo / "content" / rel):
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    (mk / "docs" / "index.md").write_text("# Evidence\n")
    (mk / "mkdocs.yml").write_text("site_name: Tiny Co evidence\n")  # default navigation: every page on every page
    (mk / "mkdocs-nav.yml").write_text("site_name: Tiny Co evidence\nnav:\n  - Evidence: index.md\n")
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Tiny Co evidence"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    )
    layouts = hugo / "layouts" / "_default"
    layouts.mkdir(parents=True)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        '<body><nav><a href="/">Home</a></nav><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n'
    )
    (layouts / "single.html").write_text(page)
    (layouts / "list.html").write_text(
        page.replace(
            "{{ .Content }}",
            '{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>',
        )
    )
    stamp.write_text(_stamp())
    return mk, hugo


class Edits:
    """Changes to evidence entries committed to the organisation's repository, as a pull
    request would make them: each edit gives the titles a new revision number, so that
    every change is new content (the record cache is keyed by content)."""

    def __init__(self, org: Path) -> None:
        self.org = org
        self.revision = 0

    def change(self, count: int) -> None:
        files = evidence_files(self.org)
        step = max(1, len(files) // max(1, count))
        self.revision += 1
        for path in files[::step][:count]:
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"^(title: .*?)(?: r\d+)?$", rf"\1 r{self.revision}", text, count=1, flags=re.MULTILINE)
            path.write_text(text, encoding="utf-8")
        git(self.org, "commit", "-q", "-a", "-m", f"Change {count} evidence entries (revision {self.revision})")


_EDITS: dict[Path, Edits] = {}


def edits_of(org: Path) -> Edits:
    """One revision counter per organisation: the validation and build cases edit the same one."""
    return _EDITS.setdefault(org, Edits(org))


def links_world(work: Path, commits: int, links: int, log: Callable[[str], None]) -> tuple[Path, dict[str, Any]]:
    """A records folder with `links` evidence links into a `commits`-commit repository of
    real merge topology (bench/corpus.py)."""
    repo = work / f"git-{commits}"
    records = work / f"links-records-{commits}-{links}"
    stamp = work / f"git-{commits}-{links}.stamp"
    info = work / f"git-{commits}-{links}.json"
    if not (stamp.exists() and stamp.read_text() == _stamp() and info.exists()):
        log(f"generating a repository of {commits:,} commits with merge topology ...")
        made = corpus.merge_repository(repo, commits)
        about = corpus.links_records(records, repo, made)
        summary = {k: made[k] for k in ("commits", "mainline", "deploy_tags", "counts")}
        summary["authors"] = len(made["authors"])
        info.write_text(json.dumps({**summary, **about}))
        stamp.write_text(_stamp())
    return records, json.loads(info.read_text())


# --- the cases ----------------------------------------------------------------------------


def validate_cases(
    work: Path, size: int, found: dict[str, Any], cores: int, log: Callable[[str], None]
) -> tuple[list[Case], dict[str, Any]]:
    org = organisation(work, size, log)
    files = evidence_files(org)
    n = len(files)
    about = {"evidence": n, "record_files": sum(1 for p in org.rglob("*.*") if ".git" not in p.parts)}
    cache = work / "validate-cache"
    env = {"PERFDOCS_TODAY": TODAY, "NO_COLOR": "1", "PERFDOCS_CACHE_DIR": str(cache)}
    edits = edits_of(org)
    one_percent = max(1, n // 100)
    about["changed_1pct"] = one_percent
    cases = []
    if found["check-jsonschema"]:
        yaml_dir = front_matter_copies(work, org, files)
        _, schema_options = evidence_schema()
        names = sorted(p.name for p in yaml_dir.iterdir())
        lanes = [names[i::cores] for i in range(cores) if names[i::cores]]
        cases.append(
            Case(
                "validate.check_jsonschema",
                f"check-jsonschema, schema only, {len(lanes)} processes",
                [[str(found["check-jsonschema"]), *schema_options, *lane] for lane in lanes],
                n,
                cwd=yaml_dir,
                check=lambda out: (
                    None
                    if out.count("ok -- validation done") == len(lanes)
                    else "not every process says 'ok -- validation done'"
                ),
            )
        )
    cases += [
        Case(
            "validate.floor",
            "prototype floor (libyaml, compiled check, 2 processes)",
            [[sys.executable, str(HERE / "prototype.py"), str(org)]],
            n,
            check=expect(rf"^{n} files, 0 invalid$", f"'{n} files, 0 invalid'"),
        ),
        Case(
            "validate.cold",
            "perfdocs validate, cold (empty cache)",
            [[str(PERFDOCS), "validate", "-q", str(org)]],
            n,
            env=env,
            check=silent,
            before=lambda: shutil.rmtree(cache, ignore_errors=True),
        ),
        Case(
            "validate.warm",
            "perfdocs validate, warm (nothing changed)",
            [[str(PERFDOCS), "validate", "-q", str(org)]],
            n,
            env=env,
            check=silent,
        ),
        Case(
            "validate.changed_1pct",
            f"perfdocs validate --changed-since, {one_percent:,} changed (1 %)",
            [[str(PERFDOCS), "validate", "-q", "--changed-since", "HEAD~1", str(org)]],
            n,
            cwd=org,
            env=env,
            check=silent,
            before=lambda: edits.change(one_percent),
        ),
        Case(
            "validate.changed_5",
            "perfdocs validate, 5 changed",
            [[str(PERFDOCS), "validate", "-q", str(org)]],
            n,
            env=env,
            check=silent,
            before=lambda: edits.change(5),
        ),
    ]
    return cases, about


def wrote(site: Path, pages: int) -> Callable[[str], str | None]:
    """A check for a peer's build: it wrote a page for every evidence entry."""

    def check(_out: str) -> str | None:
        found = sum(1 for _ in site.rglob("index.html"))
        return None if found > pages else f"it wrote {found:,} pages into {site} for {pages:,} entries"

    return check


def built(pages: int) -> Callable[[str], str | None]:
    """A check for perfdocs build: its summary line, with a page for every evidence entry."""

    def check(out: str) -> str | None:
        found = re.search(r"^built (\d+) pages", out, re.MULTILINE)
        if not found:
            return "its output does not show 'built N pages'"
        return None if int(found[1]) > pages else f"it built {found[1]} pages for {pages:,} entries"

    return check


def emptied(folder: Path) -> Callable[[], None]:
    """What runs before a cold build: its output folder removed."""
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def sized(folder: Path) -> Callable[[dict[str, Any], str], None]:
    """What runs after a cold build: the bytes of the HTML pages it wrote, and how many (the
    issue's remark: perfdocs' pages were three times Hugo's for the same content)."""

    def after(run: dict[str, Any], _output: str) -> None:
        sizes = [p.stat().st_size for p in folder.rglob("*.html")]
        run.update(html_pages=len(sizes), html_bytes=sum(sizes))

    return after


def _rendered(run: dict[str, Any], output: str) -> None:
    found = re.search(r"built (\d+) pages \((\d+) rendered, (\d+) unchanged and reused", output)
    if found:
        run.update(pages=int(found[1]), rendered=int(found[2]), reused=int(found[3]))


def build_cases(
    work: Path, n: int, places: dict[str, Path], found: dict[str, Any], with_mkdocs: bool, log: Callable[[str], None]
) -> tuple[list[Case], dict[str, Any]]:
    org = organisation(work, n, log)
    pages = evidence_files(org)
    mk, hugo = site_sources(work, org, pages)
    edits = edits_of(org)
    env = {"PERFDOCS_TODAY": TODAY, "NO_COLOR": "1"}
    about: dict[str, Any] = {"evidence_pages": len(pages)}
    cases = []
    for place, base in places.items():
        out = base / f"out-{n}"
        key = f"build.{n}.{place}"
        on = f"{len(pages):,} pages, {place}"
        if found["mkdocs"] and with_mkdocs:
            for nav, config in (("default_nav", "mkdocs.yml"), ("one_line_nav", "mkdocs-nav.yml")):
                dest = out / f"mkdocs-{nav}"
                cases.append(
                    Case(
                        f"{key}.mkdocs_{nav}",
                        f"MkDocs, {'default' if nav == 'default_nav' else 'one-line'} navigation, {on}",
                        [[str(found["mkdocs"]), "build", "-q", "-f", str(mk / config), "-d", str(dest)]],
                        len(pages),
                        "page",
                        check=wrote(dest, len(pages)),
                        before=emptied(dest),
                    )
                )
        if found["hugo"]:
            dest = out / "hugo"
            cases.append(
                Case(
                    f"{key}.hugo",
                    f"Hugo, {on}",
                    [[str(found["hugo"]), "--quiet", "-s", str(hugo), "-d", str(dest)]],
                    len(pages),
                    "page",
                    check=wrote(dest, len(pages)),
                    before=emptied(dest),
                    after=sized(dest),
                )
            )
        site = out / "perfdocs"
        cache = work / f"build-cache-{n}-{place}"
        benv = {**env, "PERFDOCS_CACHE_DIR": str(cache)}
        cmd = [[str(PERFDOCS), "build", "--records", str(org), "--out", str(site), "--audience", "internal"]]
        clean = built(len(pages))

        def cold(site: Path = site, cache: Path = cache) -> None:
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)

        cases += [
            Case(
                f"{key}.perfdocs_cold",
                f"perfdocs build, cold, {on}",
                cmd,
                len(pages),
                "page",
                None,
                benv,
                clean,
                cold,
                sized(site),
            ),
            Case(
                f"{key}.perfdocs_unchanged",
                f"perfdocs build again, nothing changed, {on}",
                cmd,
                len(pages),
                "page",
                None,
                benv,
                clean,
                after=_rendered,
            ),
            Case(
                f"{key}.perfdocs_5_changed",
                f"perfdocs build again, 5 changed, {on}",
                cmd,
                len(pages),
                "page",
                None,
                benv,
                clean,
                lambda: edits.change(5),
                _rendered,
            ),
        ]
    return cases, about


def git_cases(work: Path, commits: int, links: int, log: Callable[[str], None]) -> tuple[list[Case], dict[str, Any]]:
    records, about = links_world(work, commits, links, log)
    cache = work / "links-cache"
    env = {"PERFDOCS_TODAY": TODAY, "NO_COLOR": "1", "PERFDOCS_CACHE_DIR": str(cache)}
    cmd = [[str(PERFDOCS), "links", "check", "--records", str(records)]]
    clean = expect(r"links checked, \d+ resolved against git: 0 errors", "'0 errors'")
    cases = [
        Case(
            "links.cold",
            f"perfdocs links check, {about['links']:,} links, cold",
            cmd,
            about["links"],
            "link",
            env=env,
            check=clean,
            before=lambda: shutil.rmtree(cache, ignore_errors=True),
        ),
        Case(
            "links.warm",
            f"perfdocs links check, {about['links']:,} links, index cached",
            cmd,
            about["links"],
            "link",
            env=env,
            check=clean,
        ),
        Case(
            "dora.three_years",
            "perfdocs kpi dora, 2024-01-01 to 2026-11-24, by month",
            [
                [str(PERFDOCS), "kpi", "dora", "--team", "core", "--since", "2024-01-01", "--until", TODAY]
                + ["--records", str(records)]
            ],
            about["commits"],
            "commit",
            env=env,
            check=expect(r"^Deployment frequency", "the deployment frequency"),
        ),
    ]
    return cases, about


# --- the benchmark ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="evidence entries to validate and to build")
    parser.add_argument("--build-size", type=int, default=1_000, help="the smaller site (with MkDocs)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (figures: minimum and median)")
    parser.add_argument("--commits", type=int, default=50_000, help="commits of the links and DORA repository")
    parser.add_argument("--links", type=int, default=1_000, help="evidence links to check")
    parser.add_argument("--no-build", action="store_true", help="skip the site cases")
    parser.add_argument("--no-git", action="store_true", help="skip the links and DORA cases")
    parser.add_argument("--no-install", action="store_true", help="use the peers installed, install none")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where inputs are generated")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results are saved")
    args = parser.parse_args(argv)
    try:
        results = run(args)
    except BenchError as err:
        print(f"\nthe benchmark failed: {err}", file=sys.stderr)
        return 1
    print(report(results))
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work.resolve()  # commands run in other folders (check-jsonschema in its files')
    work.mkdir(parents=True, exist_ok=True)
    args.results.mkdir(parents=True, exist_ok=True)

    def log(text: str) -> None:
        print(text, flush=True)

    notes: list[str] = []
    _EDITS.clear()
    found = peers(notes, install=not args.no_install)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    shm = None if args.no_build else tmpfs(notes)
    results: dict[str, Any] = {
        "bench": FORMAT,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "cores": cores, "platform": platform.platform()},
        "versions": versions(found),
        "size": args.size,
        "repeat": args.repeat,
        "notes": notes,
        "inputs": {},
    }
    try:
        groups: list[list[Case]] = [
            [
                Case(
                    "startup.version",
                    "perfdocs --version",
                    [[str(PERFDOCS), "--version"]],
                    check=expect(r"^perfdocs, version ", "'perfdocs, version'"),
                ),
                Case(
                    "startup.help",
                    "perfdocs --help",
                    [[str(PERFDOCS), "--help"]],
                    check=expect(r"^Usage: perfdocs ", "'Usage: perfdocs'"),
                ),
                Case(
                    "startup.validate",
                    "perfdocs validate of the records `perfdocs init` writes (a few files)",
                    [[str(PERFDOCS), "validate", str(starter(work) / "records")]],
                    check=expect(r" files checked: 0 errors, 0 warnings", "a clean check"),
                ),
            ]
        ]
        cases, results["inputs"]["validate"] = validate_cases(work, args.size, found, cores, log)
        groups.append(cases)
        if not args.no_build:
            places = {"disk": work} | ({"tmpfs": shm} if shm else {})
            sizes = sorted({args.build_size, args.size})
            results["build_sizes"] = sizes
            for n in sizes:
                cases, results["inputs"][f"build_{n}"] = build_cases(
                    work, n, places, found, with_mkdocs=n == args.build_size, log=log
                )
                groups.append(cases)
        if not args.no_git:
            if shutil.which("git") is None:
                raise BenchError("git is not installed: the links and DORA cases need it (or pass --no-git)")
            cases, results["inputs"]["links"] = git_cases(work, args.commits, args.links, log)
            groups.append(cases)
        results["machine"]["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
        log(f"running {sum(map(len, groups))} cases, {args.repeat} rounds ...")
        started = time.perf_counter()
        results["cases"] = rotate(groups, args.repeat, log)
        results["seconds"] = round(time.perf_counter() - started, 1)
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        if shm:
            shutil.rmtree(shm, ignore_errors=True)
    results["ratios"] = ratios(results)
    text = json.dumps(results, indent=1) + "\n"
    day = results["date"][:10]
    (args.results / f"{day}-{args.size}.json").write_text(text)
    (args.results / "latest.json").write_text(text)
    return results


def ratios(results: dict[str, Any]) -> dict[str, Any]:
    c = results["cases"]
    n = results["size"]
    out = {
        "check_jsonschema_to_perfdocs": ratio(
            c, "validate.check_jsonschema", "validate.cold", f"check-jsonschema / perfdocs validate cold, {n:,}"
        ),
        "perfdocs_to_floor": ratio(c, "validate.cold", "validate.floor", f"perfdocs validate cold / floor, {n:,}"),
    }
    for n in results.get("build_sizes", []):
        for place in ("disk", "tmpfs"):
            key = f"build.{n}.{place}"
            on = f"{n:,} pages, {place}"
            out[f"{key}.perfdocs_to_hugo"] = ratio(
                c, f"{key}.perfdocs_cold", f"{key}.hugo", f"perfdocs build cold / Hugo, {on}"
            )
            for nav, what in (("default_nav", "default"), ("one_line_nav", "one-line")):
                out[f"{key}.mkdocs_{nav}_to_perfdocs"] = ratio(
                    c, f"{key}.mkdocs_{nav}", f"{key}.perfdocs_cold", f"MkDocs ({what} navigation) / perfdocs, {on}"
                )
    return {k: v for k, v in out.items() if v}


def report(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"perfdocs benchmark, {r['date']}, {m['cores']} cores, {r['repeat']} rounds in {r['seconds']} s, "
        f"load average {m['load_average_start'][0]:.2f} at the start, {m['load_average_end'][0]:.2f} at the end",
        "",
        f"  {'':66} {'wall s':>15} {'CPU s':>15} {'peak MB':>15}",
        f"  {'':66} {'min':>7} {'median':>7} {'min':>7} {'median':>7} {'min':>7} {'median':>7}",
    ]
    for case in r["cases"].values():
        row = f"  {case['label']:66}"
        for key in ("wall_s", "cpu_s", "peak_mb"):
            row += f" {case[key]['min']:7.3f} {case[key]['median']:7.3f}" if key != "peak_mb" else ""
        row += f" {case['peak_mb']['min']:7.0f} {case['peak_mb']['median']:7.0f}"
        last = case["runs"][-1]
        if "rendered" in last:
            row += f"  ({last['rendered']:,} rendered)"
        if last.get("html_pages"):
            row += f"  ({last['html_bytes'] / last['html_pages'] / 1024:.1f} KB a page)"
        lines.append(row)
    lines.append("")
    for v in r["ratios"].values():
        lines.append(f"  {v['label']:66} CPU {v['cpu']:7.2f}x   wall {v['wall']:7.2f}x   peak memory {v['peak']:.2f}x")
    lines += [f"note: {n}" for n in r["notes"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
