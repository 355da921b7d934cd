"""The query page in headless Chromium: type a query, run it, see the rows.

Chromium is driven through chromedriver's W3C WebDriver HTTP API with ``requests``
(no browser-automation package needed). Skips when Debian's ``chromium`` and
``chromium-driver`` are not installed.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class Browser:
    """A minimal WebDriver client: one session, the few commands the test needs."""

    def __init__(self, driver_url: str, profile: Path) -> None:
        self.http = requests.Session()
        self.driver_url = driver_url
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1280,900"]
        answer = self._send("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}})
        self.session = answer["sessionId"]

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, self.driver_url + path, json=body, timeout=60)
        data = response.json()
        if response.status_code >= 400:
            raise RuntimeError(f"webdriver {path}: {data}")
        return data.get("value", data) if path != "/session" else data["value"]

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send a command within the session."""
        return self._send(method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        """Navigate to ``url``."""
        self.command("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        """The id of the first element matching ``css``."""
        return str(self.command("POST", "/element", {"using": "css selector",
                                                     "value": css})[ELEMENT])

    def script(self, source: str, *args: Any) -> Any:
        """Run JavaScript in the page and return its result."""
        return self.command("POST", "/execute/sync", {"script": source, "args": list(args)})

    def quit(self) -> None:
        """End the session (closes Chromium)."""
        with contextlib.suppress(requests.RequestException, RuntimeError):
            self.command("DELETE", "")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    """Chromium under chromedriver on a free local port."""
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium and chromium-driver are not installed "
                    "(apt-get install chromium chromium-driver)")
    port = free_port()
    driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(url + "/status", timeout=2).json()["value"]["ready"]:
                break
        except (requests.RequestException, ValueError, KeyError):
            pass
        if time.monotonic() > deadline:
            driver.kill()
            pytest.fail("chromedriver did not start")
        time.sleep(0.1)
    session = Browser(url, tmp_path / "profile")
    yield session
    session.quit()
    driver.terminate()
    try:
        driver.wait(10)
    except subprocess.TimeoutExpired:
        driver.kill()


def test_query_page_runs_a_typed_query(live_server: str, browser: Browser,
                                       tmp_path: Path) -> None:
    browser.open(live_server + "/")
    editor = browser.find("#query")
    browser.command("POST", f"/element/{editor}/clear", {})
    typed = ("SELECT DISTINCT ?label WHERE {\n"
             "  <https://w3id.org/conflict-kg/id/actor/isis> rdfs:label ?label\n"
             "} ORDER BY ?label")
    browser.command("POST", f"/element/{editor}/value", {"text": typed})
    keywords = browser.script(
        "return [...document.querySelectorAll('#highlight .t-k')].map(e => e.textContent)")
    assert "SELECT" in keywords and "WHERE" in keywords
    browser.command("POST", f"/element/{browser.find('#run')}/click", {})
    rows: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        rows = browser.script("return [...document.querySelectorAll("
                              "'#results tbody tr')].map(r => r.innerText)")
        if rows:
            break
        time.sleep(0.1)
    assert sorted(rows) == ["Islamic State", "تنظيم الدولة الإسلامية"]
    direction = browser.script("return document.querySelector('#results td[lang=ar]').dir")
    assert direction == "rtl"
    assert "2 rows" in browser.script("return document.getElementById('status').textContent")
    links = browser.script("return [...document.querySelectorAll('#downloads a')]"
                           ".map(a => a.textContent)")
    assert links == ["json", "xml", "csv", "tsv"]
    shot = browser.command("GET", "/screenshot")
    out = Path(os.environ.get("KG_SCREENSHOT_DIR", tmp_path)) / "query-page.png"
    out.write_bytes(base64.b64decode(shot))


def test_result_iris_link_to_entity_pages(live_server: str, browser: Browser) -> None:
    browser.open(live_server + "/")
    editor = browser.find("#query")
    browser.command("POST", f"/element/{editor}/clear", {})
    query = ("SELECT ?actor WHERE { GRAPH <https://w3id.org/conflict-kg/graph/test-kb> "
             "{ ?actor owl:sameAs ?q } } ORDER BY ?actor")
    browser.command("POST", f"/element/{editor}/value", {"text": query})
    browser.command("POST", f"/element/{browser.find('#run')}/click", {})
    hrefs: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not hrefs:
        hrefs = browser.script("return [...document.querySelectorAll('#results td a')]"
                               ".map(a => a.getAttribute('href'))")
        time.sleep(0.1)
    assert hrefs == ["/id/actor/isis", "/id/actor/sdf"]
    browser.open(live_server + hrefs[1])
    title = browser.script("return document.querySelector('h1').textContent")
    assert title == "Syrian Democratic Forces"
