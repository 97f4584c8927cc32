"""The house style of the report's charts: colours, fonts, figure size, and the pieces every
chart shares (a finding as the title, lines of constant revenue per hour, a density layer for
many customers, a legend of bands). ``show`` turns a figure into the PNG the page embeds.

Figures are made with ``matplotlib.figure.Figure`` rather than pyplot, so nothing is kept in a
global figure list and a notebook shows each chart once. Colours are the Okabe-Ito palette,
which stays distinguishable with the common colour-vision deficiencies, and each band has the
same colour in every chart.
"""

from __future__ import annotations

import functools
import io
import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import Image
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter
from PIL import Image as PILImage

from helpers.io.contract import BANDS
from helpers.report.money import CurrencyDisplay
from helpers.report.words import display, money, per_hour
from helpers.review import portfolio
from helpers.review.model import Review

BAND_COLORS = {
    "keep": "#009E73",  # bluish green
    "review": "#E69F00",  # orange
    "fire_candidate": "#D55E00",  # vermilion
    "needs_assessment": "#56B4E9",  # sky blue
    "too_new": "#999999",  # grey: not judged yet
}


INK = "#333333"


STYLE = {
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 11,
    "font.size": 10,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


# Above this many customers a scatter of dots turns into a blot: draw density instead.
DENSITY_FROM = 5_000


TITLE_WIDTH = 80  # characters of a bold 13-point title that fit a 9.5-inch figure


# Fonts tried after DejaVu Sans for characters it lacks (Chinese names, for instance); only
# those installed on the machine are used, so a missing one costs nothing.
FALLBACK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)


@functools.cache
def _font_family() -> tuple[str, ...]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ("DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed))


@functools.cache
def _drawable_codepoints() -> frozenset[int]:
    codes: set[int] = set()
    for name in _font_family():
        path = font_manager.findfont(font_manager.FontProperties(family=name))
        codes |= set(font_manager.get_font(path).get_charmap())
    return frozenset(codes)


def label_for(name: str, customer_id: str) -> str:
    """A customer's name for a chart, or its id when the machine has no font for the name."""
    drawable = _drawable_codepoints()
    return name if all(ord(ch) in drawable for ch in name if not ch.isspace()) else customer_id


def new_figure(width: float = 9.5, height: float = 5.5) -> tuple[Figure, object]:
    """A blank chart in the house style (size in inches at 100 dpi), and its one axes."""
    sns.set_theme(style="whitegrid", rc={**STYLE, "font.family": list(_font_family())})
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)  # placing names measures text, which needs a canvas that can draw
    return figure, figure.add_subplot()


def show(figure: Figure) -> Image:
    """``figure`` as a PNG to display in the notebook and embed in the page.

    Drawn at twice its size in pixels and shown at its size, so it stays sharp on high-density
    screens; its title and axis labels become the image's alternative text, so a screen reader
    says what the chart shows.
    """
    ax = figure.axes[0]
    words = [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
    alt = ". ".join(" ".join(w.split()) for w in words if w)
    return Image(data=compact_png(drawn(figure, scale=2)), format="png", retina=True, alt=alt)


def drawn(figure: Figure, scale: float = 1) -> PILImage.Image:
    """``figure`` drawn at ``scale`` times its size in pixels, as an RGB image: Agg's own
    buffer, without the PNG that ``savefig`` would write only to be read back."""
    dpi = figure.dpi
    figure.set_dpi(scale * dpi)
    try:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return PILImage.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    finally:
        figure.set_dpi(dpi)


def compact_png(image: PILImage.Image) -> bytes:
    """``image`` (an opaque chart) as a PNG with its colours reduced to a palette of 256,
    without dithering: a chart's flat colours and the shades of their anti-aliased edges fit
    in it, the eye sees no difference, and the page carries a quarter of the bytes."""
    palette = image.quantize(
        colors=256, method=PILImage.Quantize.FASTOCTREE, dither=PILImage.Dither.NONE
    )
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def density_layer(ax, customers: pd.DataFrame, x: str = "hours", y: str = "revenue") -> None:
    """Column ``x`` against ``y`` of ``customers`` as grey hexagons, darker where more
    customers are, on the axes' scales (log or linear)."""
    ax.hexbin(
        customers[x],
        customers[y],
        xscale=ax.get_xscale(),
        yscale=ax.get_yscale(),
        gridsize=60,
        cmap="Greys",
        mincnt=1,
        bins="log",
        linewidths=0,
    )


def flagged(customers: pd.DataFrame) -> pd.DataFrame:
    """The customers drawn over a density layer: the headache list and the fire candidates."""
    return customers[
        customers["on_headache_list"].fillna(False).astype(bool)
        | (customers["band"] == "fire_candidate")
    ]


def rate_lines(ax, review: Review, hours: pd.Series) -> np.ndarray:
    """Lines of constant revenue per hour across the range of ``hours``: the portfolio median
    (dashed) and the headache-list cutoff (dotted), each labelled at its right end. Returns the
    hours the lines span."""
    hours_range = rate_span(hours)
    median_line(ax, review, hours_range)
    cutoff_line(ax, review, hours_range)
    return hours_range


def rate_span(hours: pd.Series) -> np.ndarray:
    """The hours a line of constant revenue per hour spans: a little beyond ``hours``."""
    return np.geomspace(hours.min() * 0.8, hours.max() * 1.25, 50)


def median_line(ax, review: Review, hours_range: np.ndarray) -> list[Artist]:
    """The portfolio's median revenue per hour, dashed, across ``hours_range``."""
    median = review.median_revenue_per_hour
    label = f"median {per_hour(median, display(review.settings))}"
    return _rate_line(ax, median, "--", label, hours_range)


def cutoff_line(ax, review: Review, hours_range: np.ndarray) -> list[Artist]:
    """The headache list's cutoff revenue per hour, dotted, across ``hours_range``."""
    cutoff = portfolio.headache_shares(review).cutoff
    label = f"headache cutoff {per_hour(cutoff, display(review.settings))}"
    return _rate_line(ax, cutoff, ":", label, hours_range)


def _rate_line(ax, rate: float, style: str, label: str, hours_range: np.ndarray) -> list[Artist]:
    """A line of constant revenue per hour ``rate``, labelled at its right end: its artists
    (none for a rate that is missing or not above zero)."""
    if not (rate and rate > 0):
        return []
    (line,) = ax.plot(hours_range, rate * hours_range, style, color=INK, linewidth=1.2, zorder=3)
    note = ax.annotate(
        label,
        (hours_range[-1], rate * hours_range[-1]),
        xytext=(4, 0),
        textcoords="offset points",
        va="center",
        fontsize=9,
        color=INK,
        annotation_clip=False,
    )
    return [line, note]


def finding_title(ax, text: str) -> Text:
    """A title that states the finding, wrapped so it never runs past the figure's edge."""
    return ax.set_title(textwrap.fill(text, TITLE_WIDTH), loc="left")


def money_axis(currency: CurrencyDisplay | str):
    return FuncFormatter(lambda value, _: money(value, currency))


def band_legend(ax, bands: pd.Series, names: dict[str, str], **kwargs) -> Legend:
    counts = bands.value_counts()
    handles = [
        Line2D([], [], marker="o", linestyle="", color=BAND_COLORS[b], markersize=8)
        for b in BANDS
        if counts.get(b, 0)
    ]
    labels = [f"{names[b]} ({counts[b]:,})" for b in BANDS if counts.get(b, 0)]
    return ax.legend(handles, labels, frameon=False, **{"title": "Band", **kwargs})
