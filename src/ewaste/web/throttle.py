"""Throttles for what anyone can call without an account: password attempts and the public
lookups by receipt code or certificate id (docs/adr/0021).

A token bucket per key (the client address, and for logins the username too): `capacity`
requests at once, refilled evenly over `per_seconds`. Kept in the web process's memory, so
with N workers a client gets up to N times the allowance (the kernel spreads connections
evenly); that still turns an online guess of a password or a code from thousands a second
into a few a minute. A proxy in front must pass the client's address (uvicorn's
`--forwarded-allow-ips`), or every client shares the proxy's bucket.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request

from ewaste.kernel.errors import TooManyRequests

MAX_KEYS = 100_000
"""Buckets kept before full ones are dropped (a full bucket is the same as no bucket)."""


class TooManyLookups(TooManyRequests):
    """Public lookups from one address beyond its allowance."""

    code = "web.too_many_lookups"
    message = "Too many lookups from your address; try again in {retry_after_s} seconds."


class TooManyLoginAttempts(TooManyRequests):
    """Failed logins for one username from one address beyond the allowance."""

    code = "auth.too_many_attempts"
    message = "Too many failed logins; try again in {retry_after_s} seconds."


@dataclass
class Throttle:
    """At most `capacity` hits at once per key, refilled evenly over `per_seconds`."""

    capacity: int
    per_seconds: float
    refused: type[TooManyRequests] = TooManyRequests
    now: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: str) -> None:
        """Raise `refused` (with the seconds to wait) if `key` has nothing left; take nothing."""
        with self._lock:
            tokens = self._tokens(key)
        if tokens < 1:
            raise self.refused(retry_after_s=self._wait(tokens))

    def hit(self, key: str) -> None:
        """Take one from `key`'s bucket, or raise `refused` if it is empty."""
        with self._lock:
            tokens = self._tokens(key)
            if tokens < 1:
                wait = self._wait(tokens)
            else:
                self._buckets[key] = (tokens - 1, self.now())
                self._prune()
                return
        raise self.refused(retry_after_s=wait)

    def spend(self, key: str) -> None:
        """Take one from `key`'s bucket if it has any (a failure to count, never refused)."""
        with self._lock:
            self._buckets[key] = (max(0.0, self._tokens(key) - 1), self.now())
            self._prune()

    def _tokens(self, key: str) -> float:
        held = self._buckets.get(key)
        if held is None:
            return float(self.capacity)
        tokens, at = held
        return min(float(self.capacity), tokens + (self.now() - at) * self._rate)

    def _wait(self, tokens: float) -> int:
        return max(1, math.ceil((1 - tokens) / self._rate))

    @property
    def _rate(self) -> float:
        return self.capacity / self.per_seconds

    def _prune(self) -> None:
        if len(self._buckets) <= MAX_KEYS:
            return
        for key in [k for k in self._buckets if self._tokens(k) >= self.capacity]:
            del self._buckets[key]
        while len(self._buckets) > MAX_KEYS:  # all busy: forget the oldest
            del self._buckets[next(iter(self._buckets))]


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (the proxy's, unless it passes it on)."""
    return request.client.host if request.client else "unknown"


def limit_lookup(request: Request) -> None:
    """Count a public lookup against the caller's address; TooManyLookups beyond it."""
    throttle: Throttle = request.app.state.lookup_throttle
    throttle.hit(client_address(request))


def login_key(request: Request, username: str) -> str:
    """The bucket of failed logins: this address trying this username."""
    return f"{client_address(request)}|{' '.join(username.split()).casefold()}"


def login_throttle(request: Request) -> Throttle:
    """The app's throttle of failed logins."""
    throttle: Throttle = request.app.state.login_throttle
    return throttle
