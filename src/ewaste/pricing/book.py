"""Assembling the price book in force, and a per-process cache of it.

Follows the rules of `queries.py`: reads the price inputs, never writes. The cache
belongs to the edge (the web app, the CLI, a benchmark) and is passed in: a book is
reused until a newer price input exists or the next dated change comes into force.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import ItemProfile
from ewaste.kernel.clock import ensure_utc
from ewaste.kernel.geo import GeoPoint
from ewaste.pricing.engine import PriceBook, PriceRef, SubsidyBand
from ewaste.pricing.models import PriceInput
from ewaste.pricing.repository import PriceInputRepository
from ewaste.pricing.rules import NoPriceBook, PriceKind

NATIONAL = "*"
REQUIRED = (PriceKind.TRANSPORT_PER_KM, PriceKind.TRANSPORT_PER_KG, PriceKind.SUBSIDY_SHARE)


@dataclass(frozen=True, slots=True)
class BookStamp:
    """Which book is in force: the newest input it could see and until when it holds."""

    region: str
    max_id: int
    built_at: datetime
    valid_until: datetime | None


def build_price_book(
    session: Session, *, region: str, at: datetime, max_id: int | None = None
) -> tuple[PriceBook, BookStamp]:
    """The book for `region` at `at`, from inputs with id ≤ max_id (all when None).

    Region-specific inputs override national ("*") ones. Raises NoPriceBook when the
    transport rates or the subsidy share are missing.
    """
    repo = PriceInputRepository(session)
    newest = repo.newest_id() if max_id is None else max_id
    regions = (NATIONAL, region)
    in_force: dict[tuple[str, str], PriceInput] = {}
    for row in repo.candidates(regions=regions, at=at, max_id=newest):
        slot = (row.kind, row.key)
        current = in_force.get(slot)
        if current is None or _outranks(row, current, region):
            in_force[slot] = row
    missing = [k.value for k in REQUIRED if not any(kind == k.value for kind, _ in in_force)]
    if missing:
        raise NoPriceBook(region=region, missing=", ".join(missing))

    def refs(kind: PriceKind) -> dict[str, PriceRef]:
        return {key: _ref(row) for (k, key), row in in_force.items() if k == kind.value}

    def pair(kind: PriceKind) -> dict[tuple[str, str], PriceRef]:
        return {
            tuple(key.split("|", 1)) if "|" in key else (key, ""): ref  # type: ignore[misc]
            for key, ref in refs(kind).items()
        }

    facts = catalogue()
    singles = {kind: next(iter(refs(kind).values())) for kind in REQUIRED}
    book = PriceBook(
        region=region,
        commodities=refs(PriceKind.COMMODITY),
        material_commodity={m.code: m.commodity for m in facts.materials.values() if m.recoverable},
        treatment_per_kg=refs(PriceKind.TREATMENT_PER_KG),
        treatment_per_unit=refs(PriceKind.TREATMENT_PER_UNIT),
        reuse=pair(PriceKind.REUSE),
        bonuses=pair(PriceKind.BONUS),
        subsidy_share=singles[PriceKind.SUBSIDY_SHARE],
        subsidy_bands=tuple(
            SubsidyBand(
                b.category, b.condition, b.yuan_per_unit, b.valid_from, b.valid_to, b.source
            )
            for b in facts.subsidy_bands
        ),
        transport_per_km=singles[PriceKind.TRANSPORT_PER_KM],
        transport_per_kg=singles[PriceKind.TRANSPORT_PER_KG],
    )
    change = repo.next_change_after(regions=regions, at=at)
    return book, BookStamp(region, newest, at, ensure_utc(change) if change else None)


class PriceBookCache:
    """Books by region, rebuilt when a newer input exists or a dated change comes due.

    Thread-safe; one per process, owned by the edge. Whether a newer input exists is
    asked of the database at most once every `recheck_seconds` (a quote priced in that
    window uses the previous book and records exactly which versions it used); an edge
    that writes prices calls `invalidate()` so its own next quote sees them at once.
    Station locations (for the transport line) are re-read every `stations_seconds`.
    Also memoises item profiles, which depend only on the packaged catalogue.
    """

    def __init__(self, *, recheck_seconds: float = 1.0, stations_seconds: float = 60.0) -> None:
        self._lock = threading.Lock()
        self._books: dict[str, tuple[PriceBook, BookStamp]] = {}
        self._checked: dict[str, float] = {}
        self._stations: tuple[float, tuple[GeoPoint, ...]] | None = None
        self._recheck = recheck_seconds
        self._stations_for = stations_seconds
        self.profiles: dict[tuple[object, ...], ItemProfile] = {}

    def get(self, session: Session, *, region: str, at: datetime) -> tuple[PriceBook, BookStamp]:
        """The book in force for `region` at `at` (no query while recently checked)."""
        tick = time.monotonic()
        with self._lock:
            cached = self._books.get(region)
            checked = self._checked.get(region)
        if cached is not None:
            book, stamp = cached
            in_force = stamp.built_at <= at and (
                stamp.valid_until is None or at < stamp.valid_until
            )
            if in_force and checked is not None and tick - checked < self._recheck:
                return book, stamp
            newest = PriceInputRepository(session).newest_id()
            if in_force and stamp.max_id == newest:
                with self._lock:
                    self._checked[region] = tick
                return book, stamp
        built = build_price_book(session, region=region, at=at)
        with self._lock:
            self._books[region] = built
            self._checked[region] = tick
        return built

    def station_points(self, session: Session) -> tuple[GeoPoint, ...]:
        """Where the stations are (re-read at most every `stations_seconds`)."""
        tick = time.monotonic()
        with self._lock:
            cached = self._stations
        if cached is not None and tick - cached[0] < self._stations_for:
            return cached[1]
        points = tuple(identity.locations_by_role(session, "station").values())
        with self._lock:
            self._stations = (tick, points)
        return points

    def invalidate(self) -> None:
        """Forget the books and stations (after this process wrote prices or stations)."""
        with self._lock:
            self._books.clear()
            self._checked.clear()
            self._stations = None


def price_inputs_by_ids(session: Session, ids: Sequence[int]) -> dict[int, PriceInput]:
    """Price input rows by id (for explaining a quote)."""
    if not ids:
        return {}
    from sqlalchemy import select

    return {
        row.id: row for row in session.scalars(select(PriceInput).where(PriceInput.id.in_(ids)))
    }


def _outranks(row: PriceInput, current: PriceInput, region: str) -> bool:
    # A regional price beats a national one; among equals, the later effective date, then id.
    if (row.region == region) != (current.region == region):
        return row.region == region
    return (row.effective_from, row.id) > (current.effective_from, current.id)


def _ref(row: PriceInput) -> PriceRef:
    return PriceRef(row.id, row.micro_yuan, row.source, row.estimate)
