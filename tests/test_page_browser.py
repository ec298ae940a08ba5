"""The converter page in a real browser (Debian's chromium through Playwright), served by uvicorn on 127.0.0.1.

English -> Bliss is served by the rule converter (its placeholder replaced by a fixed answer, as the random tiny model
only answers empty lines), Bliss -> English by the tiny model.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(), reason=f"{CHROMIUM} is absent: `make browser` installs Debian's chromium (needs apt as root)"
)
BLISS = "future:We visit museum week next."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def base_url():
    import uvicorn

    from babybliss.grammar import rules
    from babybliss.serve import app as serve
    from babybliss.config import ServeConfig, load_config

    patch = pytest.MonkeyPatch()
    patch.setattr(rules, "to_bliss", lambda sentences: [BLISS for _ in sentences])
    converters = serve.choose_converters(load_config(None, ["model.spec=tiny", "generate.max_new_tokens=8"]), None, False)
    port = free_port()
    app = serve.create_app(converters, ServeConfig(), "tiny")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < end, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)
    patch.undo()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    page = browser.new_page()
    page.goto(base_url)
    yield page
    page.close()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]


def test_keyboard_only_conversion_shows_the_marker_apart(page):
    page.keyboard.type("We will visit the museum next week.")  # the text box has the focus on load
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("We are going to visit the museum next week.")
    page.keyboard.press("Enter")
    sentences = page.locator("#result .sentence")
    sentences.nth(1).wait_for()
    assert sentences.count() == 2  # two lines, two sentences; Enter converted instead of adding a third line
    assert page.locator("#sentences").input_value().count("\n") == 1
    assert sentences.first.locator(".marker").inner_text() == "future"
    assert sentences.first.locator(".words").inner_text() == "We visit museum week next."
    assert page.locator("#result").get_attribute("aria-live") == "polite"
    assert page.locator("#history li").count() == 2
    assert not page.locator("#copy").is_disabled()


def test_focus_is_visible_and_the_direction_switches_by_keyboard(page):
    page.keyboard.press("Shift+Tab")  # from the text box back to the direction radios
    page.keyboard.press("ArrowRight")
    assert page.locator("input[value=b2e]").is_checked()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.type("past:We visit museum.")
    with page.expect_response("**/v1/convert") as answer:
        page.keyboard.press("Enter")
    assert answer.value.ok and answer.value.json()["results"][0]["input"] == "past:We visit museum."
    page.locator("#history li").first.wait_for()


def test_errors_are_shown_not_thrown(page):
    page.keyboard.press("Enter")
    assert page.locator("#error").inner_text() == "Type a sentence first."
    page.keyboard.type("x" * 301)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('error').textContent.includes('characters')")


def test_no_serious_accessibility_violation_before_and_after_a_result(page):
    assert serious_violations(page) == []
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    page.locator("#result .sentence").wait_for()
    assert serious_violations(page) == []
