"""Pages in a real browser: Debian's Chromium driven by playwright, watched for what the page's policy
refuses (``WATCH``) and for uncaught errors, so every page test checks the same things."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.api.test_map import CHROMIUM
from tests.api.test_map_xss import WATCH


@dataclass
class Opened:
    """A page, and what went wrong on it: uncaught errors, and (``violations()``) what its policy refused."""

    page: Any
    errors: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        return list(self.page.evaluate("window.__violations"))


@contextmanager
def browser_page(width: int = 1280, height: int = 800) -> Iterator[Opened]:
    """A fresh headless Chromium page, watched from before any of the page's own scripts run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.add_init_script(WATCH)
            opened = Opened(page)
            page.on("pageerror", lambda error: opened.errors.append(str(error)))
            yield opened
        finally:
            browser.close()
