"""A site path as a page links it (perfdocs.site.view.relative): the shortest relative form,
which resolves, from the page's folder, to the same file as the root-relative one."""

from __future__ import annotations

import posixpath

import pytest

from perfdocs.site.view import relative

CASES = [
    ("evidence/ann.html", "evidence/ann/2026-03-01-retry.html", "ann/2026-03-01-retry.html"),
    ("evidence/ann/2026-03-01-retry.html", "evidence/index.html", "../index.html"),
    ("evidence/ann/2026-03-01-retry.html", "evidence/ann.html", "../ann.html"),
    ("evidence/ann/2026-03-01-retry.html", "evidence/ann/2026-04-01-other.html", "2026-04-01-other.html"),
    ("evidence/ann/2026-03-01-retry.html", "evidence/bob/2026-03-01-retry.html", "../bob/2026-03-01-retry.html"),
    ("evidence/ann/2026-03-01-retry.html", "packets/ann/2026-senior.html", "../../packets/ann/2026-senior.html"),
    ("evidence/ann/2026-03-01-retry.html", "index.html", "../../index.html"),
    ("evidence/index.html", "evidence/_index.html", "_index.html"),
    ("evidence/_index.html", "evidence/index/2026-01-01-a.html", "index/2026-01-01-a.html"),
    ("index.html", "evidence/ann.html", "evidence/ann.html"),
    ("rubric/backend/l1.html", "rubric/backend/index.html#backend-design", "index.html#backend-design"),
]


@pytest.mark.parametrize(("page", "url", "shortest"), CASES)
def test_a_link_is_written_from_the_pages_folder_and_leads_to_the_same_file(page, url, shortest):
    assert relative(url, page) == shortest
    root = "../" * page.count("/")
    here = posixpath.dirname(page)
    assert posixpath.normpath(posixpath.join(here, shortest)) == posixpath.normpath(posixpath.join(here, root + url))
