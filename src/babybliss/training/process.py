"""This process's place in a run, without torch: its rank, and how a SIGTERM stop ends it. The CLI's error handling
reads these for every command, so importing them must cost nothing."""

from __future__ import annotations

import os

SIGTERM_EXIT = 143
"""Exit status after a SIGTERM stop (128 + 15, what the shell reports for a process ended by SIGTERM)."""


class Terminated(Exception):
    """SIGTERM (a SLURM time limit or preemption): the current step was checkpointed where training had begun."""


def is_main_process() -> bool:
    """Rank 0, or the only process: the one that writes run files and prints."""
    return int(os.environ.get("RANK", "0")) == 0
