"""Page fingerprints: values that may render differently never share one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

import pytest
from markupsafe import Markup

from perfdocs.site.charts import fmt
from perfdocs.site.pages import Page
from perfdocs.site.reuse import Fingerprints


def _print_of(value, key: bytes = b"k" * 32) -> bytes | None:
    prints = Fingerprints(key, b"code", {"audience": "public", "today": dt.date(2026, 11, 24)})
    return prints.page(Page("a/b.html", "evidence.html.j2", "T", "evidence", {"v": value}))


def test_values_that_may_render_differently_never_share_a_fingerprint():
    values = [
        1,
        1.0,
        -0.0,
        True,
        "1",
        "True",
        Markup("1"),
        None,
        "None",
        [1],
        (1,),
        {1},
        frozenset({1}),
        {"a": 1, "b": 2},
        {"b": 2, "a": 1},
        {"a": "1"},
        "x" * 40,
        "x" * 41,
        "x" * 41 + "\0",
        "a\0b",
        "a",
        "b",
        ["a", "b"],
        ["a\0b"],
        "\udcff" * 50,
        dt.date(2026, 1, 1),
        "2026-01-01",
        Markup("<b>x</b>"),
        "<b>x</b>",
        Path("/a/b"),
        "/a/b",
        fmt,
        [[]],
        [[], []],
        [{}],
        "",
    ]
    prints = [_print_of(v) for v in values]
    assert None not in prints
    assert len(set(prints)) == len(values)
    assert _print_of({"a": [1, "x" * 50]}) == _print_of({"a": [1, "x" * 50]})  # equal values, equal prints
    assert _print_of(1, key=b"j" * 32) != _print_of(1)


@pytest.mark.parametrize(
    "value", [object(), lambda: 1, type("Text", (str,), {})("x"), {"a": [open]}, MappingProxyType({})]
)
def test_a_page_holding_what_cannot_be_serialised_exactly_has_no_fingerprint(value):
    assert _print_of(value) is None  # so it is always rendered


def test_what_every_page_shares_has_one_keyed_digest_per_code_and_base():
    """A previous site built from another code key or `base` (another day, audience, template)
    has no page a build can reuse: its manifest is not even read (builder, read_manifest)."""
    base = {"audience": "public", "today": dt.date(2026, 11, 24)}
    shared = Fingerprints(b"k" * 32, b"code", base).shared
    assert shared is not None and shared == Fingerprints(b"k" * 32, b"code", dict(base)).shared
    others = [
        Fingerprints(b"k" * 32, b"code", {**base, "today": dt.date(2026, 11, 25)}).shared,
        Fingerprints(b"k" * 32, b"code", {**base, "audience": "internal"}).shared,
        Fingerprints(b"k" * 32, b"other code", base).shared,
        Fingerprints(b"j" * 32, b"code", base).shared,
    ]
    assert len({shared, *others}) == 5
    assert Fingerprints(b"k" * 32, b"code", {**base, "x": object()}).shared is None  # nothing reused


def test_a_search_index_spliced_from_an_old_one_is_the_one_its_rows_make():
    """A rebuild writes the search index from reused pages' places in the old file and the
    other pages' rows: the bytes are those `index_script` makes of every page's rows."""
    import random

    from perfdocs.site import search

    rng = random.Random(19)
    pages = [
        [f'["p{i}-{j}","t","Evidence","{"x" * rng.randrange(3)}"]' for j in range(rng.choice([0, 0, 1, 2]))]
        for i in range(60)
    ]
    made, spans, same = search.index_file(pages, None)
    assert made is not None
    old = b"".join(made)
    assert old == search.index_script([r for rows in pages for r in rows]).encode() and not same
    for _ in range(200):
        kept = sorted(rng.sample(range(len(pages)), rng.randrange(len(pages) + 1)))
        new = [spans[i] if rng.random() < 0.8 else [f'["new{i}"]'] for i in kept]
        pieces, places, same = search.index_file(new, lambda: old, len(old))
        data = b"".join(pieces) if pieces is not None else None
        rows = [list(pages[i]) if isinstance(part, tuple) else part for i, part in zip(kept, new)]
        expected = search.index_script([r for one in rows for r in one]).encode()
        assert (data if not same else old) == expected
        assert same == (expected == old and all(isinstance(part, tuple) for part in new))
        assert [expected[a:b] for a, b in places] == [",".join(one).encode() for one in rows]
