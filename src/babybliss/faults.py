"""Named points where the fault-injection tests stop a run at an exact moment instead of racing a timer.

`BABYBLISS_FAULT=POINT:N[:SIGNAL][,...]` makes the process send itself SIGNAL (KILL unless TERM or INT is named)
when it reaches POINT for the N-th time or at step/epoch N:

    step:N             after optimizer step N (before its checkpoint)
    save-checkpoint:N  inside the checkpoint of step N: weights written, trainer state not yet
    save-epoch:N       inside the write of RUN/epoch-N: adapter written, folder not yet in place
    eval-epoch:N       after epoch N's validation loss, before it is recorded in RUN/epoch-N
    prepare:0          inside `data prepare`: some splits written, folder not yet in place

Unset (always, outside tests) a point costs one environment lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "BABYBLISS_FAULT"


def point(name: str, number: int = 0) -> None:
    spec = os.environ.get(ENV)
    if not spec:
        return
    for item in spec.split(","):
        where, _, rest = item.strip().partition(":")
        count, _, sig = rest.partition(":")
        if where == name and int(count or 0) == number:
            os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))
