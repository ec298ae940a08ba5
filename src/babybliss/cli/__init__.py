"""The `babybliss` command: a thin registry over the layers' plain functions (`commands`), plus `info`."""

from babybliss.cli.commands import main

__all__ = ["main"]
