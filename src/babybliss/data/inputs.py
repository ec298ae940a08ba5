"""The one check of a run's input files, made by every command that takes them before it loads a model or writes in
a run folder: the pairs file, read as `babybliss data check` reads it, and each `data.extra_train` entry."""

from __future__ import annotations

from babybliss.config import Config
from babybliss.data.extra_train import check_entry
from babybliss.data.pairs import load_run_pairs


def check_inputs(config: Config) -> None:
    """DataError (one line naming the file, the entry or line, and the problem) where the run's data cannot be used."""
    load_run_pairs(config.data.path)
    for entry in config.data.extra_train:
        check_entry(entry)
