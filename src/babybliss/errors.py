"""The one error type a user is shown as a single line: everything else is a bug and keeps its traceback."""

from __future__ import annotations


class BlissError(Exception):
    """A problem the user can fix (input, config, folder, disk); the message says what and where."""
