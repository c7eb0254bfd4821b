"""`perfdocs links check`: every link form, every merge style and every rule, against
real git repositories built in a temporary folder (real merges, squashes, rebased
commits with trailers, co-authors, tags): the `world` fixture, built by
tests/support/git.py (`linked_world`). Link text parsed alone: tests/unit/test_links.py."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from perfdocs.links import check as links
from perfdocs.links import index

from tests.support.cli import one_line
from tests.support.files import build_tree, edit
from tests.support.git import ANN, EV, GitRepo


def evidence(
    root: Path,
    name: str,
    links_: list[str],
    type_: str = "pr",
    date: str = "2026-04-02",
    author: str = "ann",
    extra: str = "",
) -> str:
    rel = f"people/{author}/evidence/{date}-{name}.md"
    items = "".join(f"  - {link}\n" for link in links_)
    build_tree(
        root,
        {
            rel: f"---\nkind: evidence\ndate: {date}\nauthor: {author}\ntype: {type_}\n"
            f"title: {name}\nlinks:\n{items}competencies:\n  - design\n{extra}---\nDone.\n"
        },
    )
    return f"records/{rel}"


# --- link forms -----------------------------------------------------------------------------


# --- resolution paths ---------------------------------------------------------------------


def test_every_merge_style_resolves_to_the_commits_that_merged_it(world):
    root, s = world["root"], world["shas"]
    evidence(
        root,
        "all",
        [
            "tiny/api#12",
            "https://github.com/tiny/api/pull/13",
            "tiny/api#14",
            "tiny/api#15",
            "tiny/api#16",
            "grp/sub/proj!7",
            "https://gitlab.com/grp/sub/proj/-/merge_requests/7",
            f"tiny/api@{s['12a'][:7]}",
            f"https://github.com/tiny/api/commit/{s['13']}",
            "https://wiki.tiny.example/retries",
            "postmortem:pm-1",
        ],
        date="2026-03-25",
        extra="collaborators:\n  - bob\n",
    )
    org, _ = _org(root)
    report = links.check(org, root)
    assert report.diagnostics == []
    got = {i: (r.style, r.commits, r.merged_at, r.url) for (_, i), r in report.resolutions.items()}
    assert got == {
        0: ("merge", [s["12"]], "2026-02-25T10:00:00+00:00", "https://github.com/tiny/api/pull/12"),
        1: ("squash", [s["13"]], "2026-03-03T10:00:00+00:00", "https://github.com/tiny/api/pull/13"),
        2: ("gitlab", [s["14"]], "2026-03-10T10:00:00+00:00", "https://github.com/tiny/api/pull/14"),
        3: ("trailer", [s["15a"], s["15b"]], "2026-03-12T11:00:00+00:00", "https://github.com/tiny/api/pull/15"),
        # Bob's own commit, pushed as he made it (nobody rebased it): a fast-forward
        4: ("fast-forward", [s["16"]], "2026-03-20T10:00:00+00:00", "https://github.com/tiny/api/pull/16"),
        5: ("gitlab", [s["proj-7"]], "2026-02-02T10:00:00+00:00", "https://gitlab.com/grp/sub/proj/-/merge_requests/7"),
        6: ("gitlab", [s["proj-7"]], "2026-02-02T10:00:00+00:00", "https://gitlab.com/grp/sub/proj/-/merge_requests/7"),
        7: ("commit", [s["12a"]], "2026-02-20T10:00:00+00:00", f"https://github.com/tiny/api/commit/{s['12a']}"),
        8: ("commit", [s["13"]], "2026-03-03T10:00:00+00:00", f"https://github.com/tiny/api/commit/{s['13']}"),
    }


def _org(root: Path):
    from perfdocs.records import organisation
    from perfdocs.records.load import load_records

    return organisation.build(load_records(root).records)


def test_links_check_is_clean_and_says_what_it_checked(cli, world, tmp_path):
    evidence(world["root"], "ok", ["tiny/api#12", "tiny/api#15", "postmortem:pm-1"], date="2026-03-20")
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == ""
    assert res.stderr == "5 links checked, 3 resolved against git: 0 errors, 0 warnings (ok)\n"


def test_an_unmerged_pr_and_an_unknown_sha_are_unresolved(cli, world, tmp_path):
    path = evidence(world["root"], "bad", ["tiny/api#99", "tiny/api#404", "tiny/api@deadbeef", "grp/sub/proj!8"])
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stdout == (
        f"{path}:8:5: tiny/api#99: no commit on main of tiny/api merged pull request #99 [link/unresolved]\n"
        "   |\n"
        " 8 |   - tiny/api#99\n"
        "   |     ^^^^^^^^^^^\n"
        "   = help: looked for 'Merge pull request #99', '(#99)', 'See merge request ...!99' and PR trailers\n"
        "\n"
        f"{path}:9:5: tiny/api#404: no commit on main of tiny/api merged pull request #404 [link/unresolved]\n"
        "   |\n"
        " 9 |   - tiny/api#404\n"
        "   |     ^^^^^^^^^^^^\n"
        "   = help: looked for 'Merge pull request #404', '(#404)', 'See merge request ...!404' and PR trailers\n"
        "\n"
        f"{path}:10:5: tiny/api@deadbeef: no commit deadbeef on main of tiny/api [link/unresolved]\n"
        "    |\n"
        " 10 |   - tiny/api@deadbeef\n"
        "    |     ^^^^^^^^^^^^^^^^^\n"
        "\n"
        f"{path}:11:5: grp/sub/proj!8: no commit on trunk of grp/sub/proj merged pull request #8 [link/unresolved]\n"
        "    |\n"
        " 11 |   - grp/sub/proj!8\n"
        "    |     ^^^^^^^^^^^^^^\n"
        "    = help: looked for 'Merge pull request #8', '(#8)', 'See merge request ...!8' and PR trailers\n"
        "\n"
    )


def _commit_with_prefix(repo: GitRepo, prefix_of: str, n: int, message: str) -> str:
    """Commit on main whose sha starts with the first `n` hex digits of `prefix_of`: the
    commit object is hashed here, varying its message, then created for real with git."""
    tree = repo.git("write-tree")
    parent = repo.git("rev-parse", "HEAD")
    stamp = "1775000000 +0000"
    for i in range(10_000_000):
        msg = f"{message} {i}\n"
        body = (
            f"tree {tree}\nparent {parent}\nauthor {ANN[0]} <{ANN[1]}> {stamp}\n"
            f"committer {ANN[0]} <{ANN[1]}> {stamp}\n\n{msg}"
        ).encode()
        sha = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        if sha[:n] == prefix_of[:n]:
            break
    env = {
        "GIT_AUTHOR_NAME": ANN[0],
        "GIT_AUTHOR_EMAIL": ANN[1],
        "GIT_COMMITTER_NAME": ANN[0],
        "GIT_COMMITTER_EMAIL": ANN[1],
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        made = repo.git("commit-tree", tree, "-p", parent, "-m", msg.rstrip("\n"))
    finally:
        for k, v in saved.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert made == sha
    repo.git("update-ref", "refs/heads/main", made)
    return made


def test_an_ambiguous_short_sha_is_an_error_listing_the_candidates(cli, world, tmp_path):
    api = world["api"]
    first = world["shas"]["20"]
    twin = _commit_with_prefix(api, first, 4, "Tidy")
    path = evidence(world["root"], "short", [f"tiny/api@{first[:4]}", f"tiny/api@{first[:12]}"], type_="code-review")
    tidy = api.git("log", "-1", "--format=%s", twin)
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    pair = sorted([(first, "2026-04-01", 'Revert "Jittered backoff (#13)" (#20)'), (twin, "2026-03-31", tidy)])
    shown = ", ".join(f"{sha[:12]} ({day} {subject!r})" for sha, day, subject in pair)
    assert res.stdout == (
        f"{path}:8:5: tiny/api@{first[:4]}: the short sha {first[:4]} matches 2 commits: {shown} "
        "[link/ambiguous-sha]\n"
        "   |\n"
        f" 8 |   - tiny/api@{first[:4]}\n"
        "   |     ^^^^^^^^^^^^^\n"
        "   = help: write more digits of the sha\n"
        "\n"
    )


# --- authorship ---------------------------------------------------------------------------


def test_work_by_someone_else_is_not_the_evidence_authors(cli, world, tmp_path):
    s = world["shas"]
    path = evidence(world["root"], "theirs", ["tiny/api#14", "tiny/api#19", f"tiny/api@{s['17'][:10]}"])
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    hint = (
        "= help: add the author's email to their person record, list the real author under 'collaborators', "
        "or use a type that does not claim authorship (e.g. code-review)\n"
    )
    assert res.stdout == (
        f"{path}:8:5: tiny/api#14 was not authored by the evidence's author ann (ann@tiny.example): "
        "its commits are by bob@tiny.example [link/not-author]\n"
        "   |\n"
        " 8 |   - tiny/api#14\n"
        "   |     ^^^^^^^^^^^\n"
        f"   {hint}\n"
        f"{path}:9:5: tiny/api#19 was not authored by the evidence's author ann (ann@tiny.example): "
        "its commits are by bob@tiny.example; ann only committed it (ann@tiny.example), which is not writing it "
        "[link/not-author]\n"
        "   |\n"
        " 9 |   - tiny/api#19\n"
        "   |     ^^^^^^^^^^^\n"
        f"   {hint}\n"
        # never GitHub's web-merge committer (noreply@github.com) among the authors
        f"{path}:10:5: tiny/api@{s['17'][:10]} was not authored by the evidence's author ann (ann@tiny.example): "
        "its commits are by bob@tiny.example [link/not-author]\n"
        "    |\n"
        f" 10 |   - tiny/api@{s['17'][:10]}\n"
        "    |     ^^^^^^^^^^^^^^^^^^^\n"
        f"    {hint}\n"
    )


def test_co_authors_and_merged_in_commits_count_as_authorship(cli, world, tmp_path):
    evidence(world["root"], "mine", ["tiny/api#12", "tiny/api#16"])
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_committing_is_not_authoring_unless_the_org_opts_in(cli, world, tmp_path):
    """#18 is bob's work that ann committed: pressing merge, squashing or rebasing is not writing it."""
    path = evidence(world["root"], "mine", ["tiny/api#12", "tiny/api#16", "tiny/api#18"])
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 1, res
    assert res.stdout.startswith(f"{path}:10:5: tiny/api#18 was not authored by the evidence's author ann ")
    first, *more = [line for line in res.stdout.splitlines() if line and not line.startswith(" ")]
    assert first.endswith("[link/not-author]") and not more
    with open(world["root"] / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("links:\n  committer_counts_as_author: true\n")  # a `git am` workflow
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_collaborators_and_review_types_may_cite_others_work(cli, world, tmp_path):
    root = world["root"]
    evidence(root, "paired", ["tiny/api#14"], extra="collaborators:\n  - bob\n")
    evidence(root, "reviewed", ["tiny/api#14", "tiny/api#17"], type_="code-review")
    res = cli("links", "check", "records", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_authorship_types_can_be_configured_in_the_org(cli, world, tmp_path):
    root = world["root"]
    with open(root / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("links:\n  authorship_types: [pr, code-review]\n")
    path = evidence(root, "reviewed", ["tiny/api#17"], type_="code-review")
    res = cli("links", "check", "records", cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout.startswith(f"{path}:8:5: tiny/api#17 was not authored by the evidence's author ann")


# --- dates --------------------------------------------------------------------------------


def test_evidence_dated_long_before_the_merge_is_a_warning(cli, world, tmp_path):
    path = evidence(world["root"], "early", ["tiny/api#13", "tiny/api#15"], date="2026-02-20")
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == (
        f"{path}:9:5: warning: the evidence is dated 2026-02-20 but tiny/api#15 merged on 2026-03-12, 20 days "
        "later (tolerance 14 days) [link/date-mismatch]\n"
        "   |\n"
        " 9 |   - tiny/api#15\n"
        "   |     ^^^^^^^^^^^\n"
        "   = help: date the evidence when the work landed\n"
        "\n"
    )
    assert cli("links", "check", path, "--date-tolerance", "30", cwd=tmp_path).stdout == ""
    assert cli("links", "check", path, "--strict", cwd=tmp_path).exit_code == 1


# --- postmortems, configuration, malformed links -------------------------------------------


def test_a_postmortem_link_needs_the_author_among_participants_or_owners(cli, world, tmp_path):
    root = world["root"]
    edit(root / "postmortems/pm-1.md", "  - ann\n  - bob\n", "  - bob\n")
    ok = evidence(root, "owner", ["postmortem:pm-1"])  # ann still owns an action item
    edit(root / "postmortems/pm-1.md", "    owner: ann\n", "    owner: bob\n")
    res = cli("links", "check", ok, cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout == (
        f"{ok}:8:5: ann is neither a participant nor an action-item owner of postmortem pm-1 "
        "[link/postmortem-not-participant]\n"
        "   |\n"
        " 8 |   - postmortem:pm-1\n"
        "   |     ^^^^^^^^^^^^^^^\n"
        "   = help: add ann to records/postmortems/pm-1.md's participants, or link something else\n"
        "\n"
    )


def test_a_link_into_an_unconfigured_repository_names_the_fix(cli, world, tmp_path):
    path = evidence(
        world["root"], "elsewhere", ["tiny/apl#12", "https://github.com/torvalds/linux/pull/1", "see the API docs"]
    )
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout == (
        f"{path}:8:5: tiny/apl#12: repository tiny/apl is not in org.yaml 'repositories'; did you mean "
        "'tiny/api'? [link/repo-not-configured]\n"
        "   |\n"
        " 8 |   - tiny/apl#12\n"
        "   |     ^^^^^^^^^^^\n"
        "   = help: add it under 'repositories' with the path of a local clone\n"
        "\n"
        f"{path}:9:5: warning: https://github.com/torvalds/linux/pull/1: repository "
        "https://github.com/torvalds/linux is not in org.yaml 'repositories' [link/repo-not-configured]\n"
        "   |\n"
        " 9 |   - https://github.com/torvalds/linux/pull/1\n"
        "   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "\n"
        f"{path}:10:5: warning: 'see the API docs' is not a link perfdocs understands [link/malformed]\n"
        "    |\n"
        " 10 |   - see the API docs\n"
        "    |     ^^^^^^^^^^^^^^^^\n"
        "    = help: use owner/repo#123, a PR or MR URL, owner/repo@<sha>, postmortem:<id> or an http(s) URL\n"
        "\n"
    )


def test_a_repository_that_is_not_cloned_is_a_configuration_error(cli, world, tmp_path):
    root = world["root"]
    edit(root / "org.yaml", "    path: ../proj\n", "    path: ../clones/proj\n")
    evidence(root, "x", ["grp/sub/proj!7", "grp/sub/proj!8", "tiny/api#12"])
    res = cli("links", "check", cwd=tmp_path / "records")
    assert res.exit_code == 1
    line = (root / "org.yaml").read_text().splitlines().index("  grp/sub/proj:") + 1
    assert res.stdout == (
        f"org.yaml:{line}:3: repository grp/sub/proj is not cloned: no git repository at ../clones/proj "
        "(from org.yaml; set $PERFDOCS_REPO_GRP_SUB_PROJ to use another clone) [link/repo-missing]\n"
        "    |\n"
        f" {line} |   grp/sub/proj:\n"
        "    |   ^^^^^^^^^^^^\n"
        "    = help: clone it there, or point the path or the environment variable at a clone\n"
        "\n"
    )


def test_an_environment_variable_points_ci_at_another_clone(cli, world, tmp_path, monkeypatch):
    root = world["root"]
    edit(root / "org.yaml", "    path: ../proj\n", "    path: ../clones/proj\n")
    evidence(root, "x", ["grp/sub/proj!7"], date="2026-02-02")
    monkeypatch.setenv("PERFDOCS_REPO_GRP_SUB_PROJ", str(world["proj"].path))
    res = cli("links", "check", cwd=root)
    assert (res.exit_code, res.stdout) == (0, ""), res
    monkeypatch.setenv("PERFDOCS_REPO_GRP_SUB_PROJ", str(tmp_path / "nowhere"))
    res = cli("links", "check", cwd=root)
    assert res.exit_code == 1
    assert "no git repository at " + str(tmp_path / "nowhere") + " (set by $PERFDOCS_REPO_GRP_SUB_PROJ)" in res.stdout


def test_a_missing_default_branch_is_a_configuration_error(cli, world, tmp_path):
    root = world["root"]
    edit(root / "org.yaml", "    default_branch: main\n", "    default_branch: master\n")
    evidence(root, "x", ["tiny/api#12"])
    res = cli("links", "check", cwd=root)
    assert res.exit_code == 1
    assert "repository tiny/api has no branch 'master' (its default_branch in org.yaml)" in res.stdout


# --- output formats -------------------------------------------------------------------------


def test_json_and_github_formats_carry_the_same_findings(cli, world, tmp_path):
    path = evidence(world["root"], "bad", ["tiny/api#99"])
    res = cli("links", "check", path, "--format", "json", cwd=tmp_path)
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert doc["summary"] == {"errors": 1, "warnings": 0, "links": 1, "resolved": 0}
    assert [(d["path"], d["line"], d["col"], d["rule"]) for d in doc["diagnostics"]] == [
        (path, 8, 5, "link/unresolved")
    ]
    res = cli("links", "check", path, "--format", "github", cwd=tmp_path)
    assert res.stdout.startswith(f"::error file={path},line=8,col=5,title=link/unresolved::tiny/api#99: no commit")


# --- validate -----------------------------------------------------------------------------


def test_validate_checks_links_when_the_clones_are_present(cli, world, tmp_path):
    path = evidence(world["root"], "bad", ["tiny/api#99"])
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout.startswith(f"{path}:8:5: tiny/api#99: no commit on main")
    res = cli("validate", "records", "--no-links", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, ""), res


def test_validate_says_which_repositories_it_did_not_check(cli, world, tmp_path):
    root = world["root"]
    edit(root / "org.yaml", "    path: ../proj\n", "    path: ../clones/proj\n")
    evidence(root, "x", ["grp/sub/proj!99", "tiny/api#12"])
    res = cli("validate", "records", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == ""
    assert res.stderr == (
        "17 files checked: 0 errors, 0 warnings (ok)\n"
        "note: 2 evidence links verified against git (of 4 links; web addresses and postmortems are not git links)\n"
        "note: evidence links into grp/sub/proj not checked: repository grp/sub/proj is not cloned: no git "
        "repository at clones/proj (from org.yaml; set $PERFDOCS_REPO_GRP_SUB_PROJ to use another clone) "
        "(run 'perfdocs links check' once it is cloned)\n"
    )


# --- the index: built once per repository per run, cached by head --------------------------


def test_the_index_is_built_once_for_many_links_and_not_at_all_when_cached(world, tmp_path):
    root, api = world["root"], world["api"]
    for i in range(30):
        evidence(
            root, f"e{i}", ["tiny/api#12", "tiny/api#15", f"tiny/api@{world['shas']['12a'][:8]}"], date="2026-03-20"
        )
    org, _ = _org(root)
    before = index.log_walks
    assert links.check(org, root).diagnostics == []
    assert index.log_walks - before == 1  # tiny/api only: nothing links into grp/sub/proj
    assert links.check(org, root).diagnostics == []
    assert index.log_walks - before == 1  # head unchanged: read from the cache
    api.commit("Later work (#21)", {"later.py": "x\n"}, "2026-04-10T10:00:00+00:00", ANN)
    assert links.check(org, root).diagnostics == []
    assert index.log_walks - before == 2  # a new head: walked again, once
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["key", "links-tiny_api.marshal"]


def test_a_damaged_cache_is_rebuilt(world, tmp_path):
    root = world["root"]
    evidence(root, "e", ["tiny/api#12"], date="2026-03-01")
    org, _ = _org(root)
    links.check(org, root)
    (tmp_path / "cache" / "links-tiny_api.marshal").write_bytes(b"{not marshal")
    before = index.log_walks
    assert links.check(org, root).diagnostics == []
    assert index.log_walks - before == 1


def test_the_cache_can_be_turned_off(world, monkeypatch):
    root = world["root"]
    monkeypatch.setenv("PERFDOCS_CACHE", "0")
    org, _ = _org(root)
    before = index.log_walks
    links.check(org, root)
    links.check(org, root)
    assert index.log_walks - before == 2


# --- links resolve --write ----------------------------------------------------------------

RESOLVE_EV = """\
---
# the retry work
kind: evidence
date: 2026-04-02
author: ann
type: pr
title: "Retries"   # quoted on purpose
links:
  - https://wiki.tiny.example/retries
  - tiny/api#12    # the merge
  - 'tiny/api#15'
  - ref: tiny/api#13
competencies:
  - design
---
Body with links: tiny/api#12 stays as written.
"""


def test_resolve_write_records_resolutions_and_keeps_everything_else(cli, world, tmp_path):
    s = world["shas"]
    path = world["root"] / EV / "2026-04-02-write.md"
    path.write_text(RESOLVE_EV, encoding="utf-8")
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stderr.endswith(f"wrote 1 evidence file: records/{EV}/2026-04-02-write.md\n")
    assert (
        path.read_text(encoding="utf-8")
        == f"""\
---
# the retry work
kind: evidence
date: 2026-04-02
author: ann
type: pr
title: "Retries"   # quoted on purpose
links:
  - https://wiki.tiny.example/retries
  - ref: tiny/api#12
    resolved:
      repo: tiny/api
      pr: 12
      commits:
        - {s["12"]}
      style: merge
      merged_at: '2026-02-25T10:00:00+00:00'
      files_changed: 2
      url: https://github.com/tiny/api/pull/12
      role: author
      as: ann@tiny.example
      verified_at: '2026-11-24'    # the merge
  - ref: 'tiny/api#15'
    resolved:
      repo: tiny/api
      pr: 15
      commits:
        - {s["15a"]}
        - {s["15b"]}
      style: trailer
      merged_at: '2026-03-12T11:00:00+00:00'
      files_changed: 2
      url: https://github.com/tiny/api/pull/15
      role: author
      as: ann@tiny.example
      verified_at: '2026-11-24'
  - ref: tiny/api#13
    resolved:
      repo: tiny/api
      pr: 13
      commits:
        - {s["13"]}
      style: squash
      merged_at: '2026-03-03T10:00:00+00:00'
      files_changed: 1
      url: https://github.com/tiny/api/pull/13
      role: author
      as: ann@tiny.example
      verified_at: '2026-11-24'
competencies:
  - design
---
Body with links: tiny/api#12 stays as written.
"""
    )
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0


def test_resolve_write_is_idempotent_and_refreshes_a_stale_resolution(cli, world, tmp_path, monkeypatch):
    path = world["root"] / EV / "2026-04-02-write.md"
    path.write_text(RESOLVE_EV, encoding="utf-8")
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    once = path.read_bytes()
    monkeypatch.setenv("PERFDOCS_TODAY", "2026-11-30")  # a later run that finds nothing new
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 0 and res.stderr.endswith("wrote 0 evidence files (all up to date)\n"), res
    assert path.read_bytes() == once
    edit(path, "      style: squash\n", "      style: merge\n")  # a stale or hand-edited record
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    assert path.read_bytes() == once.replace(
        b"      style: squash\n      merged_at: '2026-03-03T10:00:00+00:00'\n      files_changed: 1\n"
        b"      url: https://github.com/tiny/api/pull/13\n      role: author\n      as: ann@tiny.example\n"
        b"      verified_at: '2026-11-24'",
        b"      style: squash\n      merged_at: '2026-03-03T10:00:00+00:00'\n      files_changed: 1\n"
        b"      url: https://github.com/tiny/api/pull/13\n      role: author\n      as: ann@tiny.example\n"
        b"      verified_at: '2026-11-30'",
    )


def test_a_recorded_resolution_that_disagrees_with_git_is_reported(cli, world, tmp_path):
    path = world["root"] / EV / "2026-04-02-write.md"
    path.write_text(RESOLVE_EV, encoding="utf-8")
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    assert cli("links", "check", path, cwd=tmp_path).stdout == ""
    s = world["shas"]
    edit(path, f"        - {s['13']}\n", f"        - {s['12']}\n")  # vouches for another commit
    res = cli("links", "check", path, cwd=tmp_path)
    assert res.exit_code == 1
    assert res.stdout == (
        f"records/{EV}/2026-04-02-write.md:39:7: the recorded resolution of tiny/api#13 disagrees with git "
        "(commits) [link/stale-resolution]\n"
        "    |\n"
        " 39 |       repo: tiny/api\n"
        "    |       ^^^^\n"
        "    = help: run 'perfdocs links resolve --write' to record what git says\n"
        "\n"
    )


def test_resolve_write_keeps_crlf_line_endings_and_flow_lists(cli, world, tmp_path):
    s = world["shas"]
    path = world["root"] / EV / "2026-04-02-crlf.md"
    text = (
        "---\r\nkind: evidence\r\ndate: 2026-04-02\r\nauthor: ann\r\ntype: pr\r\ntitle: CRLF\r\n"
        "links: [tiny/api#13, https://x.example]\r\ncompetencies: [design]\r\n---\r\nBody.\r\n"
    )
    path.write_bytes(text.encode())
    assert cli("links", "resolve", "--write", path, cwd=tmp_path).exit_code == 0
    assert path.read_bytes().decode() == text.replace(
        "[tiny/api#13,",
        "[{ref: tiny/api#13, resolved: {repo: tiny/api, pr: 13, commits: "
        f"[{s['13']}], style: squash, merged_at: '2026-03-03T10:00:00+00:00', files_changed: 1, "
        "url: https://github.com/tiny/api/pull/13, role: author, as: ann@tiny.example, verified_at: '2026-11-24'}},",
    )
    assert cli("validate", "records", cwd=tmp_path).exit_code == 0


def test_resolve_without_write_shows_resolutions_and_changes_nothing(cli, world, tmp_path):
    s = world["shas"]
    path = world["root"] / EV / "2026-04-02-write.md"
    path.write_text(RESOLVE_EV, encoding="utf-8")
    res = cli("links", "resolve", path, cwd=tmp_path)
    assert res.exit_code == 0, res
    shown = f"records/{EV}/2026-04-02-write.md"
    assert res.stdout == (
        f"{shown}:10:5: tiny/api#12 -> merge {s['12'][:12]}, merged 2026-02-25\n"
        f"{shown}:11:5: tiny/api#15 -> trailer {s['15a'][:12]} {s['15b'][:12]}, merged 2026-03-12\n"
        f"{shown}:12:10: tiny/api#13 -> squash {s['13'][:12]}, merged 2026-03-03\n"
    )
    assert path.read_text(encoding="utf-8") == RESOLVE_EV


# --- a large history ------------------------------------------------------------------------


def _large_history(path: Path, commits: int) -> None:
    """`commits` squash merges '(#N)' on main by Ann, written by git fast-import."""
    GitRepo(path)
    start = 1767225600  # 2026-01-01
    parts = []
    for n in range(1, commits + 1):
        who = ANN
        msg = f"Change {n} (#{n})\n".encode()
        body = f"{n}\n".encode()
        parts.append(b"commit refs/heads/main\nmark :%d\n" % n)
        parts.append(f"author {who[0]} <{who[1]}> {start + n * 300} +0000\n".encode())
        parts.append(f"committer {who[0]} <{who[1]}> {start + n * 300} +0000\n".encode())
        parts.append(b"data %d\n%s" % (len(msg), msg))
        if n > 1:
            parts.append(b"from :%d\n" % (n - 1))
        parts.append(b"M 100644 inline f%d.txt\ndata %d\n%s\n" % (n % 100, len(body), body))
    import subprocess

    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=b"".join(parts), check=True)


@pytest.mark.slow
def test_a_thousand_links_into_fifty_thousand_commits_walk_the_log_once(minimal, tmp_path, monkeypatch, capsys):
    import time

    monkeypatch.setenv("PERFDOCS_CACHE_DIR", str(tmp_path / "cache"))
    with open(minimal / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("repositories:\n  tiny/api:\n    path: ../big\n    default_branch: main\n")
    _large_history(tmp_path / "big", 50_000)
    shas = GitRepo.__new__(GitRepo)
    shas.path = tmp_path / "big"
    shas = shas.git("rev-list", "main").split()[::-1]  # oldest first: shas[n - 1] merged #n
    for i in range(250):  # 250 entries x 4 links: PRs across the history, abbreviated shas, a URL
        n = 1 + (i * 199) % 49_990
        evidence(
            minimal,
            f"e{i}",
            [f"tiny/api#{n}", f"tiny/api#{n + 2}", f"tiny/api@{shas[n][:10]}", "https://docs.example/x"],
            date=dt_of(n + 2),
        )
    org, _ = _org(minimal)
    before = index.log_walks
    t0 = time.perf_counter()
    cold = links.check(org, minimal)
    t1 = time.perf_counter()
    warm = links.check(org, minimal)
    t2 = time.perf_counter()
    assert index.log_walks - before == 1
    assert cold.links == warm.links == 1002  # the minimal fixture's own two links included
    assert cold.diagnostics == warm.diagnostics == []
    assert len(cold.resolutions) == 751  # 750 + the fixture's tiny/api#12
    with capsys.disabled():
        print(
            f"\n  links check: {cold.links} links, 50,000 commits: {t1 - t0:.2f} s cold "
            f"(one log walk), {t2 - t1:.2f} s with the index cached"
        )


def dt_of(n: int) -> str:
    import datetime as dt

    return (dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n * 300)).date().isoformat()


def test_links_render_to_web_addresses_without_the_clones(world):
    org, _ = _org(world["root"])
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert [
        links.href(org, text)
        for text in [
            "tiny/api#12",
            f"tiny/api@{sha[:10]}",
            "grp/sub/proj!7",
            f"grp/sub/proj@{sha}",
            "https://github.com/other/repo/pull/3",
            "https://wiki.tiny.example/x",
            "postmortem:pm-1",
            "other/repo#1",
        ]
    ] == [
        "https://github.com/tiny/api/pull/12",
        f"https://github.com/tiny/api/commit/{sha[:10]}",
        "https://gitlab.com/grp/sub/proj/-/merge_requests/7",
        f"https://gitlab.com/grp/sub/proj/-/commit/{sha}",
        "https://github.com/other/repo/pull/3",
        "https://wiki.tiny.example/x",
        None,
        None,
    ]


def test_every_link_rule_is_catalogued_and_shown_in_a_whole_output_here():
    import re

    from perfdocs.rules import RULES

    shown = set(re.findall(r"\[(link/[a-z-]+)\]", Path(__file__).read_text(encoding="utf-8")))
    assert shown == {rule for rule in RULES if rule.startswith("link/")}


def test_an_index_not_written_with_the_local_key_is_never_read(world, tmp_path):
    """The cache folder may sit in a checkout: an index someone committed or crafted (here,
    a valid one sealed under another key, listing no commits) must not decide what resolves."""
    import hashlib
    import hmac
    import marshal

    root = world["root"]
    evidence(root, "e", ["tiny/api#12"], date="2026-03-01")
    org, _ = _org(root)
    assert links.check(org, root).diagnostics == []
    path = tmp_path / "cache" / "links-tiny_api.marshal"
    data = marshal.loads(path.read_bytes()[32:])
    forged = marshal.dumps(
        {
            **data,
            **{
                k: type(v)()
                for k, v in data.items()
                if isinstance(v, (dict, list)) and k not in ("version", "head", "branch")
            },
        }
    )
    path.write_bytes(hmac.new(b"another key" * 3, forged, hashlib.sha256).digest() + forged)
    before = index.log_walks
    assert links.check(org, root).diagnostics == []  # walked again: the forged index was ignored
    assert index.log_walks - before == 1
    assert links.check(org, root).diagnostics == []  # and the index it wrote is read back
    assert index.log_walks - before == 1


ALIASED_EV = """\
---
kind: evidence
date: 2026-04-02
author: ann
type: pr
title: &pr tiny/api#13
links:
  - tiny/api#12
  - *pr
competencies:
  - design
---
Body.
"""


def test_resolve_write_refuses_a_link_it_cannot_edit_and_leaves_the_file_untouched(cli, world, tmp_path):
    """An alias's text is the anchored value, written elsewhere: editing it there would change
    the title too. The whole file is left as it was, and the link is reported where it is."""
    s = world["shas"]
    path = world["root"] / EV / "2026-04-02-aliased.md"
    path.write_text(ALIASED_EV, encoding="utf-8")
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    shown = f"records/{EV}/2026-04-02-aliased.md"
    assert one_line(res.stdout) == (
        f"{shown}:8:5: tiny/api#12 -> merge {s['12'][:12]}, merged 2026-02-25\n"
        f"{shown}:6:8: tiny/api#13 -> squash {s['13'][:12]}, merged 2026-03-03\n"
        f"{shown}:9:5: the link is an alias (*pr) of a value written elsewhere: write the link itself here; "
        "the file was not written (record this link's resolution by hand, or write the links as a plain list) "
        "[link/write-refused]\n"
    )
    assert res.stderr.endswith("wrote 0 evidence files (all up to date)\n")
    assert path.read_text(encoding="utf-8") == ALIASED_EV
