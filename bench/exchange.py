"""Exchange benchmark: standing-bid matches per second and auction closes per second on
PostgreSQL, with 10,000 open standing bids and 100,000 listed lots.

Parties, licences and assessments are made through the services; the bulk rows (bids, lots,
auctions and their sealed bids) are inserted directly, as a market that has been running
would hold them. Every match is a full award: eligibility at award, the bid's monthly
quantity, the contract, the lot's transition and the escrow entry with its balance rows.

- matches: `exchange.match_lots`, lots locked and matched `--match-batch` per transaction
  (set-based: one read of the bids, eligibility and balances per batch, one write per table);
- matches one lot at a time: `match_lot`, the path of a lot a station lists (14 statements);
- auction closes: `close_due_auctions` as the worker runs it, `--batch` per transaction;
- matches by the worker job: the `match_standing_bids` job of `worker/jobs.py` as
  `run_due_jobs` runs it (one transaction per batch of its size, lots claimed with SKIP
  LOCKED oldest first, then `match_lots`), over `--job-matches` waiting lots.

Statements are counted with SQLAlchemy's before_cursor_execute event. Results: terminal and
bench/results/exchange.json (with the load average, the machine being shared).

    .venv/bin/python bench/exchange.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from scratch_database import postgres_database
from sqlalchemy import event, func, insert, select, text

from ewaste import catalog, exchange, identity, ledger, pricing
from ewaste.cli.db import upgrade_to_head
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.exchange.auctions import close_due_auctions
from ewaste.exchange.matching import match_lots
from ewaste.exchange.models import Auction, AuctionBid, Lot, StandingBid
from ewaste.exchange.standing_bids import match_lot
from ewaste.identity import Role
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.ids import OrganisationId, UserId
from ewaste.kernel.money import Money
from ewaste.worker.jobs import JOBS

HERE = Path(__file__).parent
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SHENZHEN = (22.60, 114.05)


def _point(rng: random.Random, radius_deg: float) -> GeoPoint:
    return GeoPoint(
        SHENZHEN[0] + rng.uniform(-radius_deg, radius_deg),
        SHENZHEN[1] + rng.uniform(-radius_deg, radius_deg),
    )


def seed(
    url: str, *, plants: int, stations: int, bids: int, lots: int, auctions: int
) -> dict[str, Any]:
    """Parties through the services; bids, lots and auctions in bulk."""
    rng = random.Random(5)
    factory = make_session_factory(make_engine(url))
    with transaction(factory) as session:
        catalog.load_catalogue(session)
        pricing.load_seed_prices(session, now=T0)
        codes = [c.code for c in catalog.categories(session)]
        op_org = identity.register_organisation(
            session, role=Role.OPERATOR, name="Ops", name_zh="运营", now=T0
        )
        op_user = identity.register_user(
            session,
            organisation_id=OrganisationId(op_org.id),
            username="operator",
            password="bench-password-1",  # noqa: S106 - a throwaway bench user
            now=T0,
        )
        operator = identity.actor_for_user(session, user_id=UserId(op_user.id))
        plant_ids, station_ids, users = [], [], {}
        for i in range(plants):
            org = identity.register_organisation(
                session,
                role=Role.PLANT,
                name=f"P{i}",
                name_zh=f"厂{i}",
                location=_point(rng, 1.5),
                now=T0,
            )
            user = identity.register_user(
                session,
                organisation_id=OrganisationId(org.id),
                username=f"plant{i}",
                password="bench-password-1",  # noqa: S106 - a throwaway bench user
                now=T0,
            )
            plant_ids.append(org.id)
            users[org.id] = user.id
            ledger.record_deposit(
                session,
                actor=operator,
                organisation_id=org.id,
                amount=Money(10**12),
                bank_reference=f"bench-{org.id}",
                now=T0,
            )
            exchange.record_licence(
                session,
                actor=operator,
                plant_id=org.id,
                number=f"B-{i}",
                province="广东",
                annual_units=dict.fromkeys(codes, 10_000_000),
                valid_from=date(2026, 1, 1),
                valid_to=date(2030, 12, 31),
                now=T0,
            )
            a = exchange.record_assessment(
                session,
                actor=operator,
                plant_id=org.id,
                answers={k: True for v in exchange.CHECKLIST.values() for k in v},
                now=T0,
            )
            exchange.review_assessment(
                session, actor=operator, assessment_id=a.id, passed=True, note="", now=T0
            )
        for i in range(stations):
            org = identity.register_organisation(
                session,
                role=Role.STATION,
                name=f"S{i}",
                name_zh=f"站{i}",
                location=_point(rng, 0.3),
                now=T0,
            )
            station_ids.append(org.id)
        session.execute(
            insert(StandingBid),
            [
                {
                    "plant_id": (p := rng.choice(plant_ids)),
                    "category_code": rng.choice(codes),
                    "basis": rng.choice(("unit", "kg")),
                    "price_fen": rng.randint(1_000, 20_000),
                    "radius_km": rng.choice((100, 200, 400)),
                    "units_per_month": 1_000_000,
                    "used_month": "",
                    "used_units": 0,
                    "status": "open",
                    "posted_at": T0 - timedelta(seconds=rng.randint(0, 10**6)),
                    "posted_by": users[p],
                    "version": 1,
                }
                for _ in range(bids)
            ],
        )
        for start in range(0, lots, 10_000):
            session.execute(
                insert(Lot),
                [
                    {
                        "station_id": rng.choice(station_ids),
                        "category_code": rng.choice(codes),
                        "hazardous": False,
                        "status": "listed",
                        "unit_count": rng.randint(1, 40),
                        "grams": rng.randint(5_000, 2_000_000),
                        "price_fen": 100_00,
                        "sale_method": "standing_bid",
                        "created_at": T0,
                        "version": 1,
                    }
                    for _ in range(min(10_000, lots - start))
                ],
            )
        lot_ids = list(session.scalars(select(Lot.id).order_by(Lot.id)))
        auction_lots = lot_ids[-auctions:]
        session.execute(
            text("UPDATE lot SET sale_method = 'auction' WHERE id >= :first"),
            {"first": auction_lots[0]},
        )
        session.execute(
            insert(Auction),
            [
                {
                    "lot_id": lid,
                    "reserve_fen": 50_00,
                    "opened_at": T0,
                    "closes_at": T0 + timedelta(hours=1),
                    "status": "open",
                    "version": 1,
                }
                for lid in auction_lots
            ],
        )
        auction_ids = list(session.scalars(select(Auction.id).order_by(Auction.id)))
        session.execute(
            insert(AuctionBid),
            [
                {
                    "auction_id": aid,
                    "plant_id": pid,
                    "price_fen": rng.randint(50_00, 500_00),
                    "placed_at": T0 + timedelta(seconds=rng.randint(0, 3000)),
                    "placed_by": users[pid],
                }
                for aid in auction_ids
                for pid in rng.sample(plant_ids, 3)
            ],
        )
    return {"factory": factory, "match_lots": lot_ids[: lots - auctions]}


def _count_statements(factory: Any) -> list[int]:
    counter = [0]

    def count(*_: Any) -> None:
        counter[0] += 1

    event.listen(factory.kw["bind"], "before_cursor_execute", count)
    return counter


def bench_matches(
    factory: Any, lot_ids: list[int], *, count: int, batch: int, fen_per_km: int
) -> dict[str, Any]:
    """Match `count` lots, `batch` per transaction (locked in id order, matched as one batch,
    as a worker matching a backlog would); full awards."""
    matched = 0
    statements = _count_statements(factory)
    started = time.perf_counter()
    for start in range(0, count, batch):
        with transaction(factory) as session:
            lots = session.scalars(
                select(Lot)
                .where(Lot.id.in_(lot_ids[start : start + batch]))
                .order_by(Lot.id)
                .with_for_update()
            ).all()
            matched += len(match_lots(session, lots, transport_fen_per_km=fen_per_km, now=T0))
    seconds = time.perf_counter() - started
    return {
        "lots": count,
        "batch": batch,
        "matched": matched,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "statements_per_lot": round(statements[0] / count, 2),
    }


def bench_single_matches(
    factory: Any, lot_ids: list[int], *, count: int, batch: int, fen_per_km: int
) -> dict[str, Any]:
    """Match `count` lots one at a time (`match_lot`, as when a station lists a lot), `batch`
    per transaction; full awards."""
    matched = 0
    statements = _count_statements(factory)
    started = time.perf_counter()
    for start in range(0, count, batch):
        with transaction(factory) as session:
            for lot_id in lot_ids[start : start + batch]:
                lot = session.scalars(select(Lot).where(Lot.id == lot_id).with_for_update()).one()
                if match_lot(session, lot, transport_fen_per_km=fen_per_km, now=T0) is not None:
                    matched += 1
    seconds = time.perf_counter() - started
    return {
        "lots": count,
        "matched": matched,
        "seconds": round(seconds, 2),
        "per_second": round(count / seconds, 1),
        "statements_per_lot": round(statements[0] / count, 2),
    }


def bench_job_matches(factory: Any, *, count: int, batch: int | None) -> dict[str, Any]:
    """Run the worker's standing-bid job, one transaction per batch as `run_due_jobs` does
    (its own batch size unless `batch` is given), until `count` waiting lots were claimed;
    full awards."""
    job = next(j for j in JOBS if j.name == "match_standing_bids")
    if batch is not None:
        job = replace(job, batch=batch)
    claimed = 0
    statements = _count_statements(factory)
    started = time.perf_counter()
    while claimed < count:
        with transaction(factory) as session:
            n = job.run(session, T0, min(job.batch, count - claimed))
        claimed += n
        if n == 0:
            break
    seconds = time.perf_counter() - started
    with transaction(factory) as session:
        sold = session.scalar(
            select(func.count(Lot.id)).where(
                Lot.status == "sold", Lot.sale_method == "standing_bid"
            )
        )
    return {
        "lots": claimed,
        "batch": job.batch,
        "standing_bid_lots_sold_in_total": sold,
        "seconds": round(seconds, 2),
        "per_second": round(claimed / seconds, 1),
        "statements_per_lot": round(statements[0] / max(claimed, 1), 2),
    }


def bench_closes(factory: Any, *, batch: int) -> dict[str, Any]:
    """Close every due auction, `batch` per transaction, as the worker does."""
    closed = 0
    started = time.perf_counter()
    while True:
        with transaction(factory) as session:
            n = close_due_auctions(session, now=T0 + timedelta(hours=2), limit=batch)
        closed += n
        if n < batch:
            break
    seconds = time.perf_counter() - started
    return {
        "auctions": closed,
        "seconds": round(seconds, 2),
        "per_second": round(closed / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--bids", type=int, default=10_000)
    parser.add_argument("--lots", type=int, default=100_000)
    parser.add_argument("--plants", type=int, default=100)
    parser.add_argument("--matches", type=int, default=10_000, help="lots matched in batches")
    parser.add_argument("--auctions", type=int, default=3_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--match-batch", type=int, default=2_000, help="lots per matching batch")
    parser.add_argument("--single-matches", type=int, default=1_000)
    parser.add_argument("--job-matches", type=int, default=20_000, help="lots the job matches")
    parser.add_argument("--job-batch", type=int, default=None, help="default: the job's own")
    args = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with postgres_database(args.postgres, "exchange") as url:
        upgrade_to_head(url)
        t = time.perf_counter()
        seeded = seed(
            url,
            plants=args.plants,
            stations=50,
            bids=args.bids,
            lots=args.lots,
            auctions=args.auctions,
        )
        seed_s = round(time.perf_counter() - t, 1)
        matches = bench_matches(
            seeded["factory"],
            seeded["match_lots"],
            count=args.matches,
            batch=args.match_batch,
            fen_per_km=800,
        )
        singles = bench_single_matches(
            seeded["factory"],
            seeded["match_lots"][args.matches :],
            count=args.single_matches,
            batch=args.batch,
            fen_per_km=800,
        )
        closes = bench_closes(seeded["factory"], batch=args.batch)
        job = bench_job_matches(seeded["factory"], count=args.job_matches, batch=args.job_batch)
        with transaction(seeded["factory"]) as session:
            balanced = ledger.is_balanced(session) and ledger.balance_mismatches(session) == []
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "postgresql",
        "open_standing_bids": args.bids,
        "lots": args.lots,
        "plants": args.plants,
        "seed_seconds": seed_s,
        "standing_bid_matches": matches,
        "standing_bid_matches_one_lot_at_a_time": singles,
        "auction_closes": closes,
        "standing_bid_matches_by_worker_job": job,
        "ledger_balanced": balanced,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
    }
    print(
        f"standing-bid matches: {matches['per_second']}/s "
        f"({matches['matched']} of {matches['lots']} lots awarded)"
    )
    print(
        f"standing-bid matches one lot at a time (as at listing): {singles['per_second']}/s "
        f"({singles['statements_per_lot']} statements a lot)"
    )
    print(f"auction closes: {closes['per_second']}/s ({closes['auctions']} auctions)")
    print(
        f"standing-bid matches by the worker job: {job['per_second']}/s "
        f"({job['lots']} lots, batches of {job['batch']})"
    )
    print(
        f"ledger balanced: {balanced}; load before {load_before}, "
        f"after {result['machine']['load_average_after']}"
    )
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "exchange.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
