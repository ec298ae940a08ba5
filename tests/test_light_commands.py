"""The commands a person types often (`rules`, `data check`, `data lint`, `report`) never import torch or transformers:
their answer comes at typing speed. Run in a fresh interpreter, since this test process has torch loaded already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_pairs, write_json
from test_report import run  # noqa: F401  (the fixture: a run folder with evaluations, no model)

HEAVY = ("torch", "transformers", "peft", "trl")
SRC = Path(__file__).resolve().parents[1] / "src"
PROBE = """
import contextlib, io, json, sys
from babybliss.cli.commands import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = main(json.loads(sys.argv[1]))
print(json.dumps({"status": status, "stdout": out.getvalue(), "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def _run_command(argv: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, env=env,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_rules_imports_no_torch():
    result = _run_command(["rules", "I like pizza.", "She walked to the lake."])
    assert result["status"] == 0
    assert result["stdout"].splitlines() == ["present:I like pizza.", "past:She walk to lake."]
    assert result["heavy"] == []


def test_rules_file_imports_no_torch(tmp_path):
    sentences = tmp_path / "english.txt"
    sentences.write_text("We will swim tomorrow.\nThe dog is barking.\n", encoding="utf-8")
    result = _run_command(["rules", "--file", str(sentences)])
    assert len(result["stdout"].splitlines()) == 2
    assert result["heavy"] == []


@pytest.mark.parametrize("command", ["check", "lint"])
def test_data_commands_import_no_torch(tmp_path, command):
    pairs = write_json(tmp_path / "pairs.json", make_pairs(8))
    result = _run_command(["data", command, str(pairs)])
    assert result["status"] == 0
    assert result["heavy"] == []


def test_report_imports_no_torch(run):  # noqa: F811
    result = _run_command(["report", str(run)])
    assert result["status"] == 0 and (run / "report.html").is_file()
    assert result["heavy"] == []


def test_symbols_imports_no_torch():
    result = _run_command(["symbols", "present:I move slowly towards lake blue."])
    assert result["status"] == 0
    assert result["stdout"].splitlines()[2] == "move\t15667\tmove\tB974;;B81"
    assert result["heavy"] == []
