"""The converter page in a real browser (Debian's chromium through Playwright), served by uvicorn on 127.0.0.1, with
the network closed: any request that is not to the server is aborted and recorded.

English -> Bliss is served by the rule converter (its placeholder replaced by a fixed answer, as the random tiny model
only answers empty lines), Bliss -> English by the tiny model, not fine-tuned.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(), reason=f"{CHROMIUM} is absent: `make browser` installs Debian's chromium (needs apt as root)"
)
BLISS = "future:We visit museum week next."


@pytest.fixture(scope="module")
def base_url():
    from babybliss.config import ServeConfig, load_config
    from babybliss.grammar import rules
    from babybliss.serve import app as serve

    patch = pytest.MonkeyPatch()
    patch.setattr(rules, "to_bliss", lambda sentences: [BLISS for _ in sentences])
    serve.acceptable_answers([BLISS], [BLISS])  # the acceptable check's word lists loaded, as run_serve does
    converters = serve.choose_converters(load_config(None, ["model.spec=tiny", "generate.max_new_tokens=8"]), None, False)
    with running_server(serve.create_app(converters, ServeConfig(), "tiny")) as port:
        yield f"http://localhost:{port}/"
    patch.undo()


@pytest.fixture
def offline(browser, base_url):
    """A browser context with the network closed: requests beyond the server are aborted and listed in `.outside`;
    console messages (CSP reports among them) are listed in `.console`."""
    context = browser.new_context()
    context.outside = []
    context.console = []

    def closed(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            context.outside.append(route.request.url)
            route.abort()

    context.route("**/*", closed)
    yield context
    context.close()


@pytest.fixture
def page(offline, base_url):
    page = offline.new_page()
    page.on("console", lambda message: offline.console.append(message.text))
    page.goto(base_url)
    yield page
    assert offline.outside == []  # nothing was fetched from the internet
    assert not [m for m in offline.console if "Content Security Policy" in m]
    page.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


class Held:
    """Holds the page's /v1/convert requests until `release()`: the page is busy meanwhile."""

    def __init__(self, page):
        self.page, self.routes = page, []
        page.route("**/v1/convert", lambda route: self.routes.append(route))

    def wait_for(self, count: int) -> None:
        end = time.monotonic() + 10
        while len(self.routes) < count:
            assert time.monotonic() < end, "the page sent no request"
            self.page.wait_for_timeout(20)

    def release(self) -> None:
        for route in self.routes:
            route.continue_()


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in found]


def set_text_size(page, percent: int) -> None:
    """The browser's text size setting (chrome://settings font size), as a reader with low vision sets it."""
    session = page.context.new_cdp_session(page)
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 16 * percent // 100, "fixed": 13 * percent // 100}})
    page.wait_for_timeout(100)


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
    assert page.locator("#result .caution:visible").count() == 0  # the rules' answers are not marked


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


def test_errors_are_shown_in_plain_words_and_replace_the_old_result(page):
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_have_text("Type a sentence first.")
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    page.locator("#result .sentence").wait_for()
    page.locator("#sentences").fill("x" * 301)
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_have_text(
        "Line 1 is too long: 301 characters, at most 300. Shorten it or split it into two sentences."
    )
    assert page.locator("#result .sentence").count() == 0  # the old result is gone
    expect(page.locator("#result")).to_have_text("No result.")
    assert page.locator("#copy").is_disabled()


def test_a_server_error_names_the_line_in_plain_words(page):
    body = {"error": {"code": "conversion_failed", "message": "sentences[1] could not be converted", "sentence": 1}}
    page.route("**/v1/convert", lambda route: route.fulfill(status=500, json=body))
    page.locator("#sentences").fill("We go.\nThey stay.")
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_have_text(
        "Line 2 could not be converted. Check its spelling, or convert the other lines without it."
    )


def test_the_page_is_busy_while_a_request_runs_and_enter_sends_once(page):
    held = Held(page)
    page.keyboard.type("We will visit the museum next week.")
    for _ in range(3):
        page.keyboard.press("Enter")
    held.wait_for(1)
    expect(page.locator("#convert")).to_be_disabled()
    expect(page.locator("#result")).to_have_attribute("aria-busy", "true")
    page.wait_for_timeout(200)
    assert len(held.routes) == 1  # three Enters, one request
    held.release()
    page.locator("#result .sentence").wait_for()
    expect(page.locator("#convert")).to_be_enabled()
    expect(page.locator("#result")).to_have_attribute("aria-busy", "false")
    assert page.locator("#history li").count() == 1


