"""Custody log benchmark (issue 7): appends per second through the service, and a full
verification of 3 million events, on PostgreSQL.

    .venv/bin/python bench/custody.py                   # 3,000,000 events → results/custody.json
    .venv/bin/python bench/custody.py --quick           # 100,000 events → custody-quick.json
    .venv/bin/python bench/custody.py --admin-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The run creates its own PostgreSQL database (dropped at the end) and migrates it to head.

1. **Append.** `custody.tag_unit` (a unit and its first event) and `custody.hand_over`
   (one event per unit) through the services, one transaction per call, as the API
   does: each append takes the chain lock, reads the head, hashes and inserts. Then the
   same with 50 units per handover. Appends per second are events per second.
2. **Bulk load.** `--events` more events (default 3,000,000: units of 5 handovers each)
   are generated in Python, hashed into the same chain, and loaded with COPY, with a
   signed checkpoint every 1,000 events, as the worker makes them. COPY runs with
   `session_replication_role = replica` (foreign-key triggers off: the rows are generated
   consistent, and this is the benchmark's own database).
3. **Verify.** `custody.verify_chain`, the function `ewaste custody verify` runs: every
   checkpoint's signature, then every event in chain order, in keyset pages over the
   chain_seq index. Its wall time, events per second, and peak memory (constant in the
   chain length) are recorded, with the machine's load (other processes share it).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scratch_database import postgres_database
from sqlalchemy import text

from ewaste import catalog, custody, identity
from ewaste.cli.db import upgrade_to_head
from ewaste.custody.chain import (
    CHECKPOINT_EVERY_EVENTS,
    GENESIS_HASH,
    canonical_bytes,
    checkpoint_message,
)
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.identity import Role
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.ids import OrganisationId, UserId
from ewaste.kernel.quantities import Mass

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
SIGNER = custody.Signer.from_seed(hashlib.sha256(b"bench custody key").digest())
KINDS = [  # a unit's whole chain, door to dismantling (a missing unit is not a step of it)
    k.value for k in custody.HandoverKind if k is not custody.HandoverKind.MISSING
]
EVENTS_PER_UNIT = len(KINDS)
COPY_COLUMNS = (
    "id, chain_seq, unit_id, seq, kind, from_id, to_id, occurred_at, lat, lon, grams, "
    "evidence, ref, recorded_by, corrects_id, prev_hash, hash"
)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (Linux /proc/stat)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class Phase:
    """Wall time, our CPU and the machine's busy cores over one phase."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        self.busy = busy_seconds()
        self.load = os.getloadavg()[0]

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        return {
            "seconds": round(wall, 2),
            "benchmark_cpu_seconds": round(time.process_time() - self.cpu, 2),
            "machine_busy_cores": round((busy_seconds() - self.busy) / wall, 2),
            "load_average_1min_before": round(self.load, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        }


def seed_parties(factory: Any) -> dict[str, Any]:
    """A household, a collector, a station and a plant, each with a user."""
    with transaction(factory) as session:
        catalog.load_catalogue(session)
        actors = {}
        for role in (Role.OPERATOR, Role.HOUSEHOLD, Role.COLLECTOR, Role.STATION, Role.PLANT):
            org = identity.register_organisation(
                session, role=role, name=f"bench {role.value}", now=T0
            )
            user = identity.register_user(
                session,
                organisation_id=OrganisationId(org.id),
                username=f"bench-{role.value}",
                password="bench-password-0123",  # noqa: S106 - a throwaway database
                now=T0,
                password_hash="not-a-real-hash",  # noqa: S106 - nobody logs in
            )
            actors[role.value] = identity.actor_for_user(session, user_id=UserId(user.id))
    return actors


def bench_appends(factory: Any, actors: dict[str, Any], count: int) -> dict[str, Any]:
    """Events per second through the services, one transaction per call."""
    collector, station = actors["collector"], actors["station"]
    household = actors["household"].organisation_id
    codes: list[str] = []
    phase = Phase()
    for i in range(count):
        with transaction(factory) as session:
            unit = custody.tag_unit(
                session,
                actor=collector,
                category_code="tv_flat",
                household_id=household,
                source_ref=f"pickup:{i}",
                mass=Mass(12_000 + i % 500),
                place=GeoPoint(22.54, 114.05),
                now=T0 + timedelta(seconds=i),
            )
            codes.append(unit.code)
    tagged = phase.stop()
    handover = custody.Handover(
        kind=custody.HandoverKind.DELIVER,
        from_id=collector.organisation_id,
        to_id=station.organisation_id,
        at=T0 + timedelta(days=1),
        place=None,
        ref="station-receipt",
    )
    half = count // 2
    phase = Phase()
    for code in codes[:half]:
        with transaction(factory) as session:
            custody.hand_over(session, actor=collector, unit_codes=[code], handover=handover)
    single = phase.stop()
    phase = Phase()
    batches = 0
    for start in range(half, count, 50):
        with transaction(factory) as session:
            custody.hand_over(
                session, actor=collector, unit_codes=codes[start : start + 50], handover=handover
            )
        batches += 1
    batched = phase.stop()
    return {
        "tag_unit_one_per_transaction": {
            **tagged,
            "events": count,
            "events_per_second": round(count / tagged["seconds"]),
        },
        "hand_over_one_unit_per_transaction": {
            **single,
            "events": half,
            "events_per_second": round(half / single["seconds"]),
        },
        "hand_over_50_units_per_transaction": {
            **batched,
            "events": count - half,
            "transactions": batches,
            "events_per_second": round((count - half) / batched["seconds"]),
        },
    }


def bulk_load(url: str, actors: dict[str, Any], events: int) -> dict[str, Any]:
    """Append `events` more events (5 per unit) to the chain with COPY; checkpoints too."""
    engine = make_engine(url)
    raw = engine.raw_connection()
    conn: Any = raw.driver_connection
    ids = {role: actor.organisation_id for role, actor in actors.items()}
    user = actors["collector"].user_id
    parties = [
        (ids["household"], ids["collector"]),
        (ids["collector"], ids["station"]),
        (ids["station"], ids["plant"]),
        (ids["station"], ids["plant"]),
        (ids["plant"], ids["plant"]),
    ]
    rng = random.Random(7)
    phase = Phase()
    with conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT coalesce(max(id), 0) FROM unit")
        unit_base = cur.fetchone()[0]
        cur.execute("SELECT chain_seq, hash FROM custody_event ORDER BY chain_seq DESC LIMIT 1")
        head = cur.fetchone()
        seq, prev = (head[0], head[1]) if head else (0, GENESIS_HASH)
        cur.execute("SELECT coalesce(max(id), 0) FROM custody_event")
        event_base = cur.fetchone()[0] - seq
        units = (events + EVENTS_PER_UNIT - 1) // EVENTS_PER_UNIT
        with cur.copy(
            "COPY unit (id, code, category_code, household_id, holder_id, source_ref, "
            "door_grams, status, tagged_at, version) FROM STDIN"
        ) as copy:
            for u in range(1, units + 1):
                copy.write_row(
                    (
                        unit_base + u,
                        f"EWB{unit_base + u:011d}",
                        "tv_flat",
                        ids["household"],
                        ids["plant"],
                        f"bench:{u}",
                        12_000,
                        "dismantled",
                        T0,
                        1,
                    )
                )
        checkpoints = []
        written = 0
        sha256 = hashlib.sha256
        with cur.copy(f"COPY custody_event ({COPY_COLUMNS}) FROM STDIN") as copy:
            for u in range(1, units + 1):
                at = T0 + timedelta(seconds=u * 10)
                for s in range(EVENTS_PER_UNIT):
                    if written == events:
                        break
                    seq += 1
                    written += 1
                    giver, receiver = parties[s]
                    occurred = at + timedelta(hours=s, microseconds=rng.randrange(1_000_000))
                    lat, lon = (
                        (22.5 + rng.random() / 10, 114.0 + rng.random() / 10)
                        if s
                        else (
                            None,
                            None,
                        )
                    )
                    fields = (
                        seq,
                        event_base + seq,
                        unit_base + u,
                        s + 1,
                        KINDS[s],
                        giver,
                        receiver,
                        occurred,
                        lat,
                        lon,
                        rng.randrange(50_000),
                        "",
                        f"bench:{u}",
                        user,
                        None,
                    )
                    digest = sha256(canonical_bytes(fields, prev)).hexdigest()
                    copy.write_row(
                        (
                            event_base + seq,
                            seq,
                            *fields[2:],
                            prev,
                            digest,
                        )
                    )
                    prev = digest
                    if seq % CHECKPOINT_EVERY_EVENTS == 0:
                        checkpoints.append((seq, digest))
        checkpoints.append((seq, prev))
        key_id = SIGNER.public_key.key_id
        signed_at = T0 + timedelta(days=30)
        with cur.copy(
            "COPY custody_checkpoint (last_chain_seq, last_hash, signed_at, key_id, signature) "
            "FROM STDIN"
        ) as copy:
            for last_seq, last_hash in dict(checkpoints).items():
                message = checkpoint_message(last_seq, last_hash, signed_at, key_id)
                copy.write_row((last_seq, last_hash, signed_at, key_id, SIGNER.sign(message)))
        cur.execute("SET session_replication_role = origin")
    conn.commit()
    raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE custody_event"))
    engine.dispose()
    result = phase.stop()
    return {**result, "events": written, "units": units, "checkpoints": len(dict(checkpoints))}


def bench_verify(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    phase = Phase()
    with transaction(factory, dry_run=True) as session:
        report = custody.verify_chain(session, public_key=SIGNER.public_key)
    result = phase.stop()
    engine.dispose()
    if not report.intact:
        raise SystemExit(f"verification failed: {report.fault}")
    return {
        **result,
        "intact": report.intact,
        "events": report.events,
        "checkpoints": report.checkpoints,
        "events_per_second": round(report.events / result["seconds"]),
        "process_peak_memory_mib_before": round(peak_before / 1024, 1),
        "process_peak_memory_mib_after": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--appends", type=int, default=1_000, help="tag_unit calls timed")
    parser.add_argument("--quick", action="store_true", help="100,000 events, 200 appends")
    args = parser.parse_args()
    if args.quick:
        args.events, args.appends = 100_000, 200
    with postgres_database(args.admin_url, "custody") as url:
        upgrade_to_head(url)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        actors = seed_parties(factory)
        print(f"appending {args.appends} units through the services ...")
        appends = bench_appends(factory, actors, args.appends)
        engine.dispose()
        print(f"loading {args.events:,} events with COPY ...")
        load = bulk_load(url, actors, args.events)
        print("verifying the whole chain ...")
        verify = bench_verify(url)
        with contextlib.closing(make_engine(url).connect()) as c:
            version = c.execute(text("show server_version")).scalar_one()
    results = {
        "benchmark": "custody",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "postgresql": version,
        "append": appends,
        "bulk_load": load,
        "verify": verify,
        "target": "verify 3,000,000 events in under 60 s",
        "met": verify["events"] >= 3_000_000 and verify["seconds"] < 60,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / ("custody-quick.json" if args.quick else "custody.json")
    out.write_text(json.dumps(results, indent=2) + "\n")
    for name, figures in appends.items():
        print(f"append  {name}: {figures['events_per_second']:,} events/s")
    print(
        f"load    {load['events']:,} events + {load['checkpoints']:,} checkpoints with COPY "
        f"in {load['seconds']} s"
    )
    print(
        f"verify  {verify['events']:,} events, {verify['checkpoints']:,} checkpoints in "
        f"{verify['seconds']} s ({verify['events_per_second']:,}/s, process peak "
        f"{verify['process_peak_memory_mib_before']} -> {verify['process_peak_memory_mib_after']}"
        f" MiB, machine busy {verify['machine_busy_cores']} cores)"
    )
    print(f"wrote {out.relative_to(HERE.parent)}")
    sys.exit(0 if args.quick or results["met"] else 1)


if __name__ == "__main__":
    main()
