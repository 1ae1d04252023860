"""Quote use cases (price items from their materials, book, expire) and price inputs."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pydantic_core import to_json
from sqlalchemy.orm import Session

from ewaste import catalog, identity
from ewaste.catalog.datafiles import catalogue, read_rows
from ewaste.catalog.specs import InvalidCondition, ItemProfile
from ewaste.identity import Actor, Permission
from ewaste.kernel.clock import CHINA_TIME
from ewaste.kernel.digits import is_digits
from ewaste.kernel.geo import GeoPoint, haversine_m
from ewaste.kernel.money import Money, round_minor
from ewaste.pricing import rules
from ewaste.pricing.access import access_quote
from ewaste.pricing.book import PriceBookCache, build_price_book, price_inputs_by_ids
from ewaste.pricing.engine import Priced, QuoteLine, item_lines, price_quote
from ewaste.pricing.models import PriceInput, Quote, QuoteStatusChange
from ewaste.pricing.queries import (
    PriceInputView,
    QuoteLineView,
    QuoteView,
    price_input_view,
    quote_view,
    view_of_breakdown,
)
from ewaste.pricing.repository import PriceInputRepository, QuoteRepository
from ewaste.pricing.rules import (
    ItemRequest,
    NoLocation,
    PriceKind,
    QuoteEvent,
    QuoteExpired,
    QuoteStatus,
)


def profile_item(item: ItemRequest, *, cache: PriceBookCache | None = None) -> ItemProfile:
    """Resolve an item to its mass and materials. Raises CategoryNotFound, InvalidAttributes,
    InvalidCondition."""
    key = (
        item.category_code,
        tuple(sorted((k, str(v)) for k, v in item.attributes.items())),
        item.works,
        tuple(sorted(item.conditions)),
    )
    if cache is not None and key in cache.profiles:
        return cache.profiles[key]
    model = catalogue().models.get(item.category_code)
    if model is None:
        raise catalog.CategoryNotFound(category=item.category_code)
    conditions = list(item.conditions)
    if not item.works and "not_working" not in conditions:
        conditions.append("not_working")
    profile = model.profile(item.attributes, conditions=conditions, works=item.works)
    if cache is not None:
        cache.profiles[key] = profile
    return profile


def price_items(
    session: Session,
    *,
    items: Sequence[ItemRequest],
    region: str,
    location: GeoPoint,
    now: datetime,
    cache: PriceBookCache | None = None,
) -> tuple[Priced, list[ItemProfile], int, int]:
    """Price items without storing anything: (priced, profiles, distance_m, book max id)."""
    rules.check_items(items)
    profiles = [profile_item(item, cache=cache) for item in items]
    if cache is not None:
        book, stamp = cache.get(session, region=region, at=now)
    else:
        book, stamp = build_price_book(session, region=region, at=now)
    stations = cache.station_points(session) if cache is not None else None
    distance = nearest_station_m(session, location, stations=stations)
    priced = price_quote(
        [(p, i.quantity, i.producer) for p, i in zip(profiles, items, strict=True)],
        book=book,
        distance_m=distance,
        on=now.astimezone(CHINA_TIME).date(),
    )
    return priced, profiles, distance, stamp.max_id


def create_quote(
    session: Session,
    *,
    actor: Actor,
    items: Sequence[ItemRequest],
    now: datetime,
    valid_for: timedelta,
    region: str = "shenzhen",
    location: GeoPoint | None = None,
    cache: PriceBookCache | None = None,
) -> QuoteView:
    """Price the items from what they are made of and store a quote binding until now + valid_for.

    The location defaults to the household's own. Raises MissingPermission,
    InvalidQuoteRequest, CategoryNotFound, InvalidAttributes, InvalidCondition,
    NoLocation, NoPriceBook. Nothing is stored when any item is refused.
    """
    actor.require(Permission.HOUSEHOLD_QUOTE_CREATE)
    rules.check_items(items)
    place = location or _household_location(session, actor)
    priced, profiles, distance, max_id = price_items(
        session, items=items, region=region, location=place, now=now, cache=cache
    )
    document = _breakdown(items, profiles, priced, distance)
    quote = Quote(
        household_id=actor.organisation_id,
        status=QuoteStatus.OPEN.value,
        created_at=now,
        expires_at=now + valid_for,
        total_fen=priced.payable.minor,
        net_fen_exact=str(priced.net_fen_exact),
        free_collection=priced.free_collection,
        region=region,
        catalogue_version=catalogue().version,
        price_book_max_id=max_id,
        # pydantic-core's serializer: compact UTF-8 JSON like json.dumps(ensure_ascii=False,
        # separators=(",", ":")), several times faster on this hot path.
        breakdown=to_json(document).decode(),
    )
    quote.id = QuoteRepository(session).insert(quote)
    return view_of_breakdown(quote, document, lines=tuple(map(_line_view, priced.lines)))


def get_quote(session: Session, *, actor: Actor, quote_id: int) -> QuoteView:
    """The quote with its breakdown, if the actor may see it (QuoteNotFound otherwise)."""
    return quote_view(session, access_quote(session, actor=actor, quote_id=quote_id))


def book_quote(session: Session, *, actor: Actor, quote_id: int, now: datetime) -> QuoteView:
    """Mark an open, unexpired quote of the actor's household as booked; return it.

    Raises QuoteNotFound, QuoteExpired, IllegalQuoteTransition (already booked).
    """
    quote = access_quote(session, actor=actor, quote_id=quote_id, for_update=True)
    if quote.status == QuoteStatus.OPEN.value and rules.is_expired(quote.expires_at, now=now):
        raise QuoteExpired(quote_id=quote_id, expires_at=quote.expires_at.isoformat())
    _transition(session, quote, QuoteEvent.BOOK, actor_id=actor.user_id, now=now)
    return quote_view(session, quote)


def expire_due_quotes(session: Session, *, now: datetime, limit: int = 500) -> int:
    """Expire open quotes whose binding period is over; return how many. Safe to run in parallel."""
    repo = QuoteRepository(session)
    quotes = repo.claim_due_for_expiry(now=now, limit=limit)
    for quote in quotes:
        _transition(session, quote, QuoteEvent.EXPIRE, actor_id=None, now=now)
    session.flush()
    return len(quotes)


def record_price_input(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    key: str,
    region: str,
    value: str,
    effective_from: datetime,
    source: str,
    now: datetime,
    estimate: bool = False,
    effective_to: datetime | None = None,
) -> PriceInputView:
    """Append a new version of a price input (operator). History is never changed.

    `value` is yuan as a decimal string (per kg, unit or km), or basis points for a
    subsidy share. Raises MissingPermission, InvalidPriceInput.
    """
    actor.require(Permission.STAFF_PRICE_WRITE)
    return _append(
        session,
        kind=kind,
        key=key,
        region=region,
        value=value,
        effective_from=effective_from,
        effective_to=effective_to,
        source=source,
        estimate=estimate,
        entered_by=actor.user_id,
        now=now,
    )


def import_price_csv(session: Session, *, actor: Actor, text: str, now: datetime) -> int:
    """Append every row of a CSV (kind,key,region,value,effective_from,source[,estimate]).

    All or nothing: the first bad row raises InvalidPriceInput naming its line, and
    the caller's transaction is rolled back by the edge. Returns how many rows.
    """
    actor.require(Permission.STAFF_PRICE_WRITE)
    reader = csv.DictReader(text.splitlines())
    needed = {"kind", "key", "region", "value", "effective_from", "source"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise rules.InvalidPriceInput(problem=f"the header must name {', '.join(sorted(needed))}")
    count = 0
    for number, row in enumerate(reader, start=2):
        try:
            effective = _parse_moment(row["effective_from"])
            _append(
                session,
                kind=row["kind"],
                key=row["key"],
                region=row["region"],
                value=row["value"],
                effective_from=effective,
                effective_to=None,
                source=row["source"],
                estimate=(row.get("estimate") or "").lower() == "true",
                entered_by=actor.user_id,
                now=now,
            )
        except rules.InvalidPriceInput as error:
            raise rules.InvalidPriceInput(
                problem=f"line {number}: {error.context['problem']}"
            ) from None
        count += 1
    if count == 0:
        raise rules.InvalidPriceInput(problem="the file has no rows")
    return count


def price_versions(session: Session, ids: Sequence[int]) -> dict[int, PriceInputView]:
    """The price input versions with these ids (public: prices are open), by id."""
    return {i: price_input_view(row) for i, row in price_inputs_by_ids(session, ids).items()}


def price_history(
    session: Session,
    *,
    kind: str | None = None,
    key: str | None = None,
    region: str | None = None,
    limit: int = 500,
) -> list[PriceInputView]:
    """Price input versions, newest first (public: prices are open)."""
    rows = PriceInputRepository(session).history(kind=kind, key=key, region=region, limit=limit)
    return [price_input_view(r) for r in rows]


def load_seed_prices(session: Session, *, now: datetime) -> int:
    """Append the packaged seed prices (catalog/data) once; returns how many were added."""
    repo = PriceInputRepository(session)
    if repo.newest_id() > 0:
        return 0
    count = 0
    for kind, key, region, value, start, source, estimate in _seed_rows():
        _append(
            session,
            kind=kind,
            key=key,
            region=region,
            value=value,
            effective_from=start,
            effective_to=None,
            source=source,
            estimate=estimate,
            entered_by=None,
            now=now,
        )
        count += 1
    return count


def _seed_rows() -> list[tuple[str, str, str, str, datetime, str, bool]]:
    rows: list[tuple[str, str, str, str, datetime, str, bool]] = []

    def flag(r: dict[str, str]) -> bool:
        return r.get("estimate", "").strip().lower() == "true"

    for r in read_rows("commodity_prices.csv"):
        rows.append(
            (
                PriceKind.COMMODITY,
                r["commodity"],
                r["region"],
                r["yuan_per_kg"],
                _parse_moment(r["effective_from"]),
                r["source"],
                flag(r),
            )
        )
    for r in read_rows("treatment_costs.csv"):
        kind = (
            PriceKind.TREATMENT_PER_KG if r["basis"] == "per_kg" else PriceKind.TREATMENT_PER_UNIT
        )
        rows.append((kind, r["material"], "*", r["yuan"], _SEED_START, r["source"], flag(r)))
    for r in read_rows("reuse_values.csv"):
        rows.append(
            (
                PriceKind.REUSE,
                f"{r['category']}|{r['variant']}",
                "*",
                r["value_yuan"],
                _SEED_START,
                r["source"],
                flag(r),
            )
        )
    for r in read_rows("producer_bonuses.csv"):
        rows.append(
            (
                PriceKind.BONUS,
                f"{r['producer']}|{r['category']}",
                "*",
                r["yuan_per_unit"],
                _parse_moment(r["valid_from"]),
                r["source"],
                flag(r),
            )
        )
    for r in read_rows("transport_rates.csv"):
        start = _parse_moment(r["effective_from"])
        rows.append(
            (
                PriceKind.TRANSPORT_PER_KM,
                "collection",
                r["region"],
                r["yuan_per_km"],
                start,
                r["source"],
                flag(r),
            )
        )
        rows.append(
            (
                PriceKind.TRANSPORT_PER_KG,
                "collection",
                r["region"],
                r["yuan_per_kg"],
                start,
                r["source"],
                flag(r),
            )
        )
    rows.append(
        (
            PriceKind.SUBSIDY_SHARE,
            "household",
            "*",
            "3000",
            _SEED_START,
            "platform policy: 30 % of the WEEE fund subsidy passed through to the household "
            "(estimate, set by the operator)",
            True,
        )
    )
    return rows


_SEED_START = datetime(2026, 1, 1, tzinfo=UTC)


def _append(
    session: Session,
    *,
    kind: str,
    key: str,
    region: str,
    value: str,
    effective_from: datetime,
    effective_to: datetime | None,
    source: str,
    estimate: bool,
    entered_by: int | None,
    now: datetime,
) -> PriceInputView:
    if kind == PriceKind.SUBSIDY_SHARE.value:
        if not is_digits(value.strip()):
            raise rules.InvalidPriceInput(problem="a subsidy share is whole basis points")
        amount = int(value.strip())
    else:
        amount = rules.parse_yuan_to_micro(value)
    parsed = rules.check_price_input(kind, key, region, amount, source)
    if effective_from.tzinfo is None:
        raise rules.InvalidPriceInput(problem="effective_from needs a time zone")
    row = PriceInput(
        kind=parsed.value,
        key=key.strip(),
        region=region.strip(),
        micro_yuan=amount,
        effective_from=effective_from,
        effective_to=effective_to,
        source=source.strip(),
        estimate=estimate,
        entered_by=entered_by,
        entered_at=now,
    )
    PriceInputRepository(session).add(row)
    return price_input_view(row)


def _parse_moment(text: str) -> datetime:
    """A date ("2026-01-01", midnight China time) or an ISO datetime with a zone."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = datetime.fromisoformat(text)
            return day.replace(tzinfo=CHINA_TIME).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise rules.InvalidPriceInput(problem=f"{text!r} is not a date") from None
    if moment.tzinfo is None:
        raise rules.InvalidPriceInput(problem=f"{text!r} needs a time zone")
    return moment.astimezone(UTC)


