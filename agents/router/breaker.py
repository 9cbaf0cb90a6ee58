"""Circuit breakers, one per tier, shared by every request the router serves in this process.

closed -> open after `failure_threshold` consecutive failed calls; open -> half-open once `cooldown_s`
has passed, when exactly one probe call is let through; the probe's success closes the breaker, its
failure opens it for another cooldown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerSnapshot:
    state: BreakerState
    consecutive_failures: int
    retry_in_s: float | None


class CircuitBreaker:
    def __init__(
        self, failure_threshold: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ):
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    def allow(self) -> bool:
        """Whether a call may go to the tier now; in half-open state only one probe at a time."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.cooldown_s:
                self._state = BreakerState.HALF_OPEN
                self._probing = False
            if self._state is BreakerState.CLOSED:
                return True
            if self._state is BreakerState.HALF_OPEN and not self._probing:
                self._probing = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probing = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self.failure_threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock()
            self._probing = False

    def record_neutral(self) -> None:
        """The call failed for a reason that says nothing about the tier's health (a bad request)."""
        with self._lock:
            self._probing = False

    def snapshot(self) -> BreakerSnapshot:
        with self._lock:
            state = self._state
            retry_in: float | None = None
            if state is BreakerState.OPEN:
                retry_in = max(0.0, self.cooldown_s - (self._clock() - self._opened_at))
                if retry_in == 0.0:
                    state = BreakerState.HALF_OPEN
            return BreakerSnapshot(state=state, consecutive_failures=self._failures, retry_in_s=retry_in)


class BreakerRegistry:
    """The breakers of one router, by tier name."""

    def __init__(
        self, failure_threshold: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ):
        self._factory = lambda: CircuitBreaker(failure_threshold, cooldown_s, clock)
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def get(self, tier: str) -> CircuitBreaker:
        with self._lock:
            if tier not in self._breakers:
                self._breakers[tier] = self._factory()
            return self._breakers[tier]

    def snapshot(self) -> dict[str, BreakerSnapshot]:
        with self._lock:
            breakers = dict(self._breakers)
        return {name: breaker.snapshot() for name, breaker in breakers.items()}