def test_the_history_keeps_each_requests_own_direction(page):
    held = Held(page)
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    held.wait_for(1)
    page.locator("input[value=b2e]").check()  # switched while the English -> Bliss request is pending
    held.release()
    entry = page.locator("#history li").first
    entry.wait_for()
    assert entry.get_attribute("data-direction") == "e2b"
    assert entry.inner_text().startswith("English → Bliss: We will visit")
    assert page.locator("#result .caution:visible").count() == 0  # judged as e2b (the rules), not as b2e


def test_an_untuned_model_is_named_before_converting_and_at_its_answer(page):
    warning = page.locator("#untuned-warning")
    expect(warning).to_be_hidden()  # English -> Bliss: the rules
    page.locator("input[value=b2e]").check()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("not fine-tuned")
    page.locator("#sentences").fill("past:We visit museum.")
    page.keyboard.press("Enter")
    caution = page.locator("#result .answer.doubtful .caution")
    expect(caution).to_have_text("Not a real conversion: the model is not fine-tuned.")
    expect(page.locator("#history li").first).to_contain_text("(not a real conversion)")


def test_an_unsure_answer_is_marked_with_its_reason(page):
    unsure = {"input": "We met; it rained.", "output": "past:We meet. past:it rain.", "clean_stop": True,
              "confident": False, "warnings": ["punctuation ';' is not covered"]}
    cut_off = {"input": "We go.", "output": "present:We go.", "clean_stop": False}
    page.route("**/v1/convert", lambda route: route.fulfill(status=200, json={"results": [unsure, cut_off]}))
    page.locator("#sentences").fill("We met; it rained.\nWe go.")
    page.keyboard.press("Enter")
    answers = page.locator("#result .answer")
    expect(answers.first.locator(".caution")).to_have_text("Unsure: punctuation ';' is not covered.")
    assert answers.first.locator(".sentence .marker").all_inner_texts() == ["past", "past"]  # two sentences
    expect(answers.nth(1).locator(".caution")).to_have_text("Unsure: check this answer before you use it.")
    expect(page.locator("#history li").first).to_contain_text("(unsure)")


