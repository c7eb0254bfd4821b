"""CODEOWNERS rule: the committed file still routes each person's folder to their manager."""

from __future__ import annotations

from collections.abc import Iterator

from perfdocs.diagnostics import WARNING, Diagnostic, display_path
from perfdocs.records.organisation import Organisation
from perfdocs.repo import codeowners

HINT = "run 'perfdocs codeowners' and commit the file"


def check(org: Organisation) -> Iterator[Diagnostic]:
    """Only a file that perfdocs generated (it has the marker) is checked: a repository
    without one, or with a hand-written one, has not opted in."""
    if org.org is None or org.org.rel not in ("org.yaml", "org.yml"):
        return
    root = org.org.doc.path.parent
    path = codeowners.locate(root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    missing, extra = codeowners.stale_lines(org, root, text)
    shown = display_path(path)
    for rule in missing:
        person = org.people[rule.handle]
        where = ("manager",) if "manager" in person.data else ("handle",)
        yield person.diag(
            "codeowners/stale",
            f"{shown} does not route {rule.pattern} to {' '.join(rule.owners)}",
            where,
            severity=WARNING,
            hint=HINT,
        )
    for line_no, line in extra:
        yield Diagnostic(
            shown,
            line_no,
            1,
            "codeowners/stale",
            f"'{line}' is not what perfdocs would generate from the records",
            WARNING,
            HINT,
        )
