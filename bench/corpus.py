"""Synthetic organisations and git repositories for the benchmark.

`organisation(dest, evidence)` writes a valid records folder (it validates with no
errors) whose evidence entries look like real ones: YAML front matter of about 750
bytes (links, one of them resolved, competencies, goals, collaborators) and a Markdown
body of about 1 KB. It is the tiny organisation of tests/fixtures/minimal scaled up:
one person per 50 evidence entries, ten people per team, a goal and a review per
person, a promotion packet for one person in ten, all cross-referencing correctly.

`git_repository(dest, commits, tags)` writes a linear repository with `git fast-import`
(seconds for 50,000 commits): squash-merged pull requests "(#N)" on main, a deploy
tag every commits/tags commits, some reverts and hotfixes.

`merge_repository(dest, commits)` writes the history the link and DORA benchmarks read,
with the merge topology of a real project (also one `git fast-import` stream): pull
requests merged with merge commits whose branches merged main into themselves several
times, stacked pull requests whose branches merged their base branch in (so a merge's
merged side holds another pull request's merge, nested), squash merges, release branches
that collect pull requests and are merged into main as a whole, co-authors, several
authors and mergers, reverts, hotfixes and deploy tags. `links_records(dest, repo, made)`
writes a records folder whose evidence links into it and whose links all check clean.

Everything is deterministic (a fixed seed), so two runs measure the same files.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

MINIMAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minimal"
SHARED = [
    "org.yaml",
    "tracks/backend.yaml",
    "matrices/backend.yaml",
    "metrics/api-latency.yaml",
    "kpis/core/api-latency.yaml",
    "goals/2026-q1-fast-api.yaml",
    "postmortems/pm-1.md",
]
COMPETENCIES = ["design", "operations", "mentoring"]
TYPES = [
    "pr",
    "commit",
    "rfc",
    "design-doc",
    "incident",
    "code-review",
    "mentoring",
    "documentation",
    "on-call",
    "tooling",
]
WORDS = (
    "retry payment queue latency schema index cache rollout alert runbook migration shard "
    "timeout budget review design incident service client batch metric dashboard deploy "
    "pipeline flag rollback capacity backlog contract consumer producer"
).split()
PEOPLE_PER_TEAM = 10
EVIDENCE_PER_PERSON = 50
REPO = "tiny/api"
FIRST_DAY = date(2024, 1, 1)
DAYS = (date(2026, 10, 31) - FIRST_DAY).days


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, handle: str, number: int) -> str:
    paras = [" ".join(_sentence(rng, rng.randint(8, 14)) for _ in range(3)) for _ in range(3)]
    return (
        f"## What happened\n\n{paras[0]}\n\n"
        f"## Impact\n\n{paras[1]} See [the pull request](https://git.example/{REPO}/pull/{number}).\n\n"
        f"- **Before:** `p99` at {rng.randint(300, 900)} ms\n"
        f"- **After:** `p99` at {rng.randint(80, 299)} ms\n"
        f"- *Reviewed by* @{handle}'s team\n\n"
        f"{paras[2]}\n"
    )


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def organisation(dest: Path, evidence: int, seed: int = 7) -> dict[str, Any]:
    """Write an organisation with `evidence` evidence entries into `dest` (emptied first)."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    for rel in SHARED:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MINIMAL / rel, dest / rel)
    people = max(2, -(-evidence // EVIDENCE_PER_PERSON))
    handles = [f"p{i:05d}" for i in range(people)]
    teams = [handles[i : i + PEOPLE_PER_TEAM] for i in range(0, people, PEOPLE_PER_TEAM)]
    team_ids = ["core"] + [f"team-{i:04d}" for i in range(1, len(teams))]
    files = len(SHARED)

    def write(rel: str, text: str) -> None:
        nonlocal files
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    # The minimal team 'core' keeps ann and bob (the KPI and postmortem refer to them).
    (dest / "teams/core.yaml").parent.mkdir(parents=True, exist_ok=True)
    top = handles[0]
    for team_id, members in zip(team_ids, teams):
        manager = members[0]
        names = members + (["ann", "bob"] if team_id == "core" else [])
        write(
            f"teams/{team_id}.yaml",
            f"kind: team\nid: {team_id}\nname: Team {team_id}\nmanager: {manager}\n"
            "members:\n" + "".join(f"  - {h}\n" for h in names) + "services:\n  - api\n",
        )
        for h in members:
            # One person in ten (index ending in 3) is an l2 working towards l3: they get a packet.
            level = "m3" if h == manager else "l2" if h.endswith("3") else rng.choice(["l1", "l2", "l2", "l3"])
            boss = None if h == top else (top if h == manager else manager)
            write(
                f"people/{h}/person.yaml",
                f"kind: person\nhandle: {h}\nname: Person {h[1:]}\nemails:\n  - {h}@tiny.example\n"
                f"track: backend\nlevel: {level}\nteam: {team_id}\n"
                + (f"manager: {boss}\n" if boss else "")
                + "start_date: 2023-01-15\n",
            )
    for rel in ("people/ann/person.yaml", "people/bob/person.yaml"):
        write(rel, (MINIMAL / rel).read_text(encoding="utf-8"))
    levels = {}
    for h in handles:
        text = (dest / f"people/{h}/person.yaml").read_text(encoding="utf-8")
        levels[h] = text.split("level: ", 1)[1].split("\n", 1)[0]

    pr = 0
    per_person: dict[str, list[tuple[str, date, str]]] = {h: [] for h in handles}
    for i in range(evidence):
        h = handles[i % people]
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        slug = f"{day.isoformat()}-{rng.choice(WORDS)}-{i:06d}"
        pr += 1
        comps = rng.sample(COMPETENCIES, rng.randint(1, 2))
        team = teams[(i % people) // PEOPLE_PER_TEAM]
        others = [o for o in team if o != h]
        collab = rng.sample(others, min(2, len(others)))
        merged = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=UTC) - timedelta(
            days=1
        )
        front = (
            "kind: evidence\n"
            f"date: {day.isoformat()}\n"
            f"author: {h}\n"
            f"type: {rng.choice(TYPES)}\n"
            f"title: {_sentence(rng, 6)[:-1]}\n"
            "links:\n"
            f"  - ref: {REPO}#{pr}\n"
            "    resolved:\n"
            f"      repo: {REPO}\n"
            f"      pr: {pr}\n"
            "      commits:\n"
            f"        - {_sha(rng)}\n"
            "      style: squash\n"
            f"      merged_at: {merged.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
            f"      files_changed: {rng.randint(1, 40)}\n"
            f"      url: https://git.example/{REPO}/pull/{pr}\n"
            f"      verified_at: 2026-11-01\n"
            f"  - {REPO}#{pr + 100000}\n"
            f"  - https://docs.example/{rng.choice(WORDS)}/{i}\n"
            "competencies:\n"
            + "".join(f"  - {c}\n" for c in comps)
            + f"goals:\n  - {h}/{day.year}-goals\n"
            + "collaborators:\n"
            + "".join(f"  - {c}\n" for c in collab)
            + f"scope: {rng.choice(['self', 'team', 'multi-team', 'org'])}\n"
            + "visibility: internal\n"
        )
        write(f"people/{h}/evidence/{slug}.md", f"---\n{front}---\n{_body(rng, h, pr)}")
        per_person[h].append((slug, day, comps[0]))

    for h in handles:
        for year in (2024, 2025, 2026):
            write(
                f"people/{h}/goals/{year}-goals.yaml",
                f"kind: goal\nperiod: {year}-Q1\nlevel: individual\nowner: {h}\n"
                f"objective: Make retries cheaper in {year}\nparent: 2026-q1-fast-api\nstatus: done\n"
                "key_results:\n  - id: retries\n    description: Retries per payment\n    baseline: 3\n"
                f"    target: 1\n    current: 1\n    unit: retries\n    due: {year}-03-31\n",
            )
        own = per_person[h]
        cite = own[0][0] if own else None
        manager = next(t for t in teams if h in t)[0]
        reviewer = manager if manager != h else "bob"
        write(
            f"people/{h}/reviews/2026-Q1.md",
            f"---\nkind: review\nperson: {h}\nperiod: 2026-Q1\nreviewer: {reviewer}\nstatus: final\n"
            f"key_results:\n  - goal: {h}/2026-goals\n    key_result: retries\n    completion: 100\n"
            "completion: 100\nrating: exceeds\n"
            + (
                f"feedback:\n  - from: {reviewer}\n    relation: manager\n    quote: Strong quarter.\n"
                f"    evidence:\n      - {h}/{cite}\n"
                if cite
                else ""
            )
            + "development_plan:\n  - skill: System design across teams\n    competency: design\n"
            "    resources:\n      - Pair on the next RFC\n    timeline: 2026-Q2\n"
            "    success_measures:\n      - An RFC adopted by another team\n" + "---\nA strong quarter.\n",
        )
        if levels[h] == "l2" and h.endswith("3") and own:
            target = {"l1": "l2", "l2": "l3"}[levels[h]]
            claims: dict[str, list[str]] = {}
            for slug, day, comp in own:
                if date(2025, 1, 1) <= day <= date(2026, 10, 31):
                    claims.setdefault(comp, []).append(slug)
            text = "".join(
                f"  - competency: {comp}\n    claim: Consistent {comp} work.\n    evidence:\n"
                + "".join(f"      - {h}/{s}\n" for s in slugs[:5])
                for comp, slugs in sorted(claims.items())
            )
            write(
                f"people/{h}/packets/2026-next.md",
                f"---\nkind: packet\ncandidate: {h}\ncurrent_level: {levels[h]}\ntarget_level: {target}\n"
                f"summary: {h} works at the next level.\nsponsor: {manager}\nstatus: draft\n"
                "window:\n  from: 2025-01-01\n  to: 2026-10-31\n"
                + ("claims:\n" + text if text else "")
                + "---\nSponsored.\n",
            )
    # The minimal org's own per-person records (ann's goal is what pm-1 and the KPI expect).
    for rel in ("people/ann/goals/2026-Q1-latency.yaml",):
        write(rel, (MINIMAL / rel).read_text(encoding="utf-8"))
    return {"evidence": evidence, "people": people + 2, "teams": len(teams), "files": files}


def git_repository(
    dest: Path, commits: int, tags: int, seed: int = 11, author: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A repository of `commits` commits on main (squash-merged PRs '(#N)', a few reverts
    and hotfixes) with `tags` deploy tags, written by one `git fast-import` stream. Commits
    are by random people, or all by `author` (name, email)."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(dest), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=env)
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    step = max(1, (int(datetime(2026, 11, 20, tzinfo=UTC).timestamp()) - start) // commits)
    every = max(1, commits // max(1, tags))
    lines: list[bytes] = []
    tag_no = 0
    for n in range(1, commits + 1):
        when = start + n * step
        handle = f"p{rng.randrange(2000):05d}"
        who = f"{author[0]} <{author[1]}>" if author else f"{handle} <{handle}@tiny.example>"
        if n % 97 == 0:
            msg = f'Revert "Change {n - 1} (#{n - 1})"\n\nThis reverts commit of #{n - 1}.\n'
        elif n % 89 == 0:
            msg = f"hotfix: restore service after change {n} (#{n})\n"
        else:
            msg = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} change {n} (#{n})\n"
        data = msg.encode()
        content = f"{n}\n".encode()
        lines.append(b"commit refs/heads/main\n")
        lines.append(f"mark :{n}\n".encode())
        lines.append(f"author {who} {when} +0000\n".encode())
        lines.append(f"committer {who} {when} +0000\n".encode())
        lines.append(f"data {len(data)}\n".encode() + data)
        if n > 1:
            lines.append(f"from :{n - 1}\n".encode())
        lines.append(f"M 100644 inline src/file{n % 500}.txt\ndata {len(content)}\n".encode() + content + b"\n")
        if n % every == 0 and tag_no < tags:
            tag_no += 1
            note = f"deploy {tag_no}\n".encode()
            lines.append(f"tag deploy-{tag_no:05d}\nfrom :{n}\n".encode())
            lines.append(f"tagger Deploy Bot <deploy@tiny.example> {when + 600} +0000\n".encode())
            lines.append(f"data {len(note)}\n".encode() + note)
    subprocess.run(["git", "-C", str(dest), "fast-import", "--quiet"], input=b"".join(lines), check=True, env=env)
    subprocess.run(["git", "-C", str(dest), "reset", "-q", "--hard", "main"], check=True, env=env)
    return {"commits": commits, "tags": tag_no}


# --- a history with real merge topology ----------------------------------------------------


def _email(handle: str) -> str:
    return f"{handle}@tiny.example"


class _Stream:
    """A `git fast-import` stream being written: commits on branches, marks, a clock."""

    def __init__(self, start: int, step: int) -> None:
        self.parts: list[bytes] = []
        self.mark = 0
        self.when = start
        self.step = step
        self.count = 0
        self.files = 0

    def commit(
        self,
        branch: str,
        author: str,
        message: str,
        parents: list[int],
        committer: str | None = None,
    ) -> int:
        self.mark += 1
        self.count += 1
        self.when += self.step
        self.files += 1
        who = f"Person {author[1:]} <{_email(author)}>"
        by = f"Person {committer[1:]} <{_email(committer)}>" if committer else who
        data = message.encode()
        content = f"{self.mark}\n".encode()
        out = [
            f"commit refs/heads/{branch}\nmark :{self.mark}\n".encode(),
            f"author {who} {self.when} +0000\ncommitter {by} {self.when} +0000\n".encode(),
            f"data {len(data)}\n".encode() + data,
        ]
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
        out += [f"merge :{p}\n".encode() for p in parents[1:]]
        out.append(f"M 100644 inline src/file{self.files % 700}.txt\ndata {len(content)}\n".encode() + content + b"\n")
        self.parts += out
        return self.mark

    def tag(self, name: str, mark: int) -> None:
        note = f"{name}\n".encode()
        self.parts.append(f"tag {name}\nfrom :{mark}\n".encode())
        self.parts.append(f"tagger Deploy Bot <deploy@tiny.example> {self.when + 600} +0000\n".encode())
        self.parts.append(f"data {len(note)}\n".encode() + note)


def merge_repository(
    dest: Path, commits: int, authors: int = 24, seed: int = 13, deploy_every: int = 12
) -> dict[str, Any]:
    """A repository of about `commits` commits whose main branch merges pull requests the
    ways real projects do (see the module's docstring), with a deploy tag every
    `deploy_every` commits on main's first-parent line. Returns the pull requests that
    landed on main's first-parent line: number -> (author, merge day, style, the marks of
    the author's own commits), the marks' shas, and counts."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(dest), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=env)
    people = [f"p{i:05d}" for i in range(authors)]
    start = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    # Commits land evenly over three years (to 2026-11-20).
    step = max(1, (int(datetime(2026, 11, 20, tzinfo=UTC).timestamp()) - start) // max(1, commits))
    st = _Stream(start, step)
    main = st.commit("main", people[0], "Initial commit\n", [])
    mainline = 1
    deploys = 0
    landed: dict[int, dict[str, Any]] = {}
    counts = {"merge": 0, "squash": 0, "stacked": 0, "release": 0, "back_merges": 0, "reverts": 0, "hotfixes": 0}
    number = 0

    def on_main(mark: int) -> None:
        nonlocal main, mainline, deploys
        main = mark
        mainline += 1
        if mainline % deploy_every == 0:
            deploys += 1
            st.tag(f"deploy-{deploys:05d}", main)

    def squash() -> None:
        nonlocal number
        number += 1
        who = rng.choice(people)
        if number % 97 == 0:
            counts["reverts"] += 1
            msg = f'Revert "{rng.choice(WORDS).capitalize()} change (#{number - 1})"\n\nThis reverts #{number - 1}.\n'
        elif number % 89 == 0:
            counts["hotfixes"] += 1
            msg = f"hotfix: restore {rng.choice(WORDS)} after change {number} (#{number})\n"
        else:
            msg = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} change {number} (#{number})\n"
        if rng.random() < 0.2:
            other = rng.choice(people)
            msg += f"\nCo-authored-by: Person {other[1:]} <{_email(other)}>\n"
        mark = st.commit("main", who, msg, [main])
        on_main(mark)
        counts["squash"] += 1
        if number % 97 and number % 89:
            landed[number] = {"author": who, "when": st.when, "style": "squash", "own": [mark]}

    def branch_work(branch: str, who: str, base: int, extra: int | None = None) -> tuple[int, list[int]]:
        """A pull request's branch from `base`: 1-4 commits by `who`, 0-3 merges of main
        into itself (with other work landing on main in between), and, for a stacked pull
        request, merges of the branch it is stacked on (`extra`, a callable's tip)."""
        tip, own = base, []
        for i in range(rng.randint(1, 4)):
            msg = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}, part {i + 1}\n"
            if rng.random() < 0.15:
                other = rng.choice(people)
                msg += f"\nCo-authored-by: Person {other[1:]} <{_email(other)}>\n"
            tip = st.commit(branch, who, msg, [tip])
            own.append(tip)
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3]) if i == 0 else rng.choice([0, 0, 1])):
                for _ in range(rng.randint(1, 3)):
                    squash()  # main moves on meanwhile
                tip = st.commit(branch, who, f"Merge branch 'main' into {branch}\n", [tip, main])
                counts["back_merges"] += 1
        return tip, own

    def merge_pr(branch: str, who: str, tip: int, own: list[int], style: str, n: int) -> None:
        merger = rng.choice(people)
        msg = f"Merge pull request #{n} from tiny/{branch}\n\n{rng.choice(WORDS).capitalize()} work\n"
        mark = st.commit("main", merger, msg, [main, tip])
        on_main(mark)
        counts[style] += 1
        landed[n] = {"author": who, "when": st.when, "style": style, "own": own}

    release = 0
    while st.count < commits:
        roll = rng.random()
        if roll < 0.35:
            squash()
        elif roll < 0.85:
            number += 1
            n, who = number, rng.choice(people)
            tip, own = branch_work(f"feature-{n}", who, main)
            merge_pr(f"feature-{n}", who, tip, own, "merge", n)
        elif roll < 0.98:
            # Stacked: B branches from A's branch and merges A's branch in again after A moves;
            # A lands first, then B merges main (now holding A's merge) and lands.
            number += 2
            a, b = number - 1, number
            wa, wb = rng.choice(people), rng.choice(people)
            tip_a, own_a = branch_work(f"feature-{a}", wa, main)
            tip_b, own_b = branch_work(f"feature-{b}", wb, tip_a)
            tip_a = st.commit(f"feature-{a}", wa, "Address review comments\n", [tip_a])
            own_a.append(tip_a)
            tip_b = st.commit(f"feature-{b}", wb, f"Merge branch 'feature-{a}' into feature-{b}\n", [tip_b, tip_a])
            merge_pr(f"feature-{a}", wa, tip_a, own_a, "merge", a)
            squash()
            tip_b = st.commit(f"feature-{b}", wb, f"Merge branch 'main' into feature-{b}\n", [tip_b, main])
            counts["back_merges"] += 1
            merge_pr(f"feature-{b}", wb, tip_b, own_b, "stacked", b)
        else:
            # A long-lived release branch: pull requests merge into it (not into main), it
            # merges main in, and main merges it as one pull request by the release manager.
            release += 1
            name = f"release-{release}"
            manager = people[release % len(people)]
            tip = st.commit(name, manager, f"Prepare release {release}\n", [main])
            own = [tip]
            for _ in range(rng.randint(3, 6)):
                number += 1
                who = rng.choice(people)
                ptip, _ = branch_work(f"fix-{number}", who, tip)
                msg = f"Merge pull request #{number} from tiny/fix-{number}\n\nInto {name}\n"
                tip = st.commit(name, manager, msg, [tip, ptip])
            squash()
            tip = st.commit(name, manager, f"Merge branch 'main' into {name}\n", [tip, main])
            counts["back_merges"] += 1
            number += 1
            merge_pr(name, manager, tip, own, "release", number)
    marks = dest / ".git" / "bench-marks"
    subprocess.run(
        ["git", "-C", str(dest), "fast-import", "--quiet", f"--export-marks={marks}"],
        input=b"".join(st.parts),
        check=True,
        env=env,
    )
    subprocess.run(["git", "-C", str(dest), "reset", "-q", "--hard", "main"], check=True, env=env)
    shas = dict(line.split() for line in marks.read_text().splitlines())
    marks.unlink()
    return {
        "commits": st.count,
        "mainline": mainline,
        "deploy_tags": deploys,
        "authors": people,
        "counts": counts,
        "landed": landed,
        "shas": {int(k[1:]): v for k, v in shas.items()},
    }


def links_records(dest: Path, repo: Path, made: dict[str, Any], links: int = 1000) -> dict[str, Any]:
    """A records folder (tests/fixtures/minimal, its team owning `repo` as tiny/api) with a
    person record per author of `made` (a `merge_repository` result) and evidence entries
    holding `links` links (four each: two pull requests by the entry's author, one of their
    commits by abbreviated sha, one web page), all of which resolve to their author's work."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(MINIMAL, dest)
    with open(dest / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"repositories:\n  tiny/api:\n    path: {repo}\n    default_branch: main\n")
    # The fixture's own pull-request link names work ann did not write in this history.
    ann = dest / "people/ann/evidence/2026-03-01-retry-redesign.md"
    ann.write_text(ann.read_text(encoding="utf-8").replace("tiny/api#12", "https://docs.example/retries"), "utf-8")
    team = (dest / "teams/core.yaml").read_text(encoding="utf-8")
    members = "".join(f"  - {h}\n" for h in made["authors"])
    team = team.replace("members:\n", f"members:\n{members}").replace(
        "services:", "repositories:\n  - tiny/api\nservices:"
    )
    (dest / "teams/core.yaml").write_text(team, encoding="utf-8")
    for h in made["authors"]:
        (dest / f"people/{h}").mkdir(parents=True)
        (dest / f"people/{h}/person.yaml").write_text(
            f"kind: person\nhandle: {h}\nname: Person {h[1:]}\nemails:\n  - {_email(h)}\n"
            "track: backend\nlevel: l2\nteam: core\nmanager: bob\nstart_date: 2023-01-15\n",
            encoding="utf-8",
        )
    # Pairs of one author's pull requests, spread over the history: half of the entries cite
    # squash merges, half merge commits (plain, stacked and release merges).
    kinds: dict[bool, list[tuple[str, int, int]]] = {}
    for merged in (False, True):
        by_author: dict[str, list[int]] = {}
        for n, pr in sorted(made["landed"].items()):
            if (pr["style"] != "squash") == merged:
                by_author.setdefault(pr["author"], []).append(n)
        pairs = [(h, ns[i], ns[i + 1]) for h, ns in sorted(by_author.items()) for i in range(0, len(ns) - 1, 2)]
        kinds[merged] = sorted(pairs, key=lambda p: p[1])
    entries = -(-links // 4)
    chosen = []
    for merged, want in ((True, entries // 2), (False, entries - entries // 2)):
        pairs = kinds[merged]
        chosen += [pairs[i * len(pairs) // want] for i in range(min(want, len(pairs)))]
    styles: dict[str, int] = {}
    written = 0
    for i, (h, a, b) in enumerate(chosen):
        first, second = made["landed"][a], made["landed"][b]
        day = datetime.fromtimestamp(max(first["when"], second["when"]), UTC).date().isoformat()
        sha = made["shas"][second["own"][-1]][:12]
        for pr in (first, second):
            styles[pr["style"]] = styles.get(pr["style"], 0) + 1
        folder = dest / f"people/{h}/evidence"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day}-bench-{i:04d}.md").write_text(
            f"---\nkind: evidence\ndate: {day}\nauthor: {h}\ntype: pr\ntitle: Changes {a} and {b}\nlinks:\n"
            f"  - tiny/api#{a}\n  - tiny/api#{b}\n  - tiny/api@{sha}\n  - https://docs.example/{i}\n"
            "competencies:\n  - design\n---\nWork.\n",
            encoding="utf-8",
        )
        written += 4
    return {"evidence": len(chosen), "links": written, "pull_requests_by_style": styles}


if __name__ == "__main__":  # python bench/corpus.py DEST EVIDENCE
    import sys

    print(organisation(Path(sys.argv[1]), int(sys.argv[2])))
