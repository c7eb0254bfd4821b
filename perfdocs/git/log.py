"""Commits and tags: git's history read in one parsed format.

The links index (perfdocs.links.index), DORA (perfdocs.metrics.dora) and the rubric
history (perfdocs.site.rubric_history) all read history through `commits` and `tags`:
one `git log` walk whose records are NUL-delimited and parsed here, in Python, which is
far faster than asking git (or GitPython) for one object at a time.

The record format puts the fields git keeps on one line of a commit header (sha,
parents, names, emails, dates) first, one a line, and the free-text message last, so
a message may hold any character but NUL without confusing the parser.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from perfdocs.git.run import run

_COAUTHOR = re.compile(r"^Co-authored-by:.*<([^<>\s]+)>\s*$", re.MULTILINE | re.IGNORECASE)
_REVIEWER = re.compile(r"^(?:Reviewed|Acked|Tested)-by:.*<([^<>\s]+)>\s*$", re.MULTILINE | re.IGNORECASE)
_REVERTS = re.compile(r"This reverts commit ([0-9a-f]{7,40})")
# NUL opens and closes each commit's fields: `--name-only` writes the changed files
# (quoted by git, so without NUL) after the closing one.
_FORMAT = "%x00%H%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B%x00"
_FIELDS = 9


@dataclass(slots=True)
class Commit:
    """One commit as `git log` reports it. (Not frozen, and dates kept as git's text until
    asked for: a 50,000-commit walk builds 50,000 of these, and the links index only
    copies the committer date's text.)"""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: str
    """ISO 8601, with the author's UTC offset (git's `%aI`)."""
    committer_name: str
    committer_email: str
    committer_date: str
    """ISO 8601, with the committer's UTC offset (git's `%cI`): when the commit landed."""
    message: str
    """The raw message, without leading and trailing newlines."""
    files: tuple[str, ...] = ()
    """The paths the commit changed (only when `commits(..., files=True)`), as git quotes them."""

    @property
    def authored(self) -> dt.datetime:
        return when(self.author_date)

    @property
    def committed(self) -> dt.datetime:
        return when(self.committer_date)

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def title(self) -> str:
        """The first paragraph on one line, as git's `%s` shows it."""
        return " ".join(line.rstrip() for line in self.message.split("\n\n", 1)[0].split("\n")).strip()

    @property
    def coauthors(self) -> list[str]:
        """The emails of its `Co-authored-by:` trailers."""
        return _COAUTHOR.findall(self.message)

    @property
    def reviewers(self) -> list[str]:
        """The emails of its `Reviewed-by:`, `Acked-by:` and `Tested-by:` trailers."""
        return _REVIEWER.findall(self.message)

    @property
    def reverts(self) -> str | None:
        """The (possibly abbreviated) sha this commit reverts, from git's revert message."""
        found = _REVERTS.search(self.message)
        return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag that names a commit (annotated tags peeled), dated by the tagger date or, for a
    lightweight tag, the commit date."""

    name: str
    sha: str
    time: dt.datetime


EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
"""The range a commit's date is held to: git records any timestamp it is given (year 1, year
9999 at +14:00, which is year 10000 in UTC+14), and a day's margin at each end leaves room
for the arithmetic of periods and time zones around it."""
_ISO = re.compile(r"^(\d{1,6})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d):?(\d\d)$")


def when(iso: str) -> dt.datetime:
    """A date git printed, as an aware datetime: odd history is data, never a crash. An offset
    Python cannot hold (`+99:59`: git keeps what it is given) is applied by hand; a date out of
    Python's range, or one git could not print at all (it then prints `%aI` as is, e.g. for a
    negative timestamp), is held to EARLIEST..LATEST."""
    try:
        parsed = dt.datetime.fromisoformat(iso)
        if parsed.tzinfo is not None:
            return min(max(parsed, EARLIEST), LATEST)
    except ValueError:
        pass
    m = _ISO.match(iso.strip())
    if m is None:
        return EARLIEST  # git could not print it: a timestamp before 1970 it cannot show
    year, month, day, hour, minute, second = (int(m[i]) for i in range(1, 7))
    if year > 9999:
        return LATEST
    if year < 1:
        return EARLIEST
    try:
        local = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
        offset = dt.timedelta(hours=int(m[8]), minutes=int(m[9])) * (1 if m[7] == "+" else -1)
        return min(max(local - offset, EARLIEST), LATEST)
    except (ValueError, OverflowError):
        return LATEST if year > 5000 else EARLIEST


def commits(
    folder: Path | str,
    *revs: str,
    paths: tuple[str, ...] | list[str] = (),
    max_count: int | None = None,
    files: bool = False,
    all_files: bool = False,
) -> list[Commit]:
    """The commits reachable from `revs` (HEAD when none), newest first, in git log's order;
    with `paths`, only those that changed them; with `files`, each with the paths it changed
    among `paths` (`all_files`: every path it changed). The revisions go to git on stdin: there
    may be thousands (DORA's tags), and none can be read as an option."""
    args = ["log", f"--format={_FORMAT}", "--no-color"]
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    if files:
        args += ["--name-only", "--no-renames"] + (["--full-diff"] if all_files else [])
    if revs:
        args.append("--stdin")
    if paths:
        args += ["--", *paths]
    out = run(folder, *args, input="".join(r + "\n" for r in revs).encode() if revs else None).text
    # [what precedes the first commit, its fields, what follows them (its files), the next fields, ...]
    parts = out.split("\0")
    found: list[Commit] = []
    append = found.append  # this loop runs once per commit of a 50,000-commit history
    for fields, after in zip(parts[1::2], parts[2::2]):
        sha, parents, an, ae, ad, cn, ce, cd, message = fields.split("\n", _FIELDS - 1)
        names = tuple(n for n in after.split("\n") if n) if files else ()
        append(Commit(sha, tuple(parents.split()), an, ae, ad, cn, ce, cd, message.strip("\n"), names))
    return found


def tags(folder: Path | str) -> list[Tag]:
    """Every tag that names a commit, peeled, in ref order."""
    fmt = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)"
    found: list[Tag] = []
    for line in run(folder, "for-each-ref", "refs/tags", f"--format={fmt}").text.splitlines():
        name, kind, obj, peeled_kind, peeled, created = line.split("\0")
        try:
            at = dt.datetime.fromtimestamp(int(created), dt.UTC)
        except (ValueError, OverflowError, OSError):  # a date out of range: held to it, like commits'
            at = LATEST if created.strip().isdigit() else EARLIEST
        if kind == "commit":
            found.append(Tag(name, obj, at))
        elif kind == "tag" and peeled_kind == "commit":
            found.append(Tag(name, peeled, at))
    return found
