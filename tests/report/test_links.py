"""Which customers get a dossier beside the review, the names of their files, and the review's
tables naming them as links. The pages themselves are tested in tests/app/test_dossiers.py,
and a reader's clicks in tests/test_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.errors import ParameterError
from helpers.report import explore, links, plan, tables
from tests.report.test_explore import rows_of
from tests.support import TINY_EXPORT, tiny_review, tiny_settings, write_export


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    files = dict(TINY_EXPORT)
    # A name that is markup: a link must show it as text, as every other cell does.
    files["customers.csv"] = files["customers.csv"].replace("Beta & Sons", "<b>Beta</b> & Sons")
    return write_export(tmp_path / "tiny", files)


@pytest.fixture
def review(folder: Path):
    return tiny_review(folder)


def test_the_flagged_are_fire_candidates_headache_list_non_payers_and_exits_asked_for(folder):
    # B: its checklist scores 2 (fire candidate), and B1's 500, due 31 May, is 122 days past
    # due on 30 September (a non-payer from 90). E: 5 hours logged on 1 September and nothing
    # invoiced, 0 an hour, the lowest of the three customers with time (A 300, B 10), so the
    # bottom 40% of three is E alone: the headache list. A (kept, pays) and C (too little
    # known, owes nothing past 90 days) are not flagged, unless the analyst asks to weigh A's
    # exit.
    assert list(links.flagged(tiny_review(folder))) == ["B", "E"]
    asked = tiny_review(folder, settings=tiny_settings(exit_ids=("A",)))
    assert list(links.flagged(asked)) == ["A", "B", "E"]


def test_dossiers_are_for_none_the_flagged_or_all_and_only_with_a_folder(review):
    assert list(links.dossier_ids(review, "none", "out")) == []
    assert list(links.dossier_ids(review, "flagged", "out")) == ["B", "E"]
    assert list(links.dossier_ids(review, "all", "out")) == ["A", "B", "C", "E"]
    assert list(links.dossier_ids(review, "all", "")) == []  # nowhere to write them
    with pytest.raises(ParameterError, match="dossiers must be one of none, flagged, all"):
        links.dossier_ids(review, "some", "out")


def test_each_customer_has_a_file_of_its_own_even_when_ids_read_alike():
    files = links.dossier_files(["C0037", "C-1", "c_1", "Ä 9"])
    assert files["C0037"] == "dossier-c0037.html"
    assert files["Ä 9"] == "dossier-a-9.html"
    # C-1 and c_1 both read c-1 as a file name (and are one file on a case-blind disk): each
    # gets a digest of its own id besides.
    assert re.fullmatch(r"dossier-c-1-[0-9a-f]{8}\.html", files["C-1"])
    assert re.fullmatch(r"dossier-c-1-[0-9a-f]{8}\.html", files["c_1"])
    assert len(set(files.values())) == 4


def customer_cells(html: str) -> list[str]:
    """The first cell of each body row: the customer, as HTML."""
    return re.findall(r"<tr>\s*<td[^>]*>(.*?)</td>", html, re.S)


def test_tables_link_the_customers_with_a_dossier_and_only_them(review):
    with links.linked(review, ["B", "E"]):
        fire = customer_cells(tables.fire_candidates_table(review).to_html())
        strikes = customer_cells(tables.strikes_table(review).to_html())
    # The fire candidate B, its name escaped inside the link.
    assert fire == ['<a href="dossier-b.html">&lt;b&gt;Beta&lt;/b&gt; &amp; Sons</a>']
    # B (2 strikes) and E (1): linked; no other customer has a strike.
    assert strikes == [
        '<a href="dossier-b.html">&lt;b&gt;Beta&lt;/b&gt; &amp; Sons</a>',
        '<a href="dossier-e.html">Epsilon AS</a>',
    ]
    # Once the page is made, no table links anything: a page without dossiers has no link.
    assert customer_cells(tables.fire_candidates_table(review).to_html()) == [
        "&lt;b&gt;Beta&lt;/b&gt; &amp; Sons"
    ]


def test_a_customer_without_a_dossier_is_named_as_text(review):
    with links.linked(review, ["E"]):
        fire = customer_cells(tables.fire_candidates_table(review).to_html())
    assert fire == ["&lt;b&gt;Beta&lt;/b&gt; &amp; Sons"]


def test_the_plan_links_its_customers(review):
    with links.linked(review, ["B"]):
        page = plan.plan_tables(review).data
    # B is in the plan (it owes 900, past due); every row naming it links to its dossier.
    named = re.findall(r"<td[^>]*>(?:<a [^>]*>)?&lt;b&gt;Beta", page)
    assert named and all('<a href="dossier-b.html">' in cell for cell in named)


def test_the_searchable_table_links_by_a_hidden_address(review):
    with links.linked(review, ["B"]):
        table = explore.all_customers_table(review)
    columns, rows = rows_of(table)
    address = {row[columns.index("Id")]: row[columns.index(explore.DOSSIER)] for row in rows}
    assert address == {"A": "", "B": "dossier-b.html", "C": "", "E": ""}
    # The name stays data, escaped by itables; the page's script makes the link around it.
    assert "const href = row[" in table.html_table
    without = explore.all_customers_table(review)
    assert explore.DOSSIER not in rows_of(without)[0]
