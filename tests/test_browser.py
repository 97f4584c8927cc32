"""Every rendered page opened in a real browser, as leadership opens it from a mail attachment.

A page must fetch nothing from outside its own file, raise no script error, draw every image,
and show every name from the export as text: a customer called ``<script>alert(1)</script>``
is a name on the page, never a script in it.

The browser is Debian's Chromium (``sudo apt-get install chromium``); Playwright, from pip, only
drives it, so ``playwright install`` is never needed. Without Chromium these tests are skipped,
unless ``REVIEW_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets), where a missing browser fails them.
A full-page screenshot of each page is saved for a person to look at: into the folder
``REVIEW_SCREENSHOTS`` names, or else into a temporary folder whose path the tests print.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Locator,
    Page,
    Request,
    Route,
    expect,
    sync_playwright,
)

from helpers.app.cli import main
from tests.support import TINY_EXPORT, TINY_SETTINGS, write_export

PERIOD = "2026-Q3"
pytestmark = pytest.mark.slow

# No sandbox because CI runs as root; the rest stops Chromium's own calls home (updates, sync,
# field trials), which would otherwise mix with the page's requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = (
    "Chromium is not installed, so the rendered pages cannot be checked in a browser: "
    "install Debian's package with `sudo apt-get install chromium`"
)

# Names that are markup, and names that are not ASCII, as real exports contain them.
SCRIPT_NAME = "<script>alert(1)</script>"
IMAGE_NAME = "<img src=x onerror=\"document.title='pwned';window.__xss=1\">"
CHINESE_NAME = "杭州安澜机械有限公司"
ESTONIAN_NAME = 'Männiku "Kask & Pärn" OÜ'
HOSTILE_COMPANY = 'Kask <b>&</b> "Pärn" AS'

PAGES = ("sample review", "hostile review", "hostile dossier", "index")
# What each page must show as text: the review's tables name every renamed customer, the
# dossier is B's, and the index names the companies.
SHOWN_AS_TEXT = {
    "hostile review": (SCRIPT_NAME, IMAGE_NAME, CHINESE_NAME, ESTONIAN_NAME, HOSTILE_COMPANY),
    "hostile dossier": (SCRIPT_NAME, HOSTILE_COMPANY),
    "index": (HOSTILE_COMPANY,),
}

# Run in the page after it has loaded: images that did not load, and markup from the export
# that became elements (a script holding its alert, an image pointing at "x", an onerror).
PAGE_CHECKS = """() => {
    const images = Array.from(document.images);
    const injected = [
        ...Array.from(document.scripts).filter((s) => s.textContent.trim() === "alert(1)"),
        ...document.querySelectorAll('img[src="x"], [onerror]'),
    ];
    return {
        images: images.length,
        broken: images
            .filter((img) => !img.complete || img.naturalWidth === 0)
            .map((img) => (img.getAttribute("src") || "").slice(0, 80)),
        injected: injected.map((element) => element.outerHTML.slice(0, 120)),
        marker: window.__xss !== undefined,
        shown_errors: document.querySelectorAll(
            '[data-mime-type="application/vnd.jupyter.stderr"]'
        ).length,
    };
}"""


@dataclass
class Visit:
    """What a page did in the browser: every request outside its file (blocked), every error,
    alert or broken image, and what a reader sees."""

    outside_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    images: int = 0
    broken_images: list[str] = field(default_factory=list)
    injected: list[str] = field(default_factory=list)
    marker: bool = False
    shown_errors: int = 0
    title: str = ""
    text: str = ""


def is_outside(url: str) -> bool:
    """A request that leaves the page's file: anything but the file itself, inline data, and
    an object the page made from its own content (``blob:``, as the inlined table library
    loads itself)."""
    return not url.startswith(("file:", "data:", "blob:"))


@contextmanager
def opened(browser: Browser, page_path: Path) -> Iterator[tuple[Page, Visit]]:
    """``page_path`` open in ``browser``, with every outside request recorded and blocked and
    every error or alert recorded in the ``Visit``; the page is closed afterwards."""
    seen = Visit()

    def requested(request: Request) -> None:
        if is_outside(request.url):
            seen.outside_requests.append(request.url)

    def routed(route: Route) -> None:
        if is_outside(route.request.url):
            route.abort()
        else:
            route.continue_()

    def logged(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(f"console: {message.text}")

    def alerted(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page = browser.new_page()
    # Recorded as the page asks, then blocked: a report under test never reaches the network,
    # and an outside request fails the test even on a machine that is offline.
    page.on("request", requested)
    page.route("**/*", routed)
    page.on("pageerror", lambda error: seen.errors.append(f"uncaught: {error}"))
    page.on("console", logged)
    page.on("dialog", alerted)
    try:
        page.goto(page_path.resolve().as_uri(), wait_until="load")
        yield page, seen
    finally:
        page.close()


def visit(browser: Browser, page_path: Path, screenshot: Path) -> Visit:
    """Open ``page_path`` in ``browser`` with every outside request blocked, record what
    happened, and save a full-page screenshot to ``screenshot``."""
    with opened(browser, page_path) as (page, seen):
        checks = page.evaluate(PAGE_CHECKS)
        seen.images = checks["images"]
        seen.broken_images = checks["broken"]
        seen.injected = checks["injected"]
        seen.marker = checks["marker"]
        seen.shown_errors = checks["shown_errors"]
        seen.title = page.title()
        seen.text = page.inner_text("body")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot, full_page=True)
    return seen


def chromium_executable() -> str | None:
    """Debian's Chromium, if installed."""
    if found := shutil.which("chromium"):
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the module; asked for before any render, so that a machine
    without it skips in a second instead of rendering for a minute first."""
    executable = chromium_executable()
    if executable is None:
        if os.environ.get("REVIEW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{NO_CHROMIUM} (REVIEW_REQUIRE_BROWSER=1 requires the browser tests)")
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    """Where the screenshots go: REVIEW_SCREENSHOTS (CI keeps them in the clone), else a
    temporary folder. Never reports/, which holds a user's own reports."""
    chosen = os.environ.get("REVIEW_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


@pytest.fixture(scope="module")
def hostile_export(tmp_path_factory) -> Path:
    """The tiny export of tests/conftest.py with names that are markup or not ASCII.

    B, a fire candidate, is named like a script; E, on the headache list once it holds the
    bottom 40%, like an image whose onerror would rename the page; C, which needs an
    assessment, has a Chinese name; D, given an invoice in the period so that it is reviewed
    and needs an assessment too, an Estonian name with quotes and an ampersand. Each of these
    appears in the review's tables, not only in its charts.
    """
    folder = write_export(tmp_path_factory.mktemp("hostile") / "export", TINY_EXPORT)
    customers = pd.read_csv(folder / "customers.csv", dtype=str, keep_default_na=False)
    names = {"B": SCRIPT_NAME, "C": CHINESE_NAME, "D": ESTONIAN_NAME, "E": IMAGE_NAME}
    customers["name"] = customers["customer_id"].map(names).fillna(customers["name"])
    customers.to_csv(folder / "customers.csv", index=False, encoding="utf-8")
    with (folder / "invoices.csv").open("a", encoding="utf-8") as invoices:
        invoices.write("D2,D,2026-08-01,2026-08-31,2026-08-31,700,audit\n")
    return folder


def rendered(*args: str) -> Path:
    """Run ``customer-review ARGS`` in this process and return the page it printed."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def visits(browser, screenshots, hostile_export, sample_page, tmp_path_factory) -> dict[str, Visit]:
    """Open the sample's review (rendered once per session, in a kernel), and the hostile
    export's review with the dossier of B written beside it, rendered here in this process
    beside a copy of the sample's reports, then every page, the index of both companies
    included, once.

    The sample's dossiers are left out here: each is the hostile dossier's page with other
    numbers, tests/report/test_dossier_*.py check its parts, and a test below follows a link
    to one.
    """
    reports = tmp_path_factory.mktemp("browser") / "reports"
    shutil.copytree(sample_page.parents[2], reports)
    hostile = ["--export", str(hostile_export), "--company", HOSTILE_COMPANY, "--period", PERIOD]
    # Judged over the quarter with every customer old enough, as the tiny review is
    # (tests/support.py, TINY_SETTINGS), so that each name lands in the tables said above.
    for name, value in TINY_SETTINGS.items():
        hostile += ["-p", name, str(value)]
    hostile += ["--engine", "inprocess"]
    where = ["--reports", str(reports)]
    pages = {
        "sample review": reports / sample_page.relative_to(sample_page.parents[2]),
        "hostile review": (review := rendered("run", *hostile, *where)),
        # B's dossier, written beside the review by the same run.
        "hostile dossier": review.parent / "dossier-b.html",
        "index": reports / "index.html",
    }
    print(f"Screenshots of the rendered pages: {screenshots}")
    return {
        name: visit(browser, path, screenshots / f"{name.replace(' ', '-')}.png")
        for name, path in pages.items()
    }


@pytest.mark.parametrize("page", PAGES)
def test_the_page_requests_nothing_outside_itself(visits, page):
    assert visits[page].outside_requests == []


@pytest.mark.parametrize("page", PAGES)
def test_the_page_opens_without_errors_and_draws_every_image(visits, page):
    seen = visits[page]
    assert seen.errors == []
    assert seen.dialogs == []
    assert seen.broken_images == []
    assert seen.shown_errors == 0  # no traceback or warning printed on the page
    if page != "index":
        assert seen.images > 0  # the charts, so the image check above checked something


@pytest.mark.parametrize("page", PAGES)
def test_names_from_the_export_are_shown_as_text_and_never_run(visits, page):
    seen = visits[page]
    assert seen.injected == []
    assert not seen.marker
    assert "pwned" not in seen.title
    for name in SHOWN_AS_TEXT.get(page, ()):
        assert name in seen.text, name
    if page.startswith("hostile"):
        assert seen.title.startswith(f"{HOSTILE_COMPANY}: ")


# Run in the page: the element a contents link points at, and where it sits in the window.
TARGET = """(id) => {
    const heading = document.getElementById(id);
    if (!heading) return null;
    const box = heading.getBoundingClientRect();
    return {tag: heading.tagName, text: heading.innerText.trim(), top: box.top,
            bottom: box.bottom, window: window.innerHeight};
}"""


def test_every_contents_link_brings_its_section_into_view(browser, sample_page):
    with opened(browser, sample_page) as (page, seen):
        links = page.locator("nav.page-contents a")
        entries = [link.inner_text().split(" ", 1) for link in links.all()]
        numbers = [number for number, _ in entries]
        sections = [number for number in numbers if "." not in number]
        assert sections == [str(n) for n in range(1, len(sections) + 1)]
        assert len(sections) >= 8  # the review's sections, appendix included
        for link, (number, title) in zip(links.all(), entries, strict=True):
            link.click()
            fragment = link.get_attribute("href")
            assert page.url.endswith(fragment), number
            target = page.evaluate(TARGET, fragment.removeprefix("#"))
            assert target is not None, number
            assert target["tag"] == ("H3" if "." in number else "H2")
            assert target["text"] == title
            assert target["top"] >= 0 and target["bottom"] <= target["window"], number
    assert seen.outside_requests == []
    assert seen.errors == []


def words(rows: Locator) -> list[str]:
    """Each row's text, its words separated by single spaces, shown or not."""
    return [" ".join(text.split()) for text in rows.all_text_contents()]


def test_show_all_opens_every_row_of_a_long_table(browser, sample_page):
    with opened(browser, sample_page) as (page, seen):
        long_table = page.locator(".long-table").first
        rows = long_table.locator(":scope > table > tbody > tr")
        summary = long_table.locator("summary")
        caption = long_table.locator("caption")
        total = int(
            re.fullmatch(r"Show all ([\d,]+) \w+", summary.inner_text())[1].replace(",", "")
        )
        shown = int(re.match(r"(\d+) of", caption.inner_text())[1])
        assert 0 < shown < total == rows.count()
        expect(rows.nth(shown - 1)).to_be_visible()
        expect(rows.nth(shown)).to_be_hidden()
        # The summary reads under the table, where the rows end.
        assert summary.bounding_box()["y"] > rows.nth(shown - 1).bounding_box()["y"]

        summary.click()
        expect(rows.last).to_be_visible()
        expect(caption).to_be_hidden()  # it counted the rows left out
        assert sum(row.is_visible() for row in rows.all()) == total
    assert seen.outside_requests == []
    assert seen.errors == []


def test_the_table_of_every_customer_searches_and_sorts(browser, sample_page):
    scores = pd.read_csv(sample_page.parent / "customer_scores.csv", encoding="utf-8-sig")
    with opened(browser, sample_page) as (page, seen):
        table = page.locator("div.dt-container").first
        rows = table.locator("tbody tr")
        expect(rows.first).to_be_visible()  # the library loaded and drew the table
        assert rows.count() == 25
        # A name: the rows left are the customers whose name, band or reason holds its words.
        table.locator("div.dt-search input").fill("Glenholt")
        named = scores[scores["name"].str.contains("Glenholt", na=False)]
        expect(rows).to_have_count(len(named))
        shown = sorted(rows.locator("td:nth-child(2)").all_inner_texts())
        assert shown == sorted(named["customer_id"])
        # Sorted by what each owes, most first: the order of the numbers, not of the words.
        owes = table.locator("thead th", has_text="Owes")
        owes.click()
        owes.click()
        expect(owes).to_have_attribute("aria-sort", "descending")
        amounts = named.set_index("customer_id")["open_balance"].fillna(0)
        ids = rows.locator("td:nth-child(2)").all_inner_texts()
        assert list(amounts.loc[ids]) == sorted(amounts, reverse=True)
        # Every customer, page after page, when the search is cleared.
        table.locator("div.dt-search input").fill("")
        info = table.locator("div.dt-info").inner_text()
        assert f"of {len(scores):,} entries" in info
    assert seen.outside_requests == []
    assert seen.errors == []


def test_a_name_leads_to_its_dossier_and_back(browser, sample_page):
    scores = pd.read_csv(
        sample_page.parent / "customer_scores.csv", encoding="utf-8-sig", dtype=str
    ).set_index("customer_id")
    with opened(browser, sample_page) as (page, seen):
        # The first fire candidate of its table, by its name.
        fire = page.locator(
            "xpath=//h3[@id='Fire-candidates']/ancestor::div[contains(@class, 'jp-Cell')]"
            "/following-sibling::div[1]//table/tbody/tr/td/a"
        ).first
        name, href = fire.inner_text(), fire.get_attribute("href")
        customer_id = re.fullmatch(r"dossier-(c\d+)\.html", href)[1].upper()
        assert scores.loc[customer_id, "name"] == name
        assert scores.loc[customer_id, "band"] == "fire_candidate"
        fire.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/{href}")
        expect(page.locator("h1").first).to_have_text(name)
        page.locator(".back-link a").click()
        page.wait_for_load_state("load")
        assert page.url == sample_page.resolve().as_uri()
        # The same customer, found in the table of every customer, links to the same page.
        table = page.locator("div.dt-container").first
        table.locator("div.dt-search input").fill(customer_id)
        found = table.locator("tbody tr td a")
        expect(found).to_have_count(1)
        assert (found.inner_text(), found.get_attribute("href")) == (name, href)
    assert seen.outside_requests == []
    assert seen.errors == []


def test_the_checks_catch_outside_requests_errors_broken_images_and_markup(browser, tmp_path):
    # A page with each fault the tests above look for, to show that they can fail.
    faulty = tmp_path / "faulty.html"
    faulty.write_text(
        "<!DOCTYPE html><html><head><title>Faulty</title>"
        '<link rel="stylesheet" href="https://cdn.example.com/style.css"></head><body>'
        '<img src="https://example.com/logo.png">'
        '<img src="missing.png">'
        f"<p>{IMAGE_NAME}</p>"
        "<script>throw new Error('chart broke')</script>"
        "</body></html>",
        encoding="utf-8",
    )
    seen = visit(browser, faulty, tmp_path / "faulty.png")
    assert sorted(seen.outside_requests) == [
        "https://cdn.example.com/style.css",
        "https://example.com/logo.png",
    ]
    assert any("chart broke" in error for error in seen.errors)
    assert len(seen.broken_images) == 3  # the outside image, the missing one and "x"
    assert seen.injected and seen.marker and seen.title == "pwned"
    assert (tmp_path / "faulty.png").stat().st_size > 0
