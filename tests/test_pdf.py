"""The review as a PDF: printed by the system's Chromium with the page's own print rules, a
heading never left at the foot of a page, and a clear refusal when there is nothing to print
with. Printing needs Chromium: skipped without it, unless REVIEW_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import html
import os
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from helpers.app.cli import main
from helpers.app.run import BAD_INPUT
from helpers.errors import Refusal
from helpers.report import pdf
from helpers.report.explore import HOW_TO, PRINTED
from tests.support import review_cell_notebook


def needs_a_pdf_engine() -> None:
    """Skip the test when nothing can print a PDF here; fail it when CI requires the browser."""
    try:
        pdf.check_engine()
    except Refusal as missing:
        if os.environ.get("REVIEW_REQUIRE_BROWSER") == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def printed(sample_page: Path, tmp_path_factory) -> PdfReader:
    needs_a_pdf_engine()
    path = pdf.print_pdf(sample_page, tmp_path_factory.mktemp("pdf") / "review.pdf")
    return PdfReader(path)


def headings(page: Path) -> list[str]:
    """The titles of the page's section headings (h2, h3) and of the plan's groups, as text."""
    source = page.read_text("utf-8")
    found = re.findall(r"<h[23][^>]*>(.*?)<a class=\"anchor-link\"", source)
    found += re.findall(r'<p class="plan-group"><strong>(.*?)</strong>', source)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", title)).split()) for title in found]


def words(page) -> str:
    """A page's text, its ligatures (fi, fl) as letters."""
    return unicodedata.normalize("NFKC", page.extract_text())


def last_line(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.slow
def test_the_review_prints_to_a4_with_no_heading_left_at_the_foot_of_a_page(printed, sample_page):
    # The sample prints to about 25 pages; a print rule that stopped working (a table that
    # no longer breaks between rows, or the searchable table printed page after page) adds
    # many more.
    assert 15 <= len(printed.pages) <= 35
    box = printed.pages[0].mediabox  # A4 is 210 x 297 mm: 595.3 x 841.9 points
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    titles = headings(sample_page)
    assert len(titles) >= 20
    for number, page in enumerate(printed.pages, start=1):
        foot = last_line(words(page))
        left_alone = [t for t in titles if foot == t or foot.endswith(f" {t}")]
        assert not left_alone, f"page {number} ends with the heading {left_alone[0]!r}"


@pytest.mark.slow
def test_paper_says_where_every_customer_is_instead_of_a_search_box(printed):
    text = " ".join(" ".join(words(page).split()) for page in printed.pages)
    assert "entries per page" not in text and "Search:" not in text
    assert " ".join(HOW_TO.split()) not in text  # typing and clicking are for the screen
    assert " ".join(PRINTED.split()) in text


def test_without_chromium_a_pdf_is_refused_saying_what_to_install(
    tiny_export: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    result = CliRunner().invoke(
        main,
        ["run", "--export", str(tiny_export), "--period", "2026-Q3", "--pdf",
         "--reports", str(tmp_path / "reports"), "--engine", "inprocess"],
    )  # fmt: skip
    assert result.exit_code == BAD_INPUT
    assert "sudo apt-get install chromium" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "reports").exists()  # refused before anything was rendered


@pytest.mark.slow
def test_run_prints_the_pdf_with_the_page_and_the_index_links_it(tiny_export, tmp_path):
    needs_a_pdf_engine()
    reports = tmp_path / "reports"
    notebook = review_cell_notebook(tmp_path / "review.ipynb")
    result = CliRunner().invoke(
        main,
        ["run", "--export", str(tiny_export), "--company", "Tiny", "--period", "2026-Q3",
         "--pdf", "--reports", str(reports), "--engine", "inprocess", "--notebook",
         str(notebook)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    printed = reports / "tiny" / "2026-Q3" / "review.pdf"
    assert printed.read_bytes().startswith(b"%PDF-") and len(PdfReader(printed).pages) >= 1
    assert 'href="tiny/2026-Q3/review.pdf"' in (reports / "index.html").read_text("utf-8")
