"""A real browser for the console tests: Playwright for Python driving Debian's Chromium.

`playwright install` cannot download browsers here, so the system's /usr/bin/chromium is
launched (scripts/lib.sh installs the `chromium` package). Every page a test opens fails the
test on any console error, uncaught exception or Content-Security-Policy violation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

CHROMIUM = os.environ.get("SHOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Reports every CSP violation to the test, whichever way the browser logs it.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Chromium with `apt-get install chromium` "
            "(scripts/test does it when run as root) or set SHOP_CHROMIUM"
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageProblems:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        refused = "Content Security Policy" in message.text or "Refused to" in message.text
        if message.type == "error" or refused:
            self.messages.append(f"console {message.type}: {message.text}")

    def uncaught(self, error: Exception) -> None:
        self.messages.append(f"page error: {error}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = PageProblems()
    page.on("console", problems.console)
    page.on("pageerror", problems.uncaught)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    violations = [] if page.is_closed() else page.evaluate("window.__cspViolations || []")
    context.close()
    assert not problems.messages, problems.messages
    assert not violations, violations


def screenshot(page: Page, name: str) -> None:
    """Keep a picture of the page for reviewers (tests/browser/screenshots/, not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# The integration tests' servers and app factory (the browser drives the same apps). When both
# folders run in one session, each starts its own PostgreSQL and Redis.
from tests.integration.apps import make_app, migrated_postgres_url  # noqa: E402,F401
from tests.integration.conftest import (  # noqa: E402,F401
    postgres_server,
    postgres_url,
    redis_server,
    redis_url,
)
from tests.integration.imports_support import rq_worker  # noqa: E402,F401