def nearest_station_m(
    session: Session, place: GeoPoint, *, stations: Sequence[GeoPoint] | None = None
) -> int:
    """Distance in metres from `place` to the nearest station (0 when there is none).

    `stations` are the stations' locations when the caller has them (read otherwise).
    """
    if stations is None:
        stations = list(identity.locations_by_role(session, "station").values())
    return min((haversine_m(place, s) for s in stations), default=0)


def _household_location(session: Session, actor: Actor) -> GeoPoint:
    if actor.base is not None:  # read with the actor, in this transaction
        return actor.base
    location = identity.organisation_location(session, actor.organisation_id)
    if location is None:
        raise NoLocation
    return location


def _breakdown(
    items: Sequence[ItemRequest], profiles: Sequence[ItemProfile], priced: Priced, distance: int
) -> dict[str, object]:
    """The quote's breakdown document; lines cite their sources by index into `sources`."""
    subtotals: dict[int, Decimal] = {}
    for line in priced.lines:
        subtotals[line.item] = subtotals.get(line.item, Decimal(0)) + line.amount_fen
    sources: dict[str, int] = {}
    return {
        "distance_m": distance,
        "items": [
            {
                "index": index,
                "category": item.category_code,
                "quantity": item.quantity,
                "attributes": dict(profile.attributes),
                "works": item.works,
                "conditions": sorted(profile.conditions),
                "producer": item.producer,
                "unit_mass_g": profile.mass_g,
                "variant": profile.variant,
                "subtotal_fen": str(subtotals.get(index, Decimal(0))),
                "estimate": profile.estimate,
            }
            for index, (item, profile) in enumerate(zip(items, profiles, strict=True))
        ],
        "lines": [_line_json(line, sources) for line in priced.lines],
        "sources": list(sources),
    }


