"""`links resolve --write` on every YAML style of `links:` (issue 13, item 5): a corpus of
evidence files, each resolved against the real repositories of the `world` fixture
(tests/support/git.py). For every style the writer either

- records the resolutions, and then the file parses to exactly the data expected (each link
  as it was, carrying the same `resolved:` block as the plain form of the same link gets),
  every line outside the links it rewrote is byte-for-byte the same, and a second run
  changes nothing; or
- refuses the file: it stays byte-identical, the command exits 1, and each link it could not
  write is reported at its position as `link/write-refused`.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml

from perfdocs.records import parse

from tests.support.git import EV

HEAD = "---\nkind: evidence\ndate: 2026-04-02\nauthor: ann\ntype: pr\ntitle: Styles\n"
TAIL = "competencies:\n  - design\n---\nThe body: tiny/api#13 stays as written.\n"


def doc(links: str, head: str = HEAD, tail: str = TAIL) -> str:
    return head + links + tail


STYLES: dict[str, str] = {
    "plain": doc("links:\n  - tiny/api#13\n  - tiny/api#12\n"),
    "single-quoted": doc("links:\n  - 'tiny/api#13'\n  - 'tiny/api#12'\n"),
    "double-quoted": doc('links:\n  - "tiny/api#13"\n  - "tiny/api#12"\n'),
    "double-quoted-escaped-break": doc('links:\n  - "tiny/api\\\n    #13"\n'),
    "inline-comments": doc("links:   # what shipped\n  - tiny/api#13   # the squash\n  - tiny/api#12 # the merge\n"),
    "comments-between-items": doc(
        "links:\n  # first the squash\n  - tiny/api#13\n  # then the merge\n  - tiny/api#12\n"
    ),
    "blank-lines-between-items": doc("links:\n\n  - tiny/api#13\n\n  - tiny/api#12\n\n"),
    "trailing-spaces": doc("links:  \n  - tiny/api#13   \n  - tiny/api#12 \n"),
    "not-indented-sequence": doc("links:\n- tiny/api#13\n- tiny/api#12\n"),
    "wide-indentation": doc("links:\n    -   tiny/api#13\n    -   tiny/api#12\n"),
    "four-space-document": "---\nkind: evidence\ndate: 2026-04-02\nauthor: ann\ntype: pr\ntitle: Styles\n"
    "links:\n    - tiny/api#13\ncompetencies:\n    - design\n---\nBody.\n",
    "crlf": doc("links:\n  - tiny/api#13\n  - tiny/api#12\n").replace("\n", "\r\n"),
    "bom": "\ufeff" + doc("links:\n  - tiny/api#13\n  - tiny/api#12\n"),
    "bom-and-crlf": "\ufeff" + doc("links:\n  - tiny/api#13   # squash\n").replace("\n", "\r\n"),
    "flow-sequence": doc("links: [tiny/api#13, https://wiki.tiny.example/x, tiny/api#12]\n"),
    "flow-sequence-quoted": doc("links: ['tiny/api#13', \"tiny/api#12\"]\n"),
    "flow-sequence-multiline-comments": doc(
        "links: [\n    tiny/api#13,   # the squash\n    postmortem:pm-1,\n    tiny/api#12,\n  ]\n"
    ),
    "flow-mapping-items": doc("links:\n  - {ref: tiny/api#13}\n  - { ref: 'tiny/api#12' }\n"),
    "block-mapping-items": doc("links:\n  - ref: tiny/api#13\n  - ref: tiny/api#12   # merged by bob\n"),
    "stale-resolved-block": doc(
        "links:\n  - ref: tiny/api#13\n    resolved:\n      repo: tiny/api\n      style: merge   # wrong\n"
        "  - tiny/api#12\n"
    ),
    "flow-resolved-in-block-mapping": doc("links:\n  - ref: tiny/api#13\n    resolved: {repo: tiny/api, pr: 13}\n"),
    "resolved-before-ref": doc("links:\n  - resolved: {repo: tiny/api}\n    ref: tiny/api#13\n"),
    "folded-strip": doc("links:\n  - >-\n    tiny/api#13\n  - tiny/api#12\n"),
    "literal-strip": doc("links:\n  - |-\n    tiny/api#13\n  - tiny/api#12\n"),
    "folded-clip": doc("links:\n  - >\n    tiny/api#13\n  - tiny/api#12\n"),
    "literal-keep": doc("links:\n  - |+\n    tiny/api#13\n\n  - tiny/api#12\n"),
    "block-scalar-header-comment": doc("links:\n  - >-   # the squash\n      tiny/api#13\n"),
    "block-scalar-in-mapping": doc("links:\n  - ref: >-\n      tiny/api#13\n  - tiny/api#12\n"),
    "anchored-item": doc("links:\n  - &squash tiny/api#13\n  - tiny/api#12\n"),
    "tagged-item": doc("links:\n  - !!str tiny/api#13\n"),
    "mixed-with-unresolvable-items": doc(
        "links:\n  - https://wiki.tiny.example/retries\n  - tiny/api#13\n  - postmortem:pm-1\n  - tiny/api#12\n"
    ),
    "links-first-key": "---\nlinks:\n  - tiny/api#13\nkind: evidence\ndate: 2026-04-02\nauthor: ann\ntype: pr\n"
    "title: Styles\ncompetencies: [design]\n---\nBody.\n",
    "links-last-key": "---\nkind: evidence\ndate: 2026-04-02\nauthor: ann\ntype: pr\ntitle: Styles\n"
    "competencies: [design]\nlinks:\n  - tiny/api#13\n---\nBody.\n",
    "front-matter-closed-with-dots": doc("links:\n  - tiny/api#13\n", tail="competencies:\n  - design\n...\nBody.\n"),
    "comment-lines-in-front-matter": doc(
        "# why these links\nlinks:\n  - tiny/api#13\n# end of links\n", head="---\n# an evidence entry\n" + HEAD[4:]
    ),
}

STALE = {"stale-resolved-block", "flow-resolved-in-block-mapping", "resolved-before-ref"}
"""Styles that already carry a (wrong) `resolved:` block."""

REFUSED: dict[str, tuple[str, list[tuple[int, int]]]] = {
    # (the text, the (line, column) of every link it refuses)
    "alias-item-of-a-scalar-elsewhere": (
        doc("links:\n  - *pr\n", head=HEAD.replace("title: Styles", "title: &pr tiny/api#13")),
        [(8, 5)],
    ),
    "alias-item-of-an-earlier-item": (doc("links:\n  - &pr tiny/api#13\n  - *pr\n"), [(9, 5)]),
    "alias-inside-a-mapping-item": (
        doc("links:\n  - ref: *pr\n", head=HEAD.replace("title: Styles", "title: &pr tiny/api#13")),
        [(8, 5)],
    ),
    "links-is-an-alias": (
        "---\nkind: evidence\ndate: 2026-04-02\nauthor: ann\ntype: pr\ntitle: &l [tiny/api#13]\n"
        "links: *l\ncompetencies: [design]\n---\nBody.\n",
        [(7, 1)],
    ),
}


def _path(root: Path, name: str) -> Path:
    return root / EV / f"2026-04-02-{name}.md"


def _front_matter(text: str) -> tuple[str, int]:
    """(the YAML text, the lines before it) of a Markdown record, as the loader splits it."""
    body = text.removeprefix("\ufeff").replace("\r\n", "\n")
    found = parse.split_front_matter(body, "x.md")
    assert not isinstance(found, parse.Diagnostic)
    return found[0], found[1]


def _data(text: str) -> dict[str, Any]:
    yaml_text, _ = _front_matter(text)
    document = parse.load_text(yaml_text, Path("x.yaml"), markdown=False)
    assert document.data is not None, document.diagnostics
    return document.data


def _link_lines(text: str, indexes: set[int]) -> set[int]:
    """File lines (0-based) of the `links` items at `indexes`: the only lines a write may change."""
    yaml_text, offset = _front_matter(text)
    root = parse.compose(yaml_text, "x.md", marks="char")
    assert isinstance(root, yaml.MappingNode)
    links = next(v for k, v in root.value if k.value == "links")
    lines = set()
    for i in indexes:
        node = links.value[i]
        if links.flow_style:  # a flow sequence is rewritten on the lines it spans
            first, last = links.start_mark.line, links.end_mark.line
        else:
            first = node.start_mark.line
            end = node.end_mark
            last = end.line - 1 if end.column == 0 else end.line
        lines.update(range(first + offset, last + offset + 1))
    return lines


def _resolved_by_ref(text: str) -> dict[str, Any]:
    return {
        str(link["ref"]).strip(): link["resolved"]
        for link in _data(text)["links"]
        if isinstance(link, dict) and "resolved" in link
    }


@pytest.fixture
def reference(world: dict[str, Any], cli: Any, tmp_path: Path) -> dict[str, Any]:
    """What the plain form of each link records, written by a run of its own."""
    path = _path(world["root"], "reference")
    path.write_text(STYLES["plain"], encoding="utf-8")
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 0, res
    found = _resolved_by_ref(path.read_text(encoding="utf-8"))
    assert set(found) == {"tiny/api#13", "tiny/api#12"}
    path.unlink()
    return found


def test_the_corpus_holds_at_least_25_styles():
    assert len(STYLES) + len(REFUSED) >= 25


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_is_written_surgically(style, world, cli, tmp_path, reference):
    original = STYLES[style]
    path = _path(world["root"], style)
    path.write_bytes(original.encode("utf-8"))
    before = _data(original)
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    # A recorded block that disagrees with git is reported (link/stale-resolution) as it is rewritten.
    assert res.exit_code == (1 if style in STALE else 0), res
    assert "link/write-refused" not in res.stdout
    written = path.read_bytes().decode("utf-8")
    assert written != original
    # 1. It parses to the data expected: every link as it was, with the resolution the plain form gets.
    expected = dict(before)
    changed: set[int] = set()
    expected["links"] = []
    for i, link in enumerate(before["links"]):
        ref = link.get("ref") if isinstance(link, dict) else link
        resolved = reference.get(str(ref).strip())
        if resolved is None:
            expected["links"].append(link)
            continue
        changed.add(i)
        expected["links"].append(
            {**link, "resolved": resolved} if isinstance(link, dict) else {"ref": link, "resolved": resolved}
        )
    assert _data(written) == expected
    # 2. Every byte outside the changed lines is the same (line endings and BOM included).
    allowed = _link_lines(original, changed)
    old_lines = original.splitlines(keepends=True)
    new_lines = written.splitlines(keepends=True)
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if op != "equal":
            assert set(range(i1, i2)) <= allowed, (op, old_lines[i1:i2])
    assert written.startswith("\ufeff") == original.startswith("\ufeff")
    if "\r\n" in original:
        assert written.count("\n") == written.count("\r\n")  # no bare LF added
    # 3. A second run changes nothing.
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 0 and res.stderr.endswith("wrote 0 evidence files (all up to date)\n"), res
    assert path.read_bytes().decode("utf-8") == written


@pytest.mark.parametrize("style", sorted(REFUSED))
def test_a_style_that_cannot_be_edited_is_refused_and_left_byte_identical(style, world, cli, tmp_path):
    original, where = REFUSED[style]
    path = _path(world["root"], style)
    path.write_bytes(original.encode("utf-8"))
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 1, res
    assert path.read_bytes() == original.encode("utf-8")
    shown = f"records/{EV}/2026-04-02-{style}.md"
    refused = [line for line in res.stdout.splitlines() if line.endswith("[link/write-refused]")]
    assert [line.split(": ", 1)[0] for line in refused] == [f"{shown}:{line}:{col}" for line, col in where]
    assert res.stderr.endswith("wrote 0 evidence files (all up to date)\n")


def test_a_file_the_writers_parser_refuses_is_left_untouched_with_a_clear_message(world, cli, tmp_path):
    """A tab after a link: libyaml (the loader) reads it, PyYAML's pure-Python parser (the
    writer needs its character positions) does not. The file is not touched, the message
    says where and why, and the command stops with exit 2 before writing anything."""
    original = doc("links:\n  - tiny/api#13\t\n")
    path = _path(world["root"], "tab")
    path.write_bytes(original.encode("utf-8"))
    res = cli("links", "resolve", "--write", path, cwd=tmp_path)
    assert res.exit_code == 2, res
    assert res.stderr == (
        f"perfdocs: error: records/{EV}/2026-04-02-tab.md:8:16: invalid YAML: a tab character in the indentation "
        "(use spaces, not tabs: YAML indents with spaces only) [yaml/syntax]; the evidence was not written\n"
    )
    assert path.read_bytes() == original.encode("utf-8")
