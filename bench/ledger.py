"""Ledger benchmark: journal entries per second on PostgreSQL, single and batched.

Parties are made and funded through the services; then transfers between random pairs of
party accounts (each a balanced two-line entry with its idempotency key, the funds check
against the locked balance rows, the lines and the balance rows written):

- single: `ledger.post_entry`, one entry per transaction (a request's shape);
- batched: `ledger.PostingBatch`, `--batch` entries per transaction (a worker's shape).

Results: terminal and bench/results/ledger.json (with the load average, the machine being
shared). Afterwards the whole ledger is checked (`ledger.check_ledger`).

    .venv/bin/python bench/ledger.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scratch_database import postgres_database

from ewaste import identity, ledger
from ewaste.cli.db import upgrade_to_head
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.identity import Actor, Role
from ewaste.kernel.ids import OrganisationId, UserId
from ewaste.kernel.money import Money

HERE = Path(__file__).parent
T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _seed(factory: Any, parties: int) -> list[int]:
    with transaction(factory) as session:
        op = identity.register_organisation(session, role=Role.OPERATOR, name="op", now=T0)
        user = identity.register_user(
            session,
            organisation_id=OrganisationId(op.id),
            username="bench-operator",
            password="x" * 12,
            now=T0,
            password_hash="unused",  # noqa: S106 - nobody logs in to the benchmark
        )
        operator = Actor(UserId(user.id), OrganisationId(op.id), Role.OPERATOR, "bench")
        ids = []
        for number in range(parties):
            org = identity.register_organisation(
                session, role=Role.STATION, name=f"s{number}", now=T0
            )
            ledger.record_deposit(
                session,
                actor=operator,
                organisation_id=org.id,
                amount=Money(10_000_000_00),
                bank_reference=f"bench-{number}",
                now=T0,
            )
            ids.append(org.id)
    return ids


def _entry(rng: random.Random, ids: list[int], key: str) -> ledger.JournalEntry:
    a, b = rng.sample(ids, 2)
    return ledger.JournalEntry(
        idempotency_key=key,
        occurred_at=T0,
        description="bench transfer",
        source="bench",
        lines=ledger.transfer(
            payer=ledger.Accounts.party(a),
            payee=ledger.Accounts.party(b),
            amount=Money(rng.randint(1, 10_000)),
        ),
    )


def run(url: str, *, single: int, batched: int, batch: int, parties: int) -> dict[str, Any]:
    """Seed, time both shapes, check the ledger; return the figures."""
    upgrade_to_head(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    ids = _seed(factory, parties)
    rng = random.Random(7)
    started = time.perf_counter()
    for n in range(single):
        with transaction(factory) as session:
            ledger.post_entry(session, entry=_entry(rng, ids, f"single:{n}"))
    single_s = time.perf_counter() - started
    refs = [ledger.Accounts.party(i) for i in ids]
    started = time.perf_counter()
    done = 0
    while done < batched:
        with transaction(factory) as session:
            posting = ledger.PostingBatch(session, accounts=refs, now=T0)
            for _ in range(min(batch, batched - done)):
                posting.post(_entry(rng, ids, f"batched:{done}"))
                done += 1
            posting.flush()
    batched_s = time.perf_counter() - started
    with transaction(factory) as session:
        check = ledger.check_ledger(session)
    engine.dispose()
    assert check.ok, check
    return {
        "single_entries": single,
        "single_entries_per_s": round(single / single_s, 1),
        "batched_entries": batched,
        "batch_size": batch,
        "batched_entries_per_s": round(batched / batched_s, 1),
        "parties": parties,
        "ledger_check": {"entries": check.entries, "lines": check.lines, "ok": check.ok},
    }


def main() -> None:
    """Parse arguments, run on a scratch PostgreSQL database, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="an admin URL of a PostgreSQL server (the run creates and drops its database)",
    )
    parser.add_argument("--single", type=int, default=3_000)
    parser.add_argument("--batched", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--parties", type=int, default=200)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with postgres_database(args.postgres, "ledger") as url:
        figures = run(
            url, single=args.single, batched=args.batched, batch=args.batch, parties=args.parties
        )
    result = {
        "benchmark": "ledger",
        "database": "postgresql",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        **figures,
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "ledger.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