def _line_view(line: QuoteLine) -> QuoteLineView:
    """The read model of a line just priced: what parsing its stored form would give."""
    return QuoteLineView(
        item=line.item,
        kind=line.kind.value,
        key=line.key,
        quantity=line.quantity,
        unit=line.unit,
        unit_price_yuan=line.unit_price_yuan,
        amount_fen_exact=line.amount_fen,
        source=line.source,
        estimate=line.estimate,
        input_id=line.input_id,
        basis=line.basis,
    )


def _line_json(line: QuoteLine, sources: dict[str, int]) -> dict[str, object]:
    document: dict[str, object] = {
        "item": line.item,
        "kind": line.kind.value,
        "key": line.key,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "unit_price_yuan": str(line.unit_price_yuan),
        "amount_fen": str(line.amount_fen),
        "source": sources.setdefault(line.source, len(sources)),
        "estimate": line.estimate,
        "input_id": line.input_id,
    }
    if line.basis:
        document["basis"] = sources.setdefault(line.basis, len(sources))
    return document


def _transition(
    session: Session, quote: Quote, event: QuoteEvent, *, actor_id: int | None, now: datetime
) -> None:
    before, after = quote.apply(event)
    QuoteRepository(session).add_change(
        QuoteStatusChange(
            quote_id=quote.id,
            from_status=before,
            to_status=after,
            event=event.value,
            actor_id=actor_id,
            at=now,
        )
    )


