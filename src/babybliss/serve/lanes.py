"""Two lanes, each a `Batcher` with its own worker thread and queue, so that a quick conversion never waits for a slow
one: the **rules** lane converts English -> Bliss by the rules (milliseconds a sentence), the **model** lane runs
every model call (Bliss -> English, and the sentences the hybrid's rules do not stand behind: hundreds of
milliseconds). A request of the hybrid goes through the rules lane, and only its sentences that need the model
then join the model lane. A full lane refuses (QueueFull, answered 503) only the requests that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babybliss.serve.batching import Batcher, QueueFull, SentenceFailed

RULES, MODEL = "rules", "model"


@dataclass
class LaneSizes:
    window_s: float
    max_batch: int
    rules_queue: int
    model_queue: int


class Lanes:
    """Routes each direction to its lane. `first(direction, texts)` is the rules lane's work: each text's final
    answer, or a pending one that `finish(direction, pending)` completes in the model lane; `model(direction, texts)`
    is the model lane's work for a direction served by a model alone. `lane_of[direction]` is RULES or MODEL."""

    def __init__(self, lane_of: dict[str, str], first: Callable, finish: Callable, model: Callable,
                 is_pending: Callable[[object], bool], sizes: LaneSizes):
        self.lane_of = lane_of
        self.is_pending = is_pending
        self.rules = Batcher(first, sizes.window_s, sizes.max_batch, sizes.rules_queue)
        self.model = Batcher(self._model_work(finish, model), sizes.window_s, sizes.max_batch, sizes.model_queue)

    def _model_work(self, finish: Callable, model: Callable) -> Callable:
        """A direction of the model lane sends texts; one of the rules lane sends the pending answers of `first`."""

        def work(direction: str, items: list) -> list:
            return model(direction, items) if self.lane_of[direction] == MODEL else finish(direction, items)

        return work

    @property
    def waiting(self) -> dict[str, int]:
        return {RULES: self.rules.waiting, MODEL: self.model.waiting}

    def start(self) -> None:
        self.rules.start()
        self.model.start()

    async def stop(self) -> None:
        await self.rules.stop()
        await self.model.stop()

    async def submit(self, direction: str, texts: list[str]) -> list:
        """The answers of `texts` in order. QueueFull names the lane that is full (`.lane`, `.retry_after`);
        SentenceFailed's index is the request's own."""
        if self.lane_of[direction] == MODEL:
            return await self._submit(self.model, MODEL, direction, texts)
        answers = await self._submit(self.rules, RULES, direction, texts)
        pending = [i for i, answer in enumerate(answers) if self.is_pending(answer)]
        if pending:
            try:
                finished = await self._submit(self.model, MODEL, direction, [answers[i] for i in pending])
            except SentenceFailed as failed:
                raise SentenceFailed(pending[failed.index]) from failed.__cause__
            for i, answer in zip(pending, finished):
                answers[i] = answer
        return answers

    @staticmethod
    async def _submit(batcher: Batcher, lane: str, direction: str, items: list) -> list:
        try:
            return await batcher.submit(direction, items)
        except QueueFull as full:
            full.lane, full.retry_after = lane, batcher.retry_after()
            raise
