"""The report draws a few English -> Bliss examples in Bliss symbols for every model, or says why not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from babybliss.evaluation.report import write_report
from babybliss.symbols import render
from test_report import run  # noqa: F401  (the fixture: a run folder with evaluations, no model)

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed on this machine")


@needs_node
def test_the_report_draws_examples_in_symbols_per_model(run):  # noqa: F811
    out = write_report(run)
    page = Path(out["report_html"]).read_text(encoding="utf-8")
    section = page[page.index("<h2>Examples in Bliss symbols</h2>"):page.index("<h2>Times</h2>")]
    assert section.count("<h3>") == 3
    for label in ("expected", "base", "epoch-1", "epoch-2"):
        assert section.count(f'<th scope="row">{label}') == 3
    assert len(re.findall(r"<svg[^>]*data-generator=\"bliss-svg-builder", section)) == 12
    assert "&lt;x&gt;" in section and "<x>" not in section  # the answers' text stays escaped
    assert "Blissymbolics Communication International" in section
    assert "draws 3 of these English → Bliss examples" in Path(out["report_md"]).read_text(encoding="utf-8")


def test_without_node_the_report_has_no_symbols_and_says_why(run, monkeypatch):  # noqa: F811
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    out = write_report(run)
    page = Path(out["report_html"]).read_text(encoding="utf-8")
    assert "Examples in Bliss symbols" not in page and "<svg" not in page
    assert any("not drawn in Bliss symbols: node is not installed" in note for note in out["notes"])
