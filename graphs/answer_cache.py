"""A bounded, expiring memory of rendered answers, one per `Services` (`Services.answers`): the decision
graph's result cache keeps its answers here (graphs/decision_cache.py says what an answer is keyed by).

Apart from graphs/decision_cache.py so that graphs/services.py can build it without importing the graphs."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

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
