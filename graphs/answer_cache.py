"""A bounded, expiring memory of rendered answers, one per `Services` (`Services.answers`): the decision
graph's result cache keeps its answers here (graphs/decision_cache.py says what an answer is keyed by). And
`Kept`: what the decision graph reads from a store or a knowledge base for every question alike (a
category's candidates, the guides' search), kept per `Services` under the same switch and time bound.

Apart from graphs/decision_cache.py so that graphs/services.py can build it without importing the graphs."""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from core.settings import Settings

ENTRY_OVERHEAD_BYTES = 200
"""What an entry costs besides its body: the key, the bookkeeping tuple, the dictionary slot."""


class AnswerCache:
    """Rendered answers by key: least recently used go first past `max_bytes`, and none is served after
    `ttl_s`. Thread-safe (one lock around a dictionary operation). `max_bytes` 0: nothing is kept."""

    def __init__(
        self, max_bytes: int = 0, ttl_s: float = 600.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_bytes = max_bytes
        self.ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[bytes, tuple[float, bytes]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_settings(cls, settings: Settings) -> AnswerCache:
        return cls(max_bytes=int(settings.decision_cache_mb * 2**20), ttl_s=settings.decision_cache_ttl_s)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: bytes) -> bytes | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] <= self.ttl_s:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
            if entry is not None:
                self._drop(key)
            self.misses += 1
            return None

    def put(self, key: bytes, body: bytes) -> None:
        cost = len(body) + ENTRY_OVERHEAD_BYTES
        if cost > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock(), body)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: bytes) -> None:
        _, body = self._entries.pop(key)
        self._bytes -= len(body) + ENTRY_OVERHEAD_BYTES


Owner = TypeVar("Owner")
Key = TypeVar("Key")
Value = TypeVar("Value")


class Kept(Generic[Owner, Key, Value]):
    """Values computed from what an owner (a store, a knowledge base) holds, kept per owner object (and
    dropped with it) by key for at most a time bound, the `limit` most recently computed. Thread-safe;
    callers only read what they are given."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        # By the owner's id (owners need not be hashable), with a weak reference that drops the entry.
        self._owners: dict[int, tuple[weakref.ref[Owner], OrderedDict[Key, tuple[float, Value]]]] = {}
        self._lock = threading.Lock()

    def get(self, owner: Owner, key: Key, ttl_s: float) -> Value | None:
        now = time.monotonic()
        with self._lock:
            entry = self._owners.get(id(owner))
            found = entry[1].get(key) if entry is not None and entry[0]() is owner else None
        return found[1] if found is not None and now - found[0] <= ttl_s else None

    def put(self, owner: Owner, key: Key, value: Value) -> None:
        with self._lock:
            entry = self._owners.get(id(owner))
            if entry is None or entry[0]() is not owner:
                entry = self._owners[id(owner)] = (
                    weakref.ref(owner, self._dropper(id(owner))),
                    OrderedDict(),
                )
            kept = entry[1]
            kept[key] = (time.monotonic(), value)
            kept.move_to_end(key)
            while len(kept) > self.limit:
                kept.popitem(last=False)

    def _dropper(self, owner_id: int) -> Callable[[weakref.ref[Owner]], None]:
        def drop(reference: weakref.ref[Owner]) -> None:
            # No lock: the collector may call this in the middle of `get` or `put` on the same thread.
            entry = self._owners.get(owner_id)
            if entry is not None and entry[0] is reference:
                self._owners.pop(owner_id, None)

        return drop
