"""The benchmark: perfdocs beside its peers, on the same generated files, in one run.

    python bench/run.py [--size 10000] [--build-size 1000] [--repeat 1] [--no-git] [--no-build]

Every figure is a whole process, timed from start to exit by a small wrapper process
whose RUSAGE_CHILDREN gives the command's CPU time (all its processes) and peak memory
(the largest resident set of the command or any of its workers). On a shared machine
wall time grows with the load; the CPU seconds beside it do not:

- validation of `--size` evidence entries: check-jsonschema with the evidence schema
  only (it cannot read front matter, so it gets each entry's front matter as a .yaml
  file: the same data), a prototype floor (read, split, libyaml, compiled schema check
  in two processes: what the issue measured at ~85-100 us a file), and `perfdocs
  validate` with every rule: cold, with its cache warm, and after changing 5 files;
- the site of `--build-size` evidence pages: MkDocs with its default navigation and
  Hugo (where installed) on the same Markdown files, and `perfdocs build`: cold, then
  again over its output after changing 5 evidence entries and with nothing changed
  (incremental: only the pages whose inputs changed are rendered); perfdocs and Hugo
  also at 10 times the size, to show whether the cost per page stays flat;
- `perfdocs links check` of 1,000 evidence links into a 50,000-commit repository (cold,
  then with its log index cached), and one quarter of DORA metrics on that repository
  with its 2,000 deploy tags.

Peers are installed into bench/.venv-peers (check-jsonschema and MkDocs from PyPI) and
Hugo from Debian's packages when running as root; a peer that cannot be installed is
skipped with a note. Results are printed and saved to bench/results/<date>-<size>.json
and bench/results/latest.json.
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
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
PEERS = HERE / ".venv-peers"
RESULTS = HERE / "results"
PERFDOCS = Path(sys.executable).parent / "perfdocs"
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (found through the sys.path entry above)

TODAY = "2026-11-24"


# --- running things ----------------------------------------------------------------------


def timed(cmd: list[str], cwd: Path | None = None, env: dict | None = None, repeat: int = 1) -> dict:
    """`measure` through a small wrapper process whose own RUSAGE_CHILDREN maximum is the
    command's peak memory (the largest of the command and its workers)."""
    wrapper = [
        sys.executable,
        "-c",
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); p = subprocess.run(sys.argv[1:]); w = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(f'\\n@@bench {w} {u.ru_utime + u.ru_stime} {u.ru_maxrss}\\n'); sys.exit(p.returncode)",
        *map(str, cmd),
    ]
    best: dict | None = None
    for _ in range(repeat):
        proc = subprocess.run(wrapper, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True)
        err = proc.stderr.decode(errors="replace")
        marker = err.rsplit("@@bench ", 1)
        if len(marker) != 2 or proc.returncode not in (0, 1):
            print(
                f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                f"{proc.stdout.decode(errors='replace')[-1000:]}{err[-1000:]}",
                file=sys.stderr,
            )
            return {"failed": True, "exit": proc.returncode, "output": err[-400:]}
        wall, cpu, rss = marker[1].split()
        run = {
            "wall_s": round(float(wall), 3),
            "cpu_s": round(float(cpu), 3),
            "peak_mb": round(int(rss) / 1024, 1),
            "exit": proc.returncode,
            "output": (proc.stdout.decode(errors="replace") + marker[0]).strip()[-400:],
        }
        if best is None or run["wall_s"] < best["wall_s"]:
            best = run
    return best


def per(run: dict, n: int, what: str = "file") -> dict | None:
    if run.get("failed"):
        return None
    return {
        **run,
        "n": n,
        f"us_per_{what}": round(run["wall_s"] / n * 1e6, 1),
        f"{what}s_per_s": round(n / run["wall_s"], 1),
    }


# --- peers ------------------------------------------------------------------------------


