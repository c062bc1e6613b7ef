"""The library as Browser and readers see it is the library the command line runs: generated, and checked."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

from analysis.guide import ANALYSTS, GUIDE, guide_html, queries_markdown, with_table
from analysis.saved_queries import catalogue

ROOT = Path(__file__).parents[2]


class _Runnable(HTMLParser):
    """The text of every ``<pre class="… runnable">`` block."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre" and "runnable" in (dict(attrs).get("class") or "").split():
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def test_the_browser_guide_is_up_to_date() -> None:
    shipped = (ROOT / GUIDE).read_text(encoding="utf-8")
    assert shipped == guide_html(), "run `python -m analysis.guide` and commit docs/browser-guide.html"


def test_the_guide_runs_each_saved_query_with_its_parameters() -> None:
    parser = _Runnable()
    parser.feed((ROOT / GUIDE).read_text(encoding="utf-8"))
    blocks = [b.strip() for b in parser.blocks]
    for saved in catalogue().values():
        assert saved.text.strip() in [_without_comments(b) for b in blocks], saved.name
        if saved.defaults:
            assert any(b.startswith(":params {") and all(f"{k}: " in b for k in saved.defaults) for b in blocks)
    assert ":params {reason: null, limit: 100}" in blocks
    assert ":params {usual_only: false}" in blocks


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()


def test_the_docs_list_every_saved_query() -> None:
    text = (ROOT / ANALYSTS).read_text(encoding="utf-8")
    assert with_table(text) == text, "run `python -m analysis.guide` and commit docs/analysts.md"
    for saved in catalogue().values():
        assert f"| `{saved.name}` | {saved.description} |" in queries_markdown()


def test_the_guide_escapes_what_it_shows() -> None:
    page = guide_html()
    assert "->" not in page.replace("-->", "")  # arrows of patterns are escaped as -&gt;
    assert html.unescape(page).count("MATCH") >= len(catalogue())


def test_the_browser_style_gives_every_label_of_the_model_a_rule() -> None:
    grass = (ROOT / "docs" / "c360.grass").read_text(encoding="utf-8")
    model = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    labels = set(re.findall(r"\(:([A-Z][A-Za-z]+)", model))
    assert {"Customer", "SourceRecord", "Identifier", "Transaction", "Store"} <= labels
    styled = set(re.findall(r"^node\.([A-Za-z]+) \{$", grass, re.MULTILINE))
    assert labels <= styled, f"no style for {sorted(labels - styled)}"
    assert grass.count("{\n") == grass.count("\n}")  # every rule closed
    assert "caption: '{first_name} {last_name}'" in grass
