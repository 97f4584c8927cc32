"""The house style every chart shares: fonts, names that cannot be drawn, and the PNG the page
embeds."""

from pathlib import Path

from helpers.report import chart_style, charts
from tests.support import tiny_review


def test_labels_fall_back_to_the_id_without_a_font_for_the_name():
    assert chart_style.label_for("Alpha Ltd", "A") == "Alpha Ltd"
    assert chart_style.label_for("\U0001d11e Music", "M") == "M"  # a musical symbol no font has


def test_a_name_is_drawn_only_where_every_character_has_a_font(monkeypatch):
    # As on a machine with a Chinese font and on one without: the same name, two labels.
    name = "杭州安澜机械有限公司"
    with_font = frozenset(ord(ch) for ch in "Alpha Ltd" + name)
    monkeypatch.setattr(chart_style, "_drawable_codepoints", lambda: with_font)
    assert chart_style.label_for(name, "C9") == name
    monkeypatch.setattr(chart_style, "_drawable_codepoints", lambda: frozenset(map(ord, "Alph")))
    assert chart_style.label_for(name, "C9") == "C9"


def test_show_embeds_a_sharp_png_with_alternative_text(tiny_export: Path):
    image = chart_style.show(charts.score_distribution(tiny_review(tiny_export)))
    data, metadata = image._repr_png_()
    assert image.data.startswith(b"\x89PNG")
    # Drawn at 2x: a 9.5 x 4.5 inch figure at 100 dpi is shown 950 px wide from 1900 px.
    assert metadata["width"] == 950
    assert metadata["alt"] == (
        "1 customer to keep, 1 fire candidate. Checklist score (yes answers out of 7). Customers"
    )