def peers(notes: list[str]) -> dict[str, Path | None]:
    found: dict[str, Path | None] = {}
    if not (PEERS / "bin" / "mkdocs").exists() or not (PEERS / "bin" / "check-jsonschema").exists():
        print("installing check-jsonschema and mkdocs into bench/.venv-peers ...", flush=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
            subprocess.run([str(PEERS / "bin" / "pip"), "install", "-q", "check-jsonschema", "mkdocs"], check=True)
        except (subprocess.CalledProcessError, OSError) as err:
            notes.append(f"peers not installed ({err}): check-jsonschema and MkDocs skipped")
    for name in ("check-jsonschema", "mkdocs"):
        path = PEERS / "bin" / name
        found[name] = path if path.exists() else None
    hugo = shutil.which("hugo")
    if hugo is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing hugo from Debian's packages ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], capture_output=True)
        hugo = shutil.which("hugo")
    if hugo is None:
        notes.append("Hugo is not installed (apt-get install hugo, as root): Hugo skipped")
    found["hugo"] = Path(hugo) if hugo else None
    return found


def versions(found: dict[str, Path | None]) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name, path in found.items():
        if path is None:
            continue
        arg = "version" if name == "hugo" else "--version"
        text = subprocess.run([str(path), arg], capture_output=True, text=True).stdout.strip()
        out[name] = text.splitlines()[0][:80] if text else "?"
    out["perfdocs"] = subprocess.run([str(PERFDOCS), "--version"], capture_output=True, text=True).stdout.strip()
    return out


# --- inputs -----------------------------------------------------------------------------


def _stamp() -> str:
    return hashlib.sha256((HERE / "corpus.py").read_bytes()).hexdigest()[:16]


def organisation(size: int) -> Path:
    """The organisation of `size` evidence entries, generated once per corpus.py version."""
    dest = WORK / f"org-{size}"
    stamp = WORK / f"org-{size}.stamp"
    if not (stamp.exists() and stamp.read_text() == _stamp() and dest.is_dir()):
        print(f"generating an organisation of {size:,} evidence entries ...", flush=True)
        corpus.organisation(dest, size)
        stamp.write_text(_stamp())
    return dest


def evidence_files(org: Path) -> list[Path]:
    return sorted(org.glob("people/*/evidence/*.md"))


def front_matter_copies(org: Path, files: list[Path]) -> Path:
    """Each evidence entry's front matter as a .yaml file, for check-jsonschema."""
    dest = WORK / f"{org.name}-yaml"
    stamp = WORK / f"{org.name}-yaml.stamp"
    if stamp.exists() and stamp.read_text() == _stamp():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for i, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        (dest / f"{i:06d}.yaml").write_text(text.split("---\n", 2)[1], encoding="utf-8")
    stamp.write_text(_stamp())
    return dest


def bundled_schema() -> Path:
    """The evidence schema with common.schema.json's definitions inlined (offline)."""
    schemas = REPO / "schemas"
    evidence = json.loads((schemas / "evidence.schema.json").read_text())
    common = json.loads((schemas / "common.schema.json").read_text())
    text = json.dumps(evidence).replace('"common.schema.json#/$defs/', '"#/$defs/')
    bundled = json.loads(text)
    bundled.pop("$id", None)
    bundled["$defs"] = {**common["$defs"], **bundled.get("$defs", {})}
    path = WORK / "evidence.bundled.schema.json"
    path.write_text(json.dumps(bundled))
    return path


def site_sources(org: Path, files: list[Path]) -> tuple[Path, Path]:
    """An MkDocs project and a Hugo site holding the same evidence Markdown files."""
    mk = WORK / f"{org.name}-mkdocs"
    hugo = WORK / f"{org.name}-hugo"
    stamp = WORK / f"{org.name}-sites.stamp"
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
    (mk / "mkdocs.yml").write_text("site_name: Tiny Co evidence\n")  # default navigation: every page
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


def touch_five(org: Path) -> None:
    """Change 5 evidence entries (a new title each), as a small pull request would."""
    for path in evidence_files(org)[:: max(1, len(evidence_files(org)) // 5)][:5]:
        text = path.read_text(encoding="utf-8")
        head, rest = text.split("title: ", 1)
        title, tail = rest.split("\n", 1)
        path.write_text(f"{head}title: {title[:-1] if title.endswith('!') else title + '!'}\n{tail}", encoding="utf-8")


def links_world(notes: list[str]) -> tuple[Path, Path] | None:
    """A records folder with 1,000 evidence links into a generated 50,000-commit repository."""
    if shutil.which("git") is None:
        notes.append("git is not installed: links and DORA benchmarks skipped")
        return None
    repo = WORK / "git-50000"
    stamp = WORK / "git-50000.stamp"
    if not (stamp.exists() and stamp.read_text() == _stamp()):
        print("generating a repository of 50,000 commits and 2,000 deploy tags ...", flush=True)
        corpus.git_repository(repo, 50_000, 2_000, author=("Ann Example", "ann@tiny.example"))
        stamp.write_text(_stamp())
    records = WORK / "links-records"
    shutil.rmtree(records, ignore_errors=True)
    shutil.copytree(corpus.MINIMAL, records)
    with open(records / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"repositories:\n  tiny/api:\n    path: {repo}\n    default_branch: main\n")
    shas = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--reverse", "main"], capture_output=True, text=True, check=True
    ).stdout.split()
    stamps = subprocess.run(
        ["git", "-C", str(repo), "log", "--reverse", "--format=%cs", "main"], capture_output=True, text=True, check=True
    ).stdout.split()
    folder = records / "people" / "ann" / "evidence"
    for i in range(250):  # 4 links each: two PRs, an abbreviated sha, a URL; 998 + the fixture's 2
        n = 1 + (i * 199) % 49_990
        day = stamps[n + 1]
        (folder / f"{day}-bench-{i:03d}.md").write_text(
            f"---\nkind: evidence\ndate: {day}\nauthor: ann\ntype: pr\ntitle: Change {n}\nlinks:\n"
            f"  - tiny/api#{n}\n  - tiny/api#{n + 1}\n  - tiny/api@{shas[n - 1][:10]}\n"
            f"  - https://docs.example/{i}\ncompetencies:\n  - design\n---\nWork.\n",
            encoding="utf-8",
        )
    return records, repo


# --- the benchmark ------------------------------------------------------------------------


def rebuilt(run: dict, n: int) -> dict | None:
    """An incremental build's figures, with how many pages it rendered and reused."""
    found = re.search(r"built (\d+) pages \((\d+) rendered, (\d+) unchanged and reused", run.get("output", ""))
    out = per(run, n, "page")
    if out is not None and found:
        out.update(pages=int(found[1]), rendered=int(found[2]), reused=int(found[3]))
    return out


def ratio(slow: dict | None, fast: dict | None) -> float | None:
    if not slow or not fast or not fast["wall_s"]:
        return None
    return round(slow["wall_s"] / fast["wall_s"], 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="evidence entries to validate")
    parser.add_argument("--build-size", type=int, default=1_000, help="evidence pages to build")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (the fastest counts)")
    parser.add_argument("--no-git", action="store_true", help="skip the links and DORA benchmarks")
    parser.add_argument("--no-build", action="store_true", help="skip the site benchmarks")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    found = peers(notes)
    env = {"PERFDOCS_TODAY": TODAY, "PERFDOCS_CACHE": "0", "NO_COLOR": "1"}
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()},
        "versions": versions(found),
        "size": args.size,
        "build_size": args.build_size,
        "notes": notes,
    }
    rep = args.repeat

    # Validation --------------------------------------------------------------------------
    org = organisation(args.size)
    files = evidence_files(org)
    records = sum(1 for _ in org.rglob("*.*"))
    v: dict = {"evidence": len(files), "record_files": records}
    if found["check-jsonschema"]:
        yaml_dir = front_matter_copies(org, files)
        schema = bundled_schema()
        names = sorted(p.name for p in yaml_dir.iterdir())
        total = {"wall_s": 0.0, "cpu_s": 0.0, "peak_mb": 0.0}
        for start in range(0, len(names), 20_000):  # the command line has a length limit
            run = timed(
                [found["check-jsonschema"], "--schemafile", schema, *names[start : start + 20_000]],
                cwd=yaml_dir,
                repeat=rep,
            )
            if run["exit"] != 0:
                notes.append(f"check-jsonschema found errors: {run['output'][-200:]}")
            if run.get("failed"):
                break
            total = {
                "wall_s": round(total["wall_s"] + run["wall_s"], 3),
                "cpu_s": round(total["cpu_s"] + run["cpu_s"], 3),
                "peak_mb": max(total["peak_mb"], run["peak_mb"]),
            }
        v["check_jsonschema"] = per(total, len(files))
    floor = timed([sys.executable, HERE / "prototype.py", org], repeat=rep)
    if floor.get("exit") != 0:
        notes.append(f"the prototype floor failed: {floor.get('output', '')[-300:]}")
        floor = {"failed": True}
    v["prototype_floor"] = per(floor, len(files))
    cold = timed([PERFDOCS, "validate", "-q", org], env=env, repeat=rep)
    v["perfdocs_cold"] = per(cold, len(files))
    if v["perfdocs_cold"]:
        v["perfdocs_cold"]["us_per_record_file"] = round(cold["wall_s"] / records * 1e6, 1)
    cache_dir = WORK / "validate-cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    cached_env = {**env, "PERFDOCS_CACHE": "1", "PERFDOCS_CACHE_DIR": str(cache_dir)}
    v["perfdocs_cache_fill"] = per(timed([PERFDOCS, "validate", "-q", org], env=cached_env), len(files))
    v["perfdocs_cached"] = per(timed([PERFDOCS, "validate", "-q", org], env=cached_env, repeat=rep), len(files))
    touch_five(org)
    v["perfdocs_cached_5_changed"] = per(timed([PERFDOCS, "validate", "-q", org], env=cached_env), len(files))
    touch_five(org)  # and back
    shutil.rmtree(cache_dir, ignore_errors=True)
    v["ratio_check_jsonschema_to_perfdocs"] = ratio(v.get("check_jsonschema"), v["perfdocs_cold"])
    v["ratio_perfdocs_to_floor"] = ratio(v["perfdocs_cold"], v["prototype_floor"])
    results["validate"] = v

    # Site ----------------------------------------------------------------------------------
    b: dict = {}
    sizes = [] if args.no_build else [args.build_size, args.build_size * 10]
    for n in sizes:
        small = organisation(n)
        pages = evidence_files(small)
        mk, hugo = site_sources(small, pages)
        row: dict = {"evidence_pages": len(pages)}
        out = WORK / "out"
        shutil.rmtree(out, ignore_errors=True)
        build_cmd = [PERFDOCS, "build", "--records", small, "--out", out / "perfdocs", "--audience", "internal"]
        # The key that signs the page manifest, and the record cache when it is on.
        benv = {**env, "PERFDOCS_CACHE_DIR": str(WORK / "build-key")}
        shutil.rmtree(WORK / "build-key", ignore_errors=True)
        run = None
        for _ in range(rep):  # cold every time: a build over its previous output reuses its pages
            shutil.rmtree(out / "perfdocs", ignore_errors=True)
            again = timed(build_cmd, env=benv)
            run = again if run is None or again.get("failed") or again["wall_s"] < run["wall_s"] else run
        row["perfdocs"] = per(run, len(pages), "page")
        if row["perfdocs"] is None:
            notes.append(f"perfdocs build of {n:,} pages failed: {run['output'][-300:]}")
        else:
            row["perfdocs"]["html_files"] = sum(1 for _ in (out / "perfdocs").rglob("*.html"))
            # Incremental: over the previous output, as after a pull request changing 5 entries;
            # with the record cache off (page reuse alone), then warm (a developer's rebuild).
            touch_five(small)
            try:
                row["perfdocs_5_changed"] = rebuilt(timed(build_cmd, env=benv), len(pages))
            finally:
                touch_five(small)  # and back
            cenv = {**benv, "PERFDOCS_CACHE": "1"}
            timed(build_cmd, env=cenv)  # the entries back as they were; fills the record cache
            row["perfdocs_unchanged_cached"] = rebuilt(timed(build_cmd, env=cenv), len(pages))
            touch_five(small)
            try:
                row["perfdocs_5_changed_cached"] = rebuilt(timed(build_cmd, env=cenv), len(pages))
            finally:
                touch_five(small)
        shutil.rmtree(WORK / "build-key", ignore_errors=True)
        if found["hugo"]:
            run = timed([found["hugo"], "--quiet", "-s", hugo, "-d", out / "hugo"], repeat=rep)
            row["hugo"] = per(run, len(pages), "page")
        if found["mkdocs"] and n == args.build_size:  # quadratic: 10 times the pages is ~100 times longer
            run = timed([found["mkdocs"], "build", "-q", "-f", mk / "mkdocs.yml", "-d", out / "mkdocs"], repeat=rep)
            row["mkdocs_default_nav"] = per(run, len(pages), "page")
        row["ratio_mkdocs_to_perfdocs"] = ratio(row.get("mkdocs_default_nav"), row["perfdocs"])
        row["ratio_perfdocs_to_hugo"] = ratio(row["perfdocs"], row.get("hugo"))
        b[str(n)] = row
        shutil.rmtree(out, ignore_errors=True)
    results["build"] = b

    # Links and DORA ------------------------------------------------------------------------
    if not args.no_git:
        world = links_world(notes)
        if world:
            records_dir, repo = world
            cache_dir = WORK / "links-cache"
            shutil.rmtree(cache_dir, ignore_errors=True)
            lenv = {**env, "PERFDOCS_CACHE_DIR": str(cache_dir)}
            results["links"] = {
                "links": 1000,
                "commits": 50_000,
                "cold": timed([PERFDOCS, "links", "check", "--records", records_dir], env=lenv),
                "index_cached": timed([PERFDOCS, "links", "check", "--records", records_dir], env=lenv, repeat=rep),
            }
            script = (
                "import sys; from perfdocs.metrics import dora; "
                "r = dora.quarter_dora(sys.argv[1], '2026-Q2'); print(len(r), 'metrics')"
            )
            results["dora"] = {
                "commits": 50_000,
                "deploy_tags": 2_000,
                "quarter": "2026-Q2",
                "run": timed([sys.executable, "-c", script, repo], env=env, repeat=rep),
            }

    day = dt.date.today().isoformat()
    text = json.dumps(results, indent=2, default=str) + "\n"
    (RESULTS / f"{day}-{args.size}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print(report(results))
    return 0


def report(r: dict) -> str:
    v = r["validate"]
    lines = [
        f"perfdocs benchmark, {r['date']}, {r['machine']['cpus']} CPUs, load {r['machine']['load_average'][0]:.1f}",
        "",
        f"validate: {v['evidence']:,} evidence entries ({v['record_files']:,} record files)",
        f"  {'':34} {'wall s':>8} {'us/file':>9} {'files/s':>9} {'CPU s':>7} {'peak MB':>8}",
    ]

    def row(name: str, run: dict | None, unit: str = "file") -> None:
        if run:
            lines.append(
                f"  {name:34} {run['wall_s']:8.2f} {run[f'us_per_{unit}']:9.1f} "
                f"{run[f'{unit}s_per_s']:9.0f} {run['cpu_s']:7.2f} {run['peak_mb']:8.0f}"
            )

    row("check-jsonschema (schema only)", v.get("check_jsonschema"))
    row("prototype floor (2 processes)", v.get("prototype_floor"))
    row("perfdocs validate (all rules)", v.get("perfdocs_cold"))
    row("perfdocs validate, cache warm", v.get("perfdocs_cached"))
    row("perfdocs validate, 5 changed", v.get("perfdocs_cached_5_changed"))
    lines.append(
        f"  check-jsonschema / perfdocs: {v.get('ratio_check_jsonschema_to_perfdocs')}x   "
        f"perfdocs / floor: {v.get('ratio_perfdocs_to_floor')}x"
    )
    for _n, b in r["build"].items():
        lines += [
            "",
            f"build: {b['evidence_pages']:,} evidence pages",
            f"  {'':34} {'wall s':>8} {'us/page':>9} {'pages/s':>9} {'CPU s':>7} {'peak MB':>8}",
        ]
        row("mkdocs build (default nav)", b.get("mkdocs_default_nav"), "page")
        row("hugo", b.get("hugo"), "page")
        row("perfdocs build", b.get("perfdocs"), "page")
        for key, name in (
            ("perfdocs_5_changed", "perfdocs rebuild, 5 changed"),
            ("perfdocs_unchanged_cached", "  same, record cache, 0 changed"),
            ("perfdocs_5_changed_cached", "  same, record cache, 5 changed"),
        ):
            row(name, b.get(key), "page")
            if b.get(key) and "rendered" in b[key]:
                lines[-1] += f"   ({b[key]['rendered']:,} pages rendered, {b[key]['reused']:,} reused)"
        lines.append(
            f"  mkdocs / perfdocs: {b.get('ratio_mkdocs_to_perfdocs')}x   "
            f"perfdocs / hugo: {b.get('ratio_perfdocs_to_hugo')}x"
        )
    if "links" in r:
        lk = r["links"]
        lines += [
            "",
            f"links check: 1,000 links into 50,000 commits: {lk['cold']['wall_s']:.2f} s cold, "
            f"{lk['index_cached']['wall_s']:.2f} s with the log index cached",
        ]
    if "dora" in r:
        lines.append(f"DORA, one quarter, 50,000 commits and 2,000 deploy tags: {r['dora']['run']['wall_s']:.2f} s")
    lines += [f"note: {n}" for n in r["notes"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
