"""The page's helper draws an API result's symbols in a real browser with the renderer served from the install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import running_server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file() or shutil.which("node") is None,
    reason=f"{CHROMIUM} or node is absent: `make test` installs both (apt as root)",
)


@pytest.fixture(scope="module")
def server_url():
    from test_serve import Tagged

    from babybliss.config import ServeConfig
    from babybliss.serve import app as serve

    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": Tagged()}, ServeConfig(), "rules")
    with running_server(app) as port:
        yield f"http://127.0.0.1:{port}"


def test_an_api_result_is_drawn_word_by_word_with_its_glosses(server_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(f"{server_url}/healthz")
        for script in ("/vendor/bliss-svg-builder.js", "/static/bliss-symbols.js"):
            page.add_script_tag(url=server_url + script)
        drawn = page.evaluate(
            """async () => {
                const response = await fetch("/v1/convert", {method: "POST", headers: {"content-type": "application/json"},
                    body: JSON.stringify({direction: "e2b", sentences: ["Jonah moved slowly towards the blue lake."]})});
                const result = (await response.json()).results[0];
                const figure = blissSymbols(result.symbols);
                document.body.appendChild(figure);
                return {role: figure.getAttribute("role"), label: figure.getAttribute("aria-label"),
                        svgs: figure.querySelectorAll("svg").length, words: result.symbols.length,
                        glosses: [...figure.querySelectorAll(".bliss-gloss")].map((g) => g.textContent),
                        letters: figure.querySelectorAll(".bliss-letters").length};
            }"""
        )
        browser.close()
    assert drawn["role"] == "img" and drawn["svgs"] == drawn["words"] == 7
    assert drawn["label"] == "Jonah move slow to lake blue ." == " ".join(drawn["glosses"])
    assert drawn["letters"] == 1  # Jonah, spelled
