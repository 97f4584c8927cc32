"""The review as a PDF for a board pack: the offline page printed by Chromium.

The system's Chromium (Debian's ``chromium`` package) prints the page, driven by Playwright's
Python package; Playwright never downloads a browser of its own here. Chromium prints the page
as a reader's browser does, with the page's own print rules (tables break between rows under
a repeated header, no chart is split, no heading is left at the foot of a page), so the PDF
is the page people already know. WeasyPrint was the other candidate: it runs no script, so the
table of every customer would print empty, and it lays out some of the page's CSS otherwise.

The page is printed with every request outside its file blocked, as it is opened from a mail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers.errors import Refusal
from helpers.report.files import replaced_whole

# Debian's and other distributions' names for the browser, in the order they are looked for.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in containers and CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A4 with margins a printed report takes; the page's own print rules do the rest.
PAPER = {
    "format": "A4",
    "margin": {"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
}


class NoPdfEngine(Refusal):
    """No engine to print the PDF with: the message says what to install."""


def chromium() -> str:
    """The path of the system's Chromium; raises ``NoPdfEngine`` saying how to install it."""
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    raise NoPdfEngine(
        "A PDF needs Chromium, which is not installed: install Debian's package with "
        "`sudo apt-get install chromium` (or your system's chromium), then run again"
    )


def check_engine() -> str:
    """The path of the Chromium that will print; raises ``NoPdfEngine`` saying what to
    install when it or Playwright is missing, before anything is rendered."""
    executable = chromium()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise NoPdfEngine(
            "A PDF needs the Python package playwright, which is not installed: "
            "`pip install playwright` (it drives the system's Chromium; "
            "`playwright install` is not needed)"
        ) from None
    return executable


def print_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print the page at ``html_path`` to ``pdf_path`` (A4), atomically; returns
    ``pdf_path``. Raises ``NoPdfEngine`` when Chromium or Playwright is missing."""
    executable = check_engine()
    from playwright.sync_api import sync_playwright

    with replaced_whole(pdf_path) as temporary, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", _only_the_file)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(path=str(temporary), print_background=True, **PAPER)
        finally:
            browser.close()
    return pdf_path


def _only_the_file(route) -> None:
    """Let the page load itself and what it holds; block anything from outside."""
    if route.request.url.startswith(("file:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()
