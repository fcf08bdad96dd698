"""Real Chromium (Debian's) driven by Playwright against a live `forum serve`.

Skipped when Chromium is absent, unless FORUM_REQUIRE_BROWSER is set (CI sets it):
then a missing browser fails the run instead of hiding the journey.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from forum import create_app
from forum.extensions import db
from tests.conftest import _wipe, make_config
from tests.live import live_server

CHROMIUM = os.environ.get("FORUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) or os.environ.get("FORUM_REQUIRE_BROWSER"):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def server(
    _schema: None, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    app = create_app(make_config(database_url))
    with app.app_context():
        _wipe()
        db.engine.dispose()
    log = tmp_path_factory.mktemp("e2e") / "serve.log"
    with live_server(database_url, log) as url:
        yield url


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Closed before the server stops: a page's open socket would hold the server's graceful
    shutdown for its whole timeout (10 s a module)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):  # noqa: ANN201
    """Save a full-page PNG under test-artifacts/ so people can look at what the test saw."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> None:  # noqa: ANN001
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{name}.png"), full_page=True)

    return take
