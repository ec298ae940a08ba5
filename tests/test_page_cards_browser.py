"""The page's drawings, cards and boards in a real browser (Debian's chromium through Playwright), network closed:
a composed row's English marked unsure when the API says it is not acceptable; copy and download (SVG, PNG) of a
drawn sentence; the print style that makes cards of the history; the board button (an .obz for AAC apps).

English -> Bliss by the real rule converter; Bliss -> English by a stand-in reader with fixed answers, presented as a
fine-tuned system, so the page's marks come from the API's acceptable check alone."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = Path("/usr/bin/chromium")


def _renderer_installed() -> bool:
    from babybliss.symbols.render import browser_script, renderer_available

    return renderer_available() is None and browser_script().is_file()


pytestmark = [
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"{CHROMIUM} is absent: `make browser` installs it"),
    pytest.mark.skipif(not _renderer_installed(), reason="bliss-svg-builder is not installed (make setup)"),
]
READINGS = {"present:I want drink.": "I want a drink.", "present:I want drink apple.": "I wantz drinkk apple."}


class Reader:
    """Bliss -> English with fixed answers (a non-word where it has none)."""

    name = "a stand-in reader"

    def convert(self, direction, sentences):
        from babybliss.convert.generate import Output

        return [Output(READINGS.get(s, "Blorp."), True, "") for s in sentences]


@pytest.fixture(scope="module")
def base_url():
    from babybliss.config import ServeConfig
    from babybliss.serve import app as serve

    serve.acceptable_answers(["present:I want drink."], ["I want a drink."])  # loaded once, as run_serve does
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": Reader()}, ServeConfig(), "stand-in")
    with running_server(app) as port:
        yield f"http://localhost:{port}/"


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    outside = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.goto(base_url)
    yield page
    assert outside == []
    context.close()


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in found]


def compose(page, *words):
    for word in words:
        page.locator("#symbol-search").fill(word)
        expect(page.locator("#symbol-options [role=option]").first).to_contain_text(word)
        page.keyboard.press("Enter")


def convert(page, text):
    page.locator("#sentences").fill(text)
    page.keyboard.press("Enter")
    page.locator("#result .bliss-sentence").first.wait_for()


def test_a_composed_rows_english_is_marked_unsure_when_it_is_not_acceptable(page):
    compose(page, "I", "want", "drink")
    expect(page.locator("#composed-bliss")).to_have_text("present:I want drink.")
    with page.expect_response("**/v1/convert") as answer:
        page.locator("#read-english").click()
    assert answer.value.json()["results"][0]["acceptable"] is True
    expect(page.locator("#composed-english .sentence")).to_have_text("I want a drink.")
    assert page.locator("#composed-english .caution:visible").count() == 0
    compose(page, "apple")
    with page.expect_response("**/v1/convert") as answer:
        page.locator("#read-english").click()
    result = answer.value.json()["results"][0]
    assert result["acceptable"] is False and result["confident"] is False
    expect(page.locator("#composed-english .caution")).to_contain_text("Unsure: the English does not convert back")
    expect(page.locator("#history li").first).to_contain_text("(unsure)")


def test_a_drawn_sentence_is_downloaded_as_svg_and_png_and_copied(page, tmp_path):
    tools = page.locator(".drawing-tools").first
    expect(tools.locator("button[data-action=svg]")).to_be_disabled()  # nothing drawn yet
    convert(page, "I want a drink.")
    cells = page.locator("#result .bliss-word").count()
    with page.expect_download() as svg_download:
        tools.locator("button[data-action=svg]").click()
    assert svg_download.value.suggested_filename == "bliss-sentence.svg"
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<svg") == cells + 1  # one drawing holding each word's symbol
    assert [g for g in ("I", "want", "drink") if f">{g}</text>" in svg] == ["I", "want", "drink"]  # glosses
    with page.expect_download() as png_download:
        tools.locator("button[data-action=png]").click()
    assert png_download.value.suggested_filename == "bliss-sentence.png"
    assert Path(png_download.value.path()).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    tools.locator("button[data-action=copy]").click()
    expect(tools.locator(".drawing-status")).to_have_text("Drawing copied.")
    types = page.evaluate("navigator.clipboard.read().then(items => items[0].types)")
    assert "image/png" in types and "text/plain" in types


def test_the_history_prints_as_cards_and_makes_a_board_for_aac_apps(page):
    expect(page.locator("#make-board")).to_be_disabled()
    page.locator("#sentences").fill("I want a drink.\nMother is coming home.")
    page.keyboard.press("Enter")
    expect(page.locator("#history li")).to_have_count(2)
    page.emulate_media(media="print")
    expect(page.locator("#convert-form")).to_be_hidden()
    expect(page.locator(".compose")).to_be_hidden()
    cards = page.locator("#history li")
    expect(cards.locator(".card-english")).to_have_text(["Mother is coming home.", "I want a drink."])
    expect(cards.first.locator(".card-symbols svg").first).to_be_visible()
    expect(cards.first.locator(".history-text")).to_be_hidden()
    page.emulate_media(media="screen")
    expect(cards.first.locator(".card-english")).to_be_hidden()
    with page.expect_download() as board_download:
        page.locator("#make-board").click()
    assert board_download.value.suggested_filename == "babybliss-board.obz"
    with zipfile.ZipFile(board_download.value.path()) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        board = json.loads(archive.read(manifest["root"]))
    assert board["format"] == "open-board-0.1"
    assert [b["label"] for b in board["buttons"]] == ["I want a drink.", "Mother is coming home."]  # as said
    expect(page.locator("#cards-status")).to_have_text("Downloaded babybliss-board.obz.")


def test_the_new_controls_have_no_accessibility_violation(page):
    convert(page, "I want a drink.")
    compose(page, "I", "want", "drink")
    page.locator("#read-english").click()
    page.locator("#composed-english .answer").wait_for()
    assert violations(page) == []
