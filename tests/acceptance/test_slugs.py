"""`perfdocs new` names records after titles in any script: Cyrillic and Greek are
transliterated, other scripts (Chinese, Arabic) and emoji keep a short hash of the title, so
two such titles never share a name (every one used to become `entry`). A name that is taken
is refused with a free name to pass to --slug, never with advice to use --force, which would
replace someone's record."""

from __future__ import annotations

import hashlib

import pytest

from perfdocs.repo.scaffold import slugify

EV = "records/people/ann/evidence"
NEW_EVIDENCE = ("new", "evidence", "--records", "records", "--author", "ann", "--competency", "design")


def _hash(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Миграция платежей", "migratsiya-platezhey"),
        ("Міграція платежів", "migratsiya-platezhiv"),
        ("Μετάβαση πληρωμών", "metavasi-pliromon"),
        ("支付迁移", f"entry-{_hash('支付迁移')}"),
        ("决済の移行", f"entry-{_hash('决済の移行')}"),
        ("ترحيل المدفوعات", f"entry-{_hash('ترحيل المدفوعات')}"),
        ("🚀🔥", f"entry-{_hash('🚀🔥')}"),
        ("Ledger 迁移 v2", f"ledger-v2-{_hash('Ledger 迁移 v2')}"),
        ("Crème brûlée Straße", "creme-brulee-strasse"),
    ],
)
def test_new_evidence_names_a_non_latin_title_and_keeps_the_title(cli, minimal, tmp_path, title, name):
    res = cli(*NEW_EVIDENCE, "--title", title, "--date", "2026-06-01", cwd=tmp_path)
    assert res.exit_code == 0, res
    assert res.stdout == f"{EV}/2026-06-01-{name}.md\n", res
    text = (tmp_path / EV / f"2026-06-01-{name}.md").read_text(encoding="utf-8")
    assert f"title: {title}\n" in text or f'title: "{title}"\n' in text, text


def test_two_titles_in_one_non_latin_script_get_two_names():
    assert slugify("支付迁移") != slugify("订单迁移")
    assert slugify("ترحيل المدفوعات") != slugify("ترحيل الطلبات")
    assert slugify("支付迁移") == slugify(" 支付迁移 ")  # stable: the same title, the same name


def test_goal_and_postmortem_titles_are_transliterated_too(cli, minimal, tmp_path):
    res = cli(
        "new",
        "goal",
        "--records",
        "records",
        "--title",
        "Ταχύτερες πληρωμές",
        "--period",
        "2026-Q4",
        "--company",
        cwd=tmp_path,
    )
    assert (res.exit_code, res.stdout) == (0, "records/goals/2026-q4-tachyteres-pliromes.yaml\n"), res
    res = cli(
        "new",
        "postmortem",
        "--records",
        "records",
        "--author",
        "ann",
        "--title",
        "Сбой очереди",
        "--date",
        "2026-06-01",
        cwd=tmp_path,
    )
    assert (res.exit_code, res.stdout) == (0, "records/postmortems/pm-2026-sboy-ocheredi.md\n"), res


def test_a_taken_name_suggests_a_free_slug_never_force(cli, minimal, tmp_path):
    args = (*NEW_EVIDENCE, "--date", "2026-06-01")
    assert cli(*args, "--title", "支付迁移", cwd=tmp_path).exit_code == 0
    name = f"entry-{_hash('支付迁移')}"
    res = cli(*args, "--title", "支付迁移", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (2, ""), res
    assert res.stderr == (
        f"perfdocs: error: {EV}/2026-06-01-{name}.md already exists; not overwriting it: "
        f"choose another name, e.g. --slug {name}-2\n"
    )
    res = cli(*args, "--title", "支付迁移", "--slug", f"{name}-2", cwd=tmp_path)
    assert (res.exit_code, res.stdout) == (0, f"{EV}/2026-06-01-{name}-2.md\n"), res
    res = cli(*args, "--title", "支付迁移", cwd=tmp_path)
    assert res.stderr.endswith(f"e.g. --slug {name}-3\n"), res
    assert "--force" not in res.stderr


def test_a_taken_metric_id_suggests_another_id(cli, minimal, tmp_path):
    res = cli("new", "metric", "--records", "records", "--id", "api-latency", "--author", "ann", cwd=tmp_path)
    assert res.exit_code == 2
    assert res.stderr == (
        "perfdocs: error: records/metrics/api-latency.yaml already exists; not overwriting it: "
        "choose another name, e.g. --id api-latency-2\n"
    )


def test_slug_is_checked_and_only_for_the_kinds_it_names(cli, minimal, tmp_path):
    res = cli(*NEW_EVIDENCE, "--title", "t", "--slug", "../../org", cwd=tmp_path)
    assert res.exit_code == 2 and "--slug '../../org' is not allowed" in res.stderr, res
    res = cli("new", "team", "--records", "records", "--id", "x", "--slug", "y", "--author", "ann", cwd=tmp_path)
    assert res.exit_code == 2
    assert res.stderr == "perfdocs: error: --slug names evidence, goal, postmortem records; a team is named by --id\n"
