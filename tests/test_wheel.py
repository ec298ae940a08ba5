"""The package installs as a wheel (not only editable): the wheel carries its configs, corpus, templates and static
files, and the command works from a fresh virtual environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # a clean copy: no build/ left from an earlier build, none left behind
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("babybliss-*.whl")
    return found


def test_the_wheel_carries_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "babybliss/configs/default-cpu.toml",
        "babybliss/configs/llama2-7b-qlora.toml",
        "babybliss/data/corpus/pairs.json",
        "babybliss/data/corpus/novel.json",
        "babybliss/cluster/templates/slurm/job.sh.j2",
        "babybliss/evaluation/templates/report/report.html.j2",
        "babybliss/serve/templates/index.html",
        "babybliss/serve/static/serve.js",
        "babybliss/symbols/lexicon/bliss-lexicon.json",
        "babybliss/symbols/lexicon/NOTICE.md",
        "babybliss/symbols/render.cjs",
    ):
        assert expected in names, f"{expected} is missing from {wheel.name}"


def test_the_command_runs_from_a_fresh_venv(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    # The dependencies come from this environment's site-packages; babybliss itself only from the wheel.
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    deps = Path(sysconfig.get_path("purelib"))
    (site / "deps.pth").write_text(f"{deps}\n")
    python = env_dir / "bin" / "python"
    check = (
        "import babybliss, sys; from pathlib import Path; from babybliss.cli.commands import shipped_config; "
        "path = shipped_config('default-cpu'); assert Path(babybliss.__file__).is_relative_to(sys.prefix), babybliss.__file__; "
        "assert path is not None and path.is_relative_to(sys.prefix), path; print(path.name)"
    )
    found = subprocess.run([str(python), "-I", "-c", check], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "default-cpu.toml"
    helped = subprocess.run([str(python), "-I", "-m", "babybliss", "--help"], capture_output=True, text=True)
    assert helped.returncode == 0, helped.stderr
    assert "finetune" in helped.stdout