def deduction_for(session: Session, *, quote_id: int, item: int, reason: str) -> Money:
    """How much less one unit of a quote's item is worth with `reason` found at the door.

    Reprices the unit with the price book the quote used (same versions, same day),
    once as quoted and once with the condition added; the difference, rounded once
    to the fen, is the deduction (never negative). Raises QuoteNotFound, InvalidCondition
    (not on the fixed list, not applicable, or already priced in).
    """
    quote = QuoteRepository(session).get(quote_id)
    if quote is None:
        raise rules.QuoteNotFound(quote_id=quote_id)
    view = quote_view(session, quote)
    quoted = view.items[item]
    if reason in quoted.conditions or (reason == "not_working" and not quoted.works):
        raise InvalidCondition(category=quoted.category_code, condition=reason)
    book, _ = build_price_book(
        session, region=quote.region, at=quote.created_at, max_id=quote.price_book_max_id
    )
    before = ItemRequest(
        quoted.category_code,
        1,
        attributes=quoted.attributes,
        works=quoted.works,
        conditions=quoted.conditions,
        producer=quoted.producer,
    )
    after = replace(before, conditions=(*quoted.conditions, reason))
    on = quote.created_at.astimezone(CHINA_TIME).date()
    values = []
    for request in (before, after):
        profile = profile_item(request)
        lines = item_lines(0, profile, 1, request.producer, book=book, on=on)
        values.append(sum((ln.amount_fen for ln in lines), Decimal(0)))
    return Money(max(round_minor(values[0] - values[1]), 0))
