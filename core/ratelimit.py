"""Rate limits: token buckets, in this process by default, shared by every API process through Redis when
PAKKA_REDIS_URL is set.

A bucket holds at most `burst` tokens and refills at `rate_per_s`; a request takes one token, or is refused
with the seconds until one is back. `RateLimits` names the buckets the API uses (per principal, per client
address, scans and capture checks per shopper, login codes per phone) with their settings; keys are hashed
before they reach Redis, so no user id or phone number is stored there."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

from core.errors import RateLimited
from core.settings import Settings

logger = logging.getLogger("pakka.ratelimit")

MAX_LOCAL_BUCKETS = 100_000
"""Buckets kept in memory; the least recently used go first (a full bucket is the same as a missing one)."""


@dataclass(frozen=True)
class Limit:
    rate_per_s: float
    burst: int

    @classmethod
    def per(cls, count: float, seconds: float, burst: int | None = None) -> Limit:
        return cls(rate_per_s=count / seconds, burst=burst if burst is not None else max(1, int(count)))


class Buckets(Protocol):
    def take(self, key: str, limit: Limit) -> float:
        """Take one token from `key`'s bucket: 0.0 when there was one, else the seconds until there is."""
        ...

    def close(self) -> None: ...


class LocalBuckets:
    """Token buckets in this process's memory (one lock; a dictionary lookup and a little arithmetic)."""

    def __init__(self, *, clock: Any = time.monotonic, max_buckets: int = MAX_LOCAL_BUCKETS) -> None:
        self._clock = clock
        self._max = max_buckets
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str, limit: Limit) -> float:
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.pop(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - updated) * limit.rate_per_s)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / limit.rate_per_s
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return wait

    def close(self) -> None:
        with self._lock:
            self._buckets.clear()


TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisBuckets:
    """The same buckets in Redis, updated by one Lua script (atomic, Redis's clock), so every API process
    draws on one bucket per key. If Redis cannot be reached the request is let through and a warning
    logged (at most once a minute): an outage of the limiter must not become an outage of the API."""

    def __init__(self, url: str, *, prefix: str = "pakka:rl:", socket_timeout_s: float = 0.5) -> None:
        import redis

        self._client = redis.Redis.from_url(
            url, socket_timeout=socket_timeout_s, socket_connect_timeout=socket_timeout_s
        )
        self._script = self._client.register_script(TOKEN_BUCKET_LUA)
        self._prefix = prefix
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self._warned_at = 0.0

    def take(self, key: str, limit: Limit) -> float:
        try:
            wait = self._script(keys=[self._prefix + key], args=[repr(limit.rate_per_s), limit.burst])
        except self._errors as error:
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                logger.warning("rate limiter unavailable, requests pass unlimited: %s", type(error).__name__)
            return 0.0
        return float(wait)

    def close(self) -> None:
        self._client.close()


def hashed(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class RateLimits:
    """The API's limits over one set of buckets; every method raises RateLimited when its bucket is empty."""

    def __init__(self, settings: Settings, buckets: Buckets | None = None) -> None:
        self.enabled = settings.rate_limits_enabled
        self.buckets: Buckets = buckets or open_buckets(settings)
        self.principal = Limit.per(settings.rate_limit_per_minute, 60, settings.rate_limit_burst)
        self.anonymous = Limit.per(
            settings.rate_limit_anonymous_per_minute, 60, settings.rate_limit_anonymous_burst
        )
        self.scans = Limit.per(settings.scan_limit_per_hour, 3600)
        self.scan_checks = Limit.per(settings.scan_check_limit_per_minute, 60)
        self.otp = Limit.per(settings.otp_limit_per_window, settings.otp_limit_window_minutes * 60)

    def _take(self, kind: str, key: str, limit: Limit, message: str) -> None:
        if not self.enabled:
            return
        wait = self.buckets.take(f"{kind}:{hashed(key)}", limit)
        if wait > 0:
            raise RateLimited(message, {"limit": kind}, retry_after_s=wait)

    def for_principal(self, tenant_id: str, subject: str) -> None:
        self._take("principal", f"{tenant_id}/{subject}", self.principal, "too many requests; slow down")

    def for_address(self, address: str) -> None:
        self._take("address", address, self.anonymous, "too many requests from this address; sign in or wait")

    def for_scan(self, tenant_id: str, user_id: str) -> None:
        self._take("scan", f"{tenant_id}/{user_id}", self.scans, "scan limit reached; try again later")

    def for_scan_check(self, tenant_id: str, user_id: str) -> None:
        self._take(
            "scan_check", f"{tenant_id}/{user_id}", self.scan_checks, "too many capture checks; slow down"
        )

    def for_otp(self, phone_key: str) -> None:
        self._take(
            "otp", phone_key, self.otp, "too many sign-in codes for this phone; wait before asking again"
        )

    def close(self) -> None:
        self.buckets.close()


def open_buckets(settings: Settings) -> Buckets:
    if settings.redis_url:
        return RedisBuckets(settings.redis_url)
    return LocalBuckets()
