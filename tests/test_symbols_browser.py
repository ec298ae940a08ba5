"""The page's helper draws an API result's symbols in a real browser with the renderer served from the install."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file() or shutil.which("node") is None,
    reason=f"{CHROMIUM} or node is absent: `make test` installs both (apt as root)",
)


@pytest.fixture(scope="module")
def server_url():
    import uvicorn

    from babybliss.config import ServeConfig
    from babybliss.serve import app as serve
    from test_page_browser import free_port
    from test_serve import Tagged

    port = free_port()
    app = serve.create_app({"e2b": serve.RuleConverter(), "b2e": Tagged()}, ServeConfig(), "rules")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < end, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


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
