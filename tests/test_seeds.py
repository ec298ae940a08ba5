"""Several training seeds: a run folder per seed, the split fixed unless asked, resume and SLURM arrays per seed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from babybliss.cli.commands import build_parser, main
from babybliss.cluster.slurm import render_script
from babybliss.config import Config, ConfigError, load_config, to_toml
from babybliss.training import run_folder
from babybliss.training.seeds import SeedError, finetune_seeds, seed_configs, seed_folders
from conftest import TINY_RUN_OVERRIDES, make_pairs, write_json


def test_each_seed_gets_its_folder_and_training_seed_and_shares_the_split():
    config = load_config(None, ["out=runs/x", "train.seeds=[42,7,1729]"])
    configs = seed_configs(config)
    assert [c.out for c in configs] == ["runs/x/seed-42", "runs/x/seed-7", "runs/x/seed-1729"]
    assert [c.train.seed for c in configs] == [42, 7, 1729]
    assert {c.data.seed for c in configs} == {42} and all(c.train.seeds == [] for c in configs)
    varied = seed_configs(load_config(None, ["train.seeds=[42,7]", "train.vary_split=true"]))
    assert [c.data.seed for c in varied] == [42, 7]
    assert [c.train.seed for c in seed_configs(config, 2)] == [1729]
    with pytest.raises(SeedError, match="--seed-index 3: train.seeds has 3 seed"):
        seed_configs(config, 3)
    with pytest.raises(ConfigError, match="train.seeds"):
        load_config(None, ["train.seeds=[7,7]"])


def test_the_default_is_one_seed_and_the_seed_list_changes_no_runs_identity():
    assert Config().train.seeds == [] and Config().train.seed == 42 and not Config().train.vary_split
    single = load_config(None, [])
    listed = load_config(None, ["train.seeds=[42,7]"])
    assert run_folder.identity(single) == run_folder.identity(seed_configs(listed)[0])


def test_a_seed_array_job_trains_one_seed_per_task():
    config = load_config(None, ["train.seeds=[42,7,1729]"])
    text = render_script("finetune", config, [], config_path="c.toml", overrides=["train.seeds=[42,7,1729]"],
                         parser=build_parser())
    lines = text.splitlines()
    assert "#SBATCH --array=0-2" in lines
    assert ("babybliss finetune --config c.toml --set 'train.seeds=[42,7,1729]' --resume "
            '--seed-index "$SLURM_ARRAY_TASK_ID" &') in lines
    assert "--array" not in render_script("finetune", Config(), [], config_path="c.toml", overrides=[])
    assert "--array" not in render_script("evaluate", config, ["runs/x"], config_path="c.toml", overrides=[])
    bash = shutil.which("bash")
    if bash:
        assert subprocess.run([bash, "-n"], input=text, text=True).returncode == 0


def test_seeds_train_into_their_folders_and_resume_each(tmp_path, capsys):
    pairs = write_json(tmp_path / "pairs.json", make_pairs(40))
    run = tmp_path / "run"
    config = load_config(None, TINY_RUN_OVERRIDES + [f"data.path={pairs}", f"out={run}", "train.seeds=[42,7]"])
    finetune_seeds(config, index=1)  # a SLURM array task: seed 7 alone
    assert [p.name for p in seed_folders(run)] == ["seed-7"]
    assert not (run / "seed-42").exists()
    first = (run / "seed-7" / "epoch-1" / "training.json").stat().st_mtime_ns
    result = finetune_seeds(config, resume=True)  # trains seed 42, keeps seed 7's finished run
    assert result["seeds"] == [42, 7]
    assert [p.name for p in seed_folders(run)] == ["seed-42", "seed-7"]
    assert (run / "seed-7" / "epoch-1" / "training.json").stat().st_mtime_ns == first
    assert "epochs-1: already finished, skipped" in capsys.readouterr().out
    for seed in (42, 7):
        folder = run / f"seed-{seed}"
        assert (folder / "epoch-1" / "training.json").is_file()
        assert load_config(folder / "config.resolved.toml").train.seed == seed
    # the split is the same for every seed, the training differs
    for split in ("train", "validation", "test"):
        assert (run / "seed-42" / "data" / f"{split}.jsonl").read_bytes() == \
            (run / "seed-7" / "data" / f"{split}.jsonl").read_bytes()
    weights = [(run / f"seed-{s}" / "epoch-1" / "adapter_model.safetensors").read_bytes() for s in (42, 7)]
    assert weights[0] != weights[1]
    assert json.loads((run / "seeds.json").read_text()) == {"seeds": [42, 7], "vary_split": False}
    assert load_config(run / "config.resolved.toml").train.seeds == [42, 7]


def test_cli_seeds_flag_sets_the_seed_list(tmp_path, monkeypatch):
    seen = {}

    def fake(config, resume=False, index=None):
        seen.update(seeds=config.train.seeds, index=index)
        return {}

    monkeypatch.setattr("babybliss.training.seeds.finetune_seeds", fake)
    assert main(["finetune", "--model", "tiny", "--out", str(tmp_path / "r"), "--seeds", "3", "--seed-index", "2"]) == 0
    assert seen == {"seeds": [42, 43, 44], "index": 2}
    assert main(["finetune", "--model", "tiny", "--out", str(tmp_path / "r"), "--seed-index", "0"]) == 2
    assert "seeds = []" in to_toml(Config())
