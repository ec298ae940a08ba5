"""Dynamic batching for the server: sentences of concurrent requests are converted together in one model call.

The first sentence that waits opens a short window for others to join; a batch holds at most `max_batch`
sentences, and while one batch is converted the next fills up. Conversion runs in one worker thread, so the
event loop keeps answering (health checks, full-queue 503s, disconnects) while the model works. A batch whose call
raises is converted again one sentence at a time, so a sentence the converter cannot take fails only its own request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


log = logging.getLogger("babybliss.serve.batching")


class QueueFull(Exception):
    """More sentences are waiting than the queue holds; the client should retry later."""


class SentenceFailed(Exception):
    """The converter raised on the request's sentence `index`, even converted alone (the cause is chained)."""

    def __init__(self, index: int):
        super().__init__(f"sentence {index} could not be converted")
        self.index = index


@dataclass
class _Item:
    direction: str
    text: str
    future: asyncio.Future
    arrived: float = field(default_factory=time.monotonic)


class Batcher:
    """Queues sentences, converts them in batches with `convert(direction, texts) -> outputs`, one batch at a time."""

    def __init__(self, convert: Callable[[str, list[str]], Sequence], window_s: float, max_batch: int, queue_size: int):
        self.convert = convert
        self.window_s = window_s
        self.max_batch = max_batch
        self.queue_size = queue_size
        self.calls = 0
        """Conversion calls made so far (one per direction in a batch)."""
        self.last_batch_seconds = 0.0
        self._queue: deque[_Item] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def waiting(self) -> int:
        return len(self._queue)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        for item in self._queue:
            item.future.cancel()

    def retry_after(self) -> int:
        """Seconds a refused client should wait: about the time to drain the queue, at least 1."""
        batches = max(1, -(-len(self._queue) // self.max_batch))
        return max(1, round(batches * self.last_batch_seconds))

    async def submit(self, direction: str, texts: Sequence[str]) -> list:
        """The outputs of `texts` in order. Raises QueueFull at once when they do not fit in the queue."""
        if len(self._queue) + len(texts) > self.queue_size:
            raise QueueFull(f"{len(self._queue)} sentences are waiting (queue size {self.queue_size})")
        loop = asyncio.get_running_loop()
        items = [_Item(direction, text, loop.create_future()) for text in texts]
        self._queue.extend(items)
        self._wake.set()
        try:
            outcomes = await asyncio.gather(*(item.future for item in items), return_exceptions=True)
        except asyncio.CancelledError:
            # The client went away: its sentences leave the queue (and free their room) instead of being converted.
            for item in items:
                item.future.cancel()
            self._queue = deque(item for item in self._queue if not item.future.done())
            raise
        for index, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                raise SentenceFailed(index) from outcome
        return outcomes

    async def _next_batch(self) -> list[_Item]:
        while True:
            while self._queue and self._queue[0].future.done():
                self._queue.popleft()
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            wait = self._queue[0].arrived + self.window_s - time.monotonic()
            if wait > 0 and len(self._queue) < self.max_batch:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), wait)
                except TimeoutError:
                    pass
                continue
            batch: list[_Item] = []
            while self._queue and len(batch) < self.max_batch:
                item = self._queue.popleft()
                if not item.future.done():
                    batch.append(item)
            if batch:
                return batch

    async def _run(self) -> None:
        while True:
            batch = await self._next_batch()
            start = time.monotonic()
            for direction in dict.fromkeys(item.direction for item in batch):
                await self._convert(direction, [item for item in batch if item.direction == direction])
            self.last_batch_seconds = time.monotonic() - start

    async def _convert(self, direction: str, group: list[_Item]) -> None:
        """Settle each item's future with its output; if the call raises, convert each item alone, so the error
        reaches only the items that raise on their own."""
        self.calls += 1
        try:
            outputs = await asyncio.to_thread(self.convert, direction, [item.text for item in group])
            pairs = list(zip(group, outputs, strict=True))
        except Exception as err:
            if len(group) == 1:
                if not group[0].future.done():
                    group[0].future.set_exception(err)
                return
            log.warning("a batch of %d sentences failed (%r): converting them one at a time", len(group), err)
            for item in group:
                if not item.future.done():
                    await self._convert(direction, [item])
            return
        for item, output in pairs:
            if not item.future.done():
                item.future.set_result(output)
