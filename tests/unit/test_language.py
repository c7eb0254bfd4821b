"""The review-language check's parts: a parsed YAML string walked back along its source (so a
finding points at the term as written), the word lists (each cites its sources), the org's
changes per track, and `review_findings`, the data API the calibration pack counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdocs import settings
from perfdocs.records.parse import load_text
from perfdocs.rules import language
from perfdocs.validation import load_org


@pytest.mark.parametrize(
    "source",
    [
        "plain words that fold\n  over lines and keep going",
        "'single ''quoted'' text\n  folded over lines'",
        '"double \\"quoted\\" text\\twith escapes\n  folded"',
        '"a line\n  \\"quoted\\" after a fold, and a \\\n  continued line"',
        ">\n  a folded block\n  of text\n",
        "|\n  a literal block\n  of text\n",
    ],
)
def test_every_character_of_a_yaml_string_is_found_in_its_source(source):
    value = load_text(f"k: {source}", Path("x.yaml"), markdown=False).data["k"]
    offsets = language.align(source, value)
    assert len(offsets) == len(value)
    for i, ch in enumerate(value):
        if ch.isalpha():  # letters are where they are written (spaces may be folded line breaks)
            assert source[offsets[i]] == ch, (i, ch, source[offsets[i] :])
    assert offsets == sorted(offsets)


def test_every_word_list_names_its_rule_and_cites_its_sources():
    lists = language.word_lists()
    assert sorted(lists) == ["concern", "effort", "gendered", "hedge", "impact", "personality", "praise", "vague"]
    from perfdocs.rules import RULES

    for words in lists.values():
        assert words.rule in RULES
        assert words.sources and all(len(s) > 40 for s in words.sources)
        assert words.terms and len(set(words.terms)) == len(words.terms)
        assert "{term}" in words.message


def test_terms_match_whole_words_across_line_breaks_and_not_inside_other_words():
    matcher = language.Matcher(
        language.word_lists()["effort"], language._pattern(("hard worker", "tireless*")), language._NEVER
    )
    text = "A hard\n  worker, tirelessly. Not a hardworkerish or un-tireless one."
    assert [m.group(0) for m in matcher.find(text)] == ["hard\n  worker", "tirelessly"]


def test_the_language_settings_merge_the_track_over_the_org():
    parsed = settings.parse(
        {
            "language": {
                "extend": {"vague": ["crushed it"]},
                "neutral": {"hedge": ["I think"], "effort": "not a list"},
                "tracks": {"sre": {"neutral": {"personality": ["aggressive"]}}, "bad": "not a mapping"},
            }
        },
        [],
    ).language
    assert parsed.for_track(None).extend == {"vague": ("crushed it",)}
    assert parsed.for_track("backend") == parsed.everyone
    sre = parsed.for_track("sre")
    assert sre.extend == {"vague": ("crushed it",)}
    assert sre.neutral == {"hedge": ("I think",), "personality": ("aggressive",)}
    assert set(parsed.tracks) == {"sre"}


def test_review_findings_apply_the_reviewed_persons_track(example: Path):
    with open(example / "org.yaml", "a", encoding="utf-8") as fh:
        fh.write("language:\n  tracks:\n    frontend:\n      extend:\n        vague: [scope]\n")
    org = load_org(example).org
    chen = next(r for r in org.of_kind("review").values() if r.get("person") == "chen")
    alice = next(r for r in org.of_kind("review").values() if r.get("person") == "alice")
    found = language.review_findings(org, chen)
    assert [(d.line, d.rule, d.message) for d in found] == [
        (87, "language/vague", "'scope' is vague: it names no behaviour, result or next step")
    ]
    assert language.review_findings(org, alice) == []  # alice is on backend: the frontend list is not hers
    evidence = next(iter(org.of_kind("evidence").values()))
    assert language.review_findings(org, evidence) == []
