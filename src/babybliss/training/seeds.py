"""Several training seeds: the sweep once per seed in RUN/seed-S, each a run folder of its own.

With `train.seeds` empty (the default) nothing here applies: the run is RUN itself, with `train.seed`. With seeds,
RUN holds `seeds.json` (the seeds, and whether each draws its own split) and `config.resolved.toml`, and each
RUN/seed-S is an ordinary run folder (its own lock, identity, data, epochs, checkpoints), so `--resume`, the run
lock and SIGTERM work per seed, and a SLURM array task trains one seed (`finetune --seed-index I`).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from babybliss.config import Config, save_config
from babybliss.errors import BlissError
from babybliss.io import atomic_write_json

SEEDS_FILE = "seeds.json"


class SeedError(BlissError):
    """A seed index or seed count that does not fit the config."""


def seed_dir(run: Path, seed: int) -> Path:
    return run / f"seed-{seed}"


def first_seeds(config: Config, count: int) -> list[int]:
    """`--seeds N`: train.seed and the N - 1 seeds after it."""
    if count < 1:
        raise SeedError(f"--seeds: expected 1 or more, got {count}")
    return [config.train.seed + i for i in range(count)]


def seed_config(config: Config, seed: int) -> Config:
    """The config of one seed's run: its own folder and training seed (and split seed with train.vary_split)."""
    return replace(
        config,
        out=str(seed_dir(Path(config.out), seed)),
        train=replace(config.train, seed=seed, seeds=[]),
        data=replace(config.data, seed=seed) if config.train.vary_split else config.data,
    )


def seed_configs(config: Config, index: int | None = None) -> list[Config]:
    """Every seed's config, or only the one at `index` (a SLURM array task's)."""
    seeds = config.train.seeds
    if index is not None and not 0 <= index < len(seeds):
        raise SeedError(f"--seed-index {index}: train.seeds has {len(seeds)} seed(s) ({seeds}), so 0 to {len(seeds) - 1}")
    chosen = seeds if index is None else [seeds[index]]
    return [seed_config(config, seed) for seed in chosen]


def checked_runs(config: Config, resume: bool = False, index: int | None = None) -> list[Config]:
    """The runs `config` trains (one per seed of train.seeds, each into RUN/seed-S, or itself), each checked as
    `finetune` checks it (run_folder.check_start): bad data or a busy or foreign run folder is refused before any
    model loads or anything is written."""
    from babybliss.training.run_folder import check_start

    runs = seed_configs(config, index) if config.train.seeds else [config]
    for one in runs:
        check_start(one, resume)
    return runs


def record(config: Config) -> None:
    """RUN/seeds.json and RUN/config.resolved.toml: what evaluate and report read to find the seeds."""
    run = Path(config.out)
    run.mkdir(parents=True, exist_ok=True)
    atomic_write_json(run / SEEDS_FILE, {"seeds": list(config.train.seeds), "vary_split": config.train.vary_split})
    save_config(config, run / "config.resolved.toml")


def seed_folders(run: str | Path) -> list[Path]:
    """RUN/seed-S folders, in the order of RUN/seeds.json (else by seed); [] for a single-seed run."""
    run = Path(run)
    path = run / SEEDS_FILE
    if path.is_file():
        seeds = json.loads(path.read_text(encoding="utf-8")).get("seeds", [])
        return [seed_dir(run, s) for s in seeds if seed_dir(run, s).is_dir()]
    found = [p for p in run.glob("seed-*") if p.is_dir() and re.fullmatch(r"seed-\d+", p.name)]
    return sorted(found, key=lambda p: int(p.name.split("-")[1]))


def varies_split(run: str | Path) -> bool:
    path = Path(run) / SEEDS_FILE
    return path.is_file() and bool(json.loads(path.read_text(encoding="utf-8")).get("vary_split"))


def finetune_seeds(config: Config, resume: bool = False, index: int | None = None) -> dict[str, object]:
    """`finetune` once per seed of train.seeds (or only the one at `index`), each into RUN/seed-S."""
    from babybliss.training.process import is_main_process
    from babybliss.training.train import finetune

    configs = checked_runs(config, resume, index) if is_main_process() else seed_configs(config, index)
    if is_main_process():
        record(config)
    results = []
    for one in configs:
        if is_main_process():
            print(f"[babybliss] seed {one.train.seed}: {one.out}", flush=True)
        results.append(finetune(one, resume=resume))
    return {"run": config.out, "seeds": [c.train.seed for c in configs], "runs": results}
