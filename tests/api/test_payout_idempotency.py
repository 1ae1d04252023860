"""Idempotency of a money-moving route over HTTP: `POST /api/payouts` with an
`Idempotency-Key` header.

- the same key twice gives one payout and one debit;
- the same key with another body is refused (`payouts.idempotency_key_reused`, 409) and
  changes nothing;
- the same key sent by many threads at once (PostgreSQL, real commits) gives one payout,
  one ledger entry and one debit, and every answer names that payout.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from ewaste import ledger, payouts
from ewaste.cli.db import upgrade_to_head
from ewaste.config import Settings
from ewaste.db.session import make_engine, make_session_factory
from ewaste.db.uow import transaction
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from ewaste.web.app import create_app
from tests.conftest import T0, _postgres_base_url
from tests.factories import PASSWORD, World, build_world


def token(client: TestClient, username: str) -> dict[str, str]:
    answer = client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def body(amount: str) -> dict[str, object]:
    return {"amount": {"amount": amount, "currency": "CNY"}}


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    made = build_world(session, now=clock.now())
    payouts.save_bank_account(
        session,
        actor=made.collector_a,
        holder="王师傅",
        bank_name="农业银行",
        account_number="6228480000000001",
        now=clock.now(),
    )
    session.commit()
    return made


def test_the_same_key_twice_over_http_pays_once(
    session: Session, world: World, app_client: TestClient
) -> None:
    auth = token(app_client, "col-a")
    account = ledger.Accounts.party(world.collector_a.organisation_id)
    before = ledger.balance(session, account)
    headers = {**auth, "Idempotency-Key": "phone-7f3a"}

    first = app_client.post("/api/payouts", json=body("50.00"), headers=headers)
    second = app_client.post("/api/payouts", json=body("50.00"), headers=headers)

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert first.json() == second.json()
    assert first.json()["account_number"] == "•••• 0001"
    session.expire_all()
    assert ledger.balance(session, account) == before - Money(50_00)
    listed = app_client.get("/api/payouts", headers=auth).json()
    assert [p["id"] for p in listed] == [first.json()["id"]]


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(
    session: Session, world: World, app_client: TestClient
) -> None:
    auth = token(app_client, "col-a")
    headers = {**auth, "Idempotency-Key": "k-1"}
    assert app_client.post("/api/payouts", json=body("50.00"), headers=headers).status_code == 201
    account = ledger.Accounts.party(world.collector_a.organisation_id)
    session.expire_all()
    before = ledger.balance(session, account)

    answer = app_client.post("/api/payouts", json=body("60.00"), headers=headers)

    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "payouts.idempotency_key_reused"
    session.expire_all()
    assert ledger.balance(session, account) == before
    assert len(app_client.get("/api/payouts", headers=auth).json()) == 1


def test_a_withdrawal_without_a_key_is_refused(world: World, app_client: TestClient) -> None:
    answer = app_client.post("/api/payouts", json=body("1.00"), headers=token(app_client, "col-a"))
    assert answer.status_code == 422, answer.text
    statement = app_client.get("/api/accounts/me", headers=token(app_client, "col-a")).json()
    assert statement["payouts"] == []
    assert statement["bank_account"]["account_number"] == "•••• 0001"


@pytest.fixture
def committed_db(worker_id: str) -> Iterator[str]:
    """A migrated PostgreSQL database of its own, whose commits are real."""
    base = _postgres_base_url()
    assert base is not None
    name = f"ewaste_payout_race_{worker_id}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    upgrade_to_head(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


THREADS = 8
ROUNDS = 5


@pytest.mark.postgres_only
def test_the_same_key_in_parallel_over_http_pays_once(committed_db: str) -> None:
    engine = make_engine(committed_db)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        world = build_world(session, now=T0)
        payouts.save_bank_account(
            session,
            actor=world.collector_a,
            holder="王师傅",
            bank_name="农业银行",
            account_number="6228480000000001",
            now=T0,
        )
    settings = Settings(
        env="test", database_url=committed_db, secret_key="test-secret-key-0123456789"
    )
    account = ledger.Accounts.party(world.collector_a.organisation_id)
    with TestClient(create_app(settings, clock=FrozenClock(T0))) as client:
        auth = token(client, "col-a")
        with transaction(factory) as session:
            start = ledger.balance(session, account)
        for round_number in range(ROUNDS):
            key = f"parallel-{round_number}"
            barrier = threading.Barrier(THREADS)
            answers: list[tuple[int, int | None]] = []

            def send(
                key: str = key,
                barrier: threading.Barrier = barrier,
                answers: list[tuple[int, int | None]] = answers,
            ) -> None:
                barrier.wait(timeout=10)
                answer = client.post(
                    "/api/payouts",
                    json=body("10.00"),
                    headers={**auth, "Idempotency-Key": key},
                )
                answers.append((answer.status_code, answer.json().get("id")))

            threads = [threading.Thread(target=send) for _ in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=30)
            assert len(answers) == THREADS
            assert {status for status, _ in answers} == {201}, answers
            assert len({payout_id for _, payout_id in answers}) == 1, answers
            payout_id = answers[0][1]
            with transaction(factory) as session:
                counts = ledger.key_counts(session, [f"payout:{payout_id}:requested"])
                assert counts == {f"payout:{payout_id}:requested": 1}
                assert ledger.balance(session, account) == start - Money(10_00 * (round_number + 1))
        with transaction(factory) as session:
            assert len(payouts.payouts_for(session, actor=world.collector_a)) == ROUNDS
            assert ledger.check_ledger(session).ok
    engine.dispose()
