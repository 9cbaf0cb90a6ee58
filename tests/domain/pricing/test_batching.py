"""BatchConsumer: one background task hands queued items over in arrival order, in batches, off the loop."""

from __future__ import annotations

import threading

import pytest

from domain.pricing.batching import BatchConsumer


class Recorder(BatchConsumer[int]):
    task_name = "recorder"

    def __init__(self, batch_size: int, failing: set[int] | None = None) -> None:
        super().__init__(batch_size)
        self.batches: list[list[int]] = []
        self.threads: set[int] = set()
        self._failing = failing or set()

    def put(self, item: int) -> None:
        self._queue.put_nowait(item)

    def handle(self, batch: list[int]) -> None:
        self.threads.add(threading.get_ident())
        if self._failing & set(batch):
            raise RuntimeError(f"cannot handle {batch}")
        self.batches.append(batch)


async def test_everything_queued_is_handled_in_order_in_batches_no_larger_than_the_batch_size() -> None:
    consumer = Recorder(batch_size=4)
    async with consumer.running():
        for item in range(10):
            consumer.put(item)
    assert [item for batch in consumer.batches for item in batch] == list(range(10))
    assert all(1 <= len(batch) <= 4 for batch in consumer.batches)
    assert len(consumer.batches) >= 3


async def test_batches_run_off_the_event_loop_thread() -> None:
    consumer = Recorder(batch_size=2)
    async with consumer.running():
        consumer.put(1)
        await consumer.drained()
    assert consumer.threads and threading.get_ident() not in consumer.threads


async def test_a_failing_batch_is_logged_and_later_batches_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    consumer = Recorder(batch_size=1, failing={2})
    async with consumer.running():
        for item in range(4):
            consumer.put(item)
    assert consumer.batches == [[0], [1], [3]]
    assert "recorder: a batch of 1 item(s) failed" in caplog.text


def test_a_batch_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        Recorder(batch_size=0)
