"""The HTML quality report keeps source text as text: hostile names and values are escaped, nothing runs."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.quality import check_quality, history
from analysis.quality_html import quality_html
from graph import Graph
from tests.api.test_map import CHROMIUM
from tests.helpers import query

pytestmark = pytest.mark.store

SCRIPT = "<script>window.__pwned='SCRIPT'</script>"
IMG = """<img src=x onerror="window.__pwned='IMG'">"""
SVG = """"><svg onload="window.__pwned='SVG'">"""
# straight into the store, past the loaders' checks: what a source written by another tool may hold
HOSTILE = """
CREATE (r:SourceRecord {key: 'a:1', source: $script, source_id: '1', email: 'x'})
CREATE (c:Customer {id: 'C1'})-[:HAS_RECORD]->(r)
CREATE (i:Identifier {key: $img, type: $svg, value: 'v', blocked: 'hub'})<-[:HAS_IDENTIFIER]-(r)
CREATE (p:Purpose {name: $img})<-[:ABOUT]-(:ConsentEvent {key: 'k', at: datetime()})-[:FOR]->(i)
CREATE (:LoadRun {run_id: 'r1', source: $svg, kind: 'customers', status: 'completed', read: 1, rejected: 0,
                  values_dropped: 0, started_at: datetime(), finished_at: datetime()})
"""


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


@pytest.fixture
def page(graph: Graph) -> str:
    query(graph, HOSTILE, script=SCRIPT, img=IMG, svg=SVG)
    report = check_quality(graph, [], "none")
    assert {m.get("source") for m in report["measurements"]} >= {SCRIPT, SVG}
    return quality_html(report, history(graph))


def test_hostile_source_text_makes_no_element(page: str) -> None:
    parsed = _Elements()
    parsed.feed(page)
    assert not parsed.tags & {"script", "img"}
    assert not {a for a in parsed.attributes if a.startswith("on")}
    assert "&lt;script&gt;window.__pwned=&#x27;SCRIPT&#x27;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned=&#x27;IMG&#x27;&quot;&gt;" in page


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (apt-get install chromium)")
def test_hostile_source_text_stays_text_in_a_browser(page: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = tmp_path / "quality.html"
    path.write_text(page, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            shown = browser.new_page()
            shown.goto(path.as_uri())
            shown.wait_for_load_state("load")
            assert shown.evaluate("window.__pwned") is None
            assert shown.locator("script, img, [onerror], [onload]").count() == 0
            text = shown.inner_text("body")
            assert SCRIPT in text and IMG in text and SVG.strip() in text
        finally:
            browser.close()
