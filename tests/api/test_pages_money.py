"""The money pages in both languages: a party's balances, bank account, withdrawal (a resent
form pays once) and payouts; the operator's payouts desk (batch, download, result file with
its errors shown and nothing changed) and the money reports; refusals change nothing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import ledger, payouts
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.money import Money
from tests.api.test_pages_auth import csrf_from, login_as
from tests.factories import World, build_world

_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
BANK = {
    "holder": "王师傅",
    "bank_name": "中国工商银行深圳福田支行",
    "account_number": "6222 0212 3456 7890",
}


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    return build_world(session, now=clock.now())


def available(session: Session, organisation_id: int) -> Money:
    return ledger.balance(session, ledger.Accounts.party(organisation_id))


def first_entry(session: Session, owner_id: int, payout_id: int) -> int:
    (line,) = [
        row
        for row in ledger.statement(session, owner_id=owner_id)
        if row.idempotency_key == f"payout:{payout_id}:requested"
    ]
    return line.entry_id


def withdraw_form(client: TestClient) -> dict[str, str]:
    page = client.get("/money")
    assert page.status_code == 200, page.text
    key = _KEY.search(page.text)
    assert key is not None
    return {"csrf_token": csrf_from(page.text), "idempotency_key": key.group(1)}


def add_bank(client: TestClient) -> None:
    form = withdraw_form(client)
    answer = client.post(
        "/money/bank-account",
        data={"csrf_token": form["csrf_token"], **BANK},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.mark.parametrize(
    ("lang", "heading", "no_bank"),
    [("zh_CN", "我的资金", "还没有银行账户"), ("en", "My money", "No bank account yet")],
)
def test_a_collector_sees_its_balances_and_is_asked_for_a_bank_account(
    app_client: TestClient, world: World, lang: str, heading: str, no_bank: str
) -> None:
    login_as(app_client, "col-a", lang=lang)
    page = app_client.get("/money")
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert no_bank in page.text
    assert "¥10,000.00" in page.text  # the seed deposit, available
    assert 'id="money-link"' in page.text
    assert 'id="withdraw-form"' in page.text


def test_a_withdrawal_resent_with_the_same_form_pays_once(
    app_client: TestClient, session: Session, world: World
) -> None:
    me = world.collector_a.organisation_id
    login_as(app_client, "col-a", lang="en")
    add_bank(app_client)
    form = withdraw_form(app_client)
    assert "•••• 7890" in app_client.get("/money").text
    before = available(session, me)

    first = app_client.post(
        "/money/withdraw", data={**form, "amount": "300"}, follow_redirects=False
    )
    again = app_client.post(
        "/money/withdraw", data={**form, "amount": "300"}, follow_redirects=False
    )

    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert available(session, me) == before - Money(300_00)
    mine = payouts.payouts_for(session, actor=world.collector_a)
    assert [(p.amount, p.status) for p in mine] == [(Money(300_00), "requested")]
    page = app_client.get("/money")
    assert f'id="payout-{mine[0].id}"' in page.text
    assert "Waiting for a bank batch" in page.text
    assert "¥9,700.00" in page.text
    # the statement shows the withdrawal leaving the available balance, in the Out column
    line = page.text.split(f'id="line-{first_entry(session, me, mine[0].id)}-available"')[1]
    assert '<td class="num"></td>\n        <td class="num">¥300.00</td>' in line.split("</tr>")[0]


def test_the_same_key_for_another_amount_is_refused_beside_the_form(
    app_client: TestClient, session: Session, world: World
) -> None:
    me = world.collector_a.organisation_id
    login_as(app_client, "col-a", lang="zh_CN")
    add_bank(app_client)
    form = withdraw_form(app_client)
    app_client.post("/money/withdraw", data={**form, "amount": "10"}, follow_redirects=False)
    before = available(session, me)
    answer = app_client.post("/money/withdraw", data={**form, "amount": "20"})
    assert answer.status_code == 409
    assert 'role="alert"' in answer.text
    assert available(session, me) == before


@pytest.mark.parametrize(
    ("amount", "status", "message"),
    [
        ("20000", 409, "无法提现 20000.00 元"),  # more than the ¥10,000 available
        ("0", 422, "0.01"),
        ("1e3", 422, "1e3"),
        ("", 422, "请填写所有必填项"),
    ],
)
def test_a_refused_withdrawal_is_explained_and_changes_nothing(
    app_client: TestClient,
    session: Session,
    world: World,
    amount: str,
    status: int,
    message: str,
) -> None:
    me = world.collector_a.organisation_id
    login_as(app_client, "col-a", lang="zh_CN")
    add_bank(app_client)
    before = available(session, me)
    answer = app_client.post(
        "/money/withdraw", data={**withdraw_form(app_client), "amount": amount}
    )
    assert answer.status_code == status
    assert message in answer.text
    assert available(session, me) == before
    assert payouts.payouts_for(session, actor=world.collector_a) == []


def test_without_a_bank_account_a_withdrawal_is_refused(
    app_client: TestClient, session: Session, world: World
) -> None:
    login_as(app_client, "sta-a", lang="en")
    answer = app_client.post("/money/withdraw", data={**withdraw_form(app_client), "amount": "5"})
    assert answer.status_code == 409
    assert "Add a bank account before asking for a payout." in answer.text
    assert payouts.payouts_for(session, actor=world.station_a) == []


def test_a_bad_bank_account_is_refused_and_the_form_keeps_what_was_typed(
    app_client: TestClient, session: Session, world: World
) -> None:
    login_as(app_client, "plant-a", lang="en")
    form = withdraw_form(app_client)
    answer = app_client.post(
        "/money/bank-account",
        data={"csrf_token": form["csrf_token"], **BANK, "account_number": "12ab"},
    )
    assert answer.status_code == 422
    assert "Bank account not valid" in answer.text
    assert 'value="12ab"' in answer.text
    assert payouts.bank_account_for(session, actor=world.plant_a) is None
    app_client.cookies.set("lang", "zh_CN")  # the reason is in the visitor's language too
    answer = app_client.post(
        "/money/bank-account",
        data={"csrf_token": form["csrf_token"], **BANK, "account_number": "１２３４５６７８９"},
    )
    assert answer.status_code == 422
    assert "账号须为 8 至 30 位数字" in answer.text
    assert "the account number" not in answer.text


def _request(session: Session, world: World, clock: FrozenClock) -> payouts.PayoutView:
    payouts.save_bank_account(session, actor=world.collector_a, now=clock.now(), **BANK)
    view = payouts.request_payout(
        session, actor=world.collector_a, amount=Money(250_00), idempotency_key="p", now=clock.now()
    )
    session.flush()
    return view


def _results(batch_id: int, payout_id: int, amount: str, result: str, reason: str = "") -> bytes:
    header = ",".join(payouts.RESULT_HEADER)
    return f"{header}\n{batch_id},{payout_id},{amount},{result},BANK-9,{reason}\n".encode()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_operator_batches_downloads_and_imports_the_bank_results(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock, lang: str
) -> None:
    payout = _request(session, world, clock)
    login_as(app_client, "operator", lang=lang)
    page = app_client.get("/money")
    assert page.status_code == 200
    assert f'id="payout-{payout.id}"' in page.text
    assert "col-a" in page.text or "•••• 7890" in page.text

    made = app_client.post(
        "/money/batches", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert made.status_code == 303
    batch_id = int(made.headers["location"].rsplit("-", 1)[1])
    csv = app_client.get(f"/money/batches/{batch_id}/batch.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert "6222021234567890" in csv.text  # the full number, for the bank only
    page = app_client.get("/money")
    assert f'action="/money/batches/{batch_id}/results"' in page.text

    token = csrf_from(page.text)
    wrong = app_client.post(
        f"/money/batches/{batch_id}/results",
        data={"csrf_token": token},
        files={"file": ("result.csv", _results(batch_id, payout.id, "999.00", "paid"))},
    )
    assert wrong.status_code == 422
    assert 'role="alert"' in wrong.text
    assert payouts.get_payout(session, actor=world.operator, payout_id=payout.id).status == (
        "batched"
    )

    done = app_client.post(
        f"/money/batches/{batch_id}/results",
        data={"csrf_token": token},
        files={"file": ("result.csv", _results(batch_id, payout.id, "250.00", "paid"))},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = app_client.get(done.headers["location"])
    assert 'id="imported"' in shown.text
    assert payouts.get_payout(session, actor=world.operator, payout_id=payout.id).status == "paid"
    assert shown.text.count('class="badge ok"') == 2  # ledger check and reconciliation


def test_a_failed_payout_returns_the_money_and_the_party_sees_why(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    payout = _request(session, world, clock)
    before = available(session, world.collector_a.organisation_id)
    batch = payouts.create_batch(session, actor=world.operator, now=clock.now())
    payouts.download_batch(session, actor=world.operator, batch_id=batch.id, now=clock.now())
    session.flush()
    login_as(app_client, "operator", lang="en")
    token = csrf_from(app_client.get("/money").text)
    done = app_client.post(
        f"/money/batches/{batch.id}/results",
        data={"csrf_token": token},
        files={"file": ("r.csv", _results(batch.id, payout.id, "250.00", "failed", "closed"))},
    )
    assert done.status_code == 200
    assert "1 failed (money returned)" in done.text
    assert available(session, world.collector_a.organisation_id) == before + Money(250_00)
    app_client.cookies.clear()
    login_as(app_client, "col-a", lang="en")
    page = app_client.get("/money")
    assert "Failed, money returned" in page.text
    assert "closed" in page.text


def test_nothing_to_batch_and_an_empty_upload_are_explained(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    login_as(app_client, "operator", lang="zh_CN")
    token = csrf_from(app_client.get("/money").text)
    nothing = app_client.post("/money/batches", data={"csrf_token": token})
    assert nothing.status_code == 409
    assert 'role="alert"' in nothing.text
    assert payouts.batches_for(session, actor=world.operator) == []

    _request(session, world, clock)
    batch = payouts.create_batch(session, actor=world.operator, now=clock.now())
    session.flush()
    empty = app_client.post(
        f"/money/batches/{batch.id}/results",
        data={"csrf_token": token},
        files={"file": ("r.csv", b"")},
    )
    assert empty.status_code == 422
    assert "请选择要上传的 CSV 文件" in empty.text or 'role="alert"' in empty.text
    assert app_client.get("/money/batches/999999/batch.csv").status_code == 404


def test_other_roles_are_turned_away_and_change_nothing(
    app_client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    login_as(app_client, "reg", lang="en")
    assert app_client.get("/money").status_code == 403
    token = csrf_from(app_client.get("/").text)
    refused = app_client.post("/money/withdraw", data={"csrf_token": token, "amount": "1"})
    assert refused.status_code == 403
    app_client.cookies.clear()

    payout = _request(session, world, clock)
    token = login_as(app_client, "col-b", lang="en")
    assert app_client.post("/money/batches", data={"csrf_token": token}).status_code == 403
    assert app_client.get("/money/batches/1/batch.csv").status_code == 403
    upload = app_client.post(
        "/money/batches/1/results",
        data={"csrf_token": token},
        files={"file": ("r.csv", _results(1, payout.id, "250.00", "paid"))},
    )
    assert upload.status_code == 403
    assert payouts.batches_for(session, actor=world.operator) == []
    assert f'id="payout-{payout.id}"' not in app_client.get("/money").text