def test_the_bliss_input_format_is_hinted_with_an_example(page):
    hint = page.locator("#format-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("past:We visit museum.")
    assert "format-hint" in page.locator("#sentences").get_attribute("aria-describedby")


def test_controls_grow_with_the_text_size(page):
    controls = ["input[value=e2b]", "input[value=b2e]", "#sentences", "#convert", "#copy"]
    before = {c: page.locator(c).bounding_box()["height"] for c in controls}
    set_text_size(page, 200)
    after = {c: page.locator(c).bounding_box()["height"] for c in controls}
    assert all(after[c] >= 1.7 * before[c] for c in controls), (before, after)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # nothing sticks out sideways


@pytest.mark.parametrize("percent", [100, 200])
def test_no_accessibility_violation_at_100_and_200_percent_text(page, percent):
    set_text_size(page, percent)
    assert violations(page) == []
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    page.locator("#result .sentence").wait_for()
    assert violations(page) == []
    page.locator("input[value=b2e]").check()
    page.locator("#sentences").fill("past:We visit museum.")
    page.keyboard.press("Enter")
    page.locator("#result .caution").wait_for()
    assert violations(page) == []
    page.locator("#sentences").fill("x" * 301)
    page.keyboard.press("Enter")
    expect(page.locator("#error")).to_contain_text("too long")
    assert violations(page) == []


def renderer_installed() -> bool:
    from babybliss.symbols.render import browser_script

    return browser_script().is_file()


needs_renderer = pytest.mark.skipif(not renderer_installed(), reason="bliss-svg-builder is not installed (make setup runs npm ci)")


@needs_renderer
def test_each_english_to_bliss_result_is_drawn_in_symbols_with_glosses(page):
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    figure = page.locator("#result .bliss-sentence")
    figure.wait_for()
    assert figure.get_attribute("role") == "img"
    assert figure.get_attribute("aria-label") == "we visit museum week next ."
    assert figure.locator("svg").count() == 6  # five words and the full stop, each drawn by the renderer
    assert figure.locator(".bliss-gloss").all_inner_texts() == ["we", "visit", "museum", "week", "next", "."]
    assert page.evaluate("typeof BlissSVGBuilder") == "function"  # loaded from the server (the network is closed)
    figure.focus()  # reachable by keyboard, its label read out
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "copy"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the glosses toggle
    assert not page.locator("#show-glosses").is_checked()
    expect(figure.locator(".bliss-gloss").first).to_be_hidden()
    page.keyboard.press("Space")
    expect(figure.locator(".bliss-gloss").first).to_be_visible()


@needs_renderer
def test_a_sentence_is_composed_from_symbols_by_keyboard_only(page):
    sent = []
    page.on("request", lambda request: sent.append(request.post_data_json) if request.method == "POST" else None)
    for _ in range(3):  # text box, Convert, the glosses toggle (Copy is disabled), then the symbol search
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "symbol-search"
    for query, choice in [("we", "we"), ("visi", "visit"), ("lak", "lake"), ("blu", "blue"), ("apple", "apple")]:
        page.keyboard.type(query)
        expect(page.locator("#symbol-options [role=option]").first).to_contain_text(choice)
        assert page.locator("#symbol-search").get_attribute("aria-expanded") == "true"
        page.keyboard.press("Enter")
        expect(page.locator("#composed li").last).to_contain_text(choice)
    assert page.evaluate("document.activeElement.id") == "symbol-search"
    for _ in range(5):  # from the search box through the row's five symbols
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "apple (remove)"
    page.keyboard.press("Enter")  # removes it
    assert page.locator("#composed li").count() == 4
    expect(page.locator("#compose-status")).to_have_text("Removed apple; 4 in the row.")
    page.keyboard.press("Tab")  # to the tense radios
    page.keyboard.press("ArrowRight")  # present -> past
    assert page.locator("input[name=tense][value=past]").is_checked()
    expect(page.locator("#composed-bliss")).to_have_text("past:we visit lake blue.")
    codes = page.locator("#composed .bliss-word").evaluate_all("cells => cells.map(c => c.dataset.code)")
    assert codes[1].endswith(";;B92") and not any(c.endswith(";;B92") for c in codes[:1] + codes[2:])  # visited
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Read it in English
    expect(page.locator("#composed-english .caution")).to_have_text("Not a real conversion: the model is not fine-tuned.")
    assert sent[-1] == {"direction": "b2e", "sentences": ["past:we visit lake blue."]}
    assert page.locator("#composed .bliss-word svg").count() == 4


@needs_renderer
@pytest.mark.parametrize("percent", [100, 200])
def test_symbols_and_composing_have_no_accessibility_violation(page, percent):
    set_text_size(page, percent)
    page.keyboard.type("We will visit the museum next week.")
    page.keyboard.press("Enter")
    page.locator("#result .bliss-sentence").wait_for()
    page.locator("#symbol-search").fill("lak")
    page.locator("#symbol-options [role=option]").first.wait_for()
    assert violations(page) == []  # the options open
    page.keyboard.press("Enter")
    page.locator("#read-english").click()
    page.locator("#composed-english .answer").wait_for()
    assert violations(page) == []
    symbol = page.locator("#result .bliss-sentence svg").first.bounding_box()["height"]
    assert symbol >= 2.5 * 16 * percent / 100  # the symbols grow with the text


def test_the_api_docs_work_with_the_network_closed(offline, base_url):
    page = offline.new_page()
    asked: list[str] = []  # every request the page makes, those the CSP blocks before the network included
    page.on("request", lambda request: asked.append(request.url))
    page.on("console", lambda message: offline.console.append(message.text))
    page.goto(base_url + "docs")
    expect(page.locator("#swagger-ui .opblock-summary-path").filter(has_text="/v1/convert")).to_be_visible()
    page.goto(base_url + "redoc")
    expect(page.get_by_text("Convert Endpoint").first).to_be_visible()
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()  # the sidebar, where the logo was asked for
    page.wait_for_timeout(300)
    assert offline.outside == []
    assert [url for url in asked if not url.startswith(base_url) and not url.startswith(("data:", "blob:"))] == []
    assert not [m for m in offline.console if "Content Security Policy" in m]
    schema = json.loads(page.evaluate("fetch('openapi.json').then(r => r.text())"))
    assert "/v1/convert" in schema["paths"]
