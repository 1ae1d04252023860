"""Pure rules of reserved unit codes, receipt and certificate codes, and certificates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ewaste.custody import certificate_rules as cr
from ewaste.custody import rules

T = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_a_block_expires_thirty_days_after_it_was_reserved() -> None:
    assert rules.reservation_expires_at(T) == T + timedelta(days=30)


@pytest.mark.parametrize("count", [0, -1, rules.MAX_BLOCK_SIZE + 1])
def test_a_block_holds_one_to_five_hundred_codes(count: int) -> None:
    with pytest.raises(rules.InvalidBlockSize):
        rules.check_block_size(count, open_codes=0)


def test_an_organisation_may_hold_at_most_five_thousand_open_codes() -> None:
    rules.check_block_size(500, open_codes=rules.MAX_OPEN_CODES - 500)
    with pytest.raises(rules.TooManyOpenCodes):
        rules.check_block_size(1, open_codes=rules.MAX_OPEN_CODES)


def _use(**changes: object) -> None:
    values: dict[str, object] = {
        "reserved_for": 7,
        "organisation_id": 7,
        "valid_from": T,
        "valid_until": T + timedelta(days=30),
        "at": T + timedelta(days=1),
        "used": False,
    }
    values.update(changes)
    rules.check_reserved_use("EW0123456789AB", **values)  # type: ignore[arg-type]


def test_a_reserved_code_is_usable_by_its_organisation_inside_its_validity() -> None:
    _use()
    _use(at=T)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"reserved_for": None}, rules.CodeNotReserved),
        ({"reserved_for": 8}, rules.CodeNotReserved),
        ({"used": True}, rules.UnitCodeUsed),
        ({"at": T - timedelta(seconds=1)}, rules.ReservationExpired),
        ({"at": T + timedelta(days=30)}, rules.ReservationExpired),
    ],
)
def test_a_reserved_code_is_refused_with_a_stable_code(
    changes: dict[str, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        _use(**changes)


def test_a_handover_may_not_be_dated_before_the_units_latest_event() -> None:
    rules.check_handover_time("EW0123456789AB", at=T, latest=T)
    with pytest.raises(rules.HandoverOutOfOrder) as caught:
        rules.check_handover_time("EW0123456789AB", at=T - timedelta(minutes=1), latest=T)
    assert caught.value.code == "custody.handover_out_of_order"


def test_receipt_and_certificate_codes_are_random_and_parse_back() -> None:
    receipt, certificate = rules.new_receipt_code(), rules.new_certificate_code()
    assert len(receipt) == 14
    assert len(certificate) == 18
    assert rules.new_receipt_code() != receipt
    parsed = rules.parse_prefixed_code(
        f" {receipt.lower()} ", prefix=rules.RECEIPT_CODE_PREFIX, length=12
    )
    assert parsed == receipt


@pytest.mark.parametrize(
    "text", ["", "RC123", "XX0123456789AB", "RC0123456789A*", "RC0123456789ABC"]
)
def test_anything_else_is_not_a_receipt_code(text: str) -> None:
    assert rules.parse_prefixed_code(text, prefix=rules.RECEIPT_CODE_PREFIX, length=12) is None


def test_only_phones_and_computers_get_data_wipe_certificates() -> None:
    cr.check_data_bearing("mobile_phone")
    with pytest.raises(cr.NotDataBearing):
        cr.check_data_bearing("refrigerator")


def test_a_wipe_happens_while_the_wiper_holds_the_unit_and_not_in_the_future() -> None:
    cr.check_wipe_time(wiped_at=T, held_since=T, now=T)
    with pytest.raises(cr.InvalidWipe):
        cr.check_wipe_time(wiped_at=T + timedelta(seconds=1), held_since=T, now=T)
    with pytest.raises(cr.InvalidWipe):
        cr.check_wipe_time(wiped_at=T - timedelta(seconds=1), held_since=T, now=T)


FACTS = cr.CertificateFacts(
    code="CT0123456789ABCDEF",
    kind=cr.CertificateKind.DATA_WIPE,
    unit_code="EW0123456789AB",
    category_code="mobile_phone",
    issued_at=T,
    issuer_id=12,
    anchor_chain_seq=345,
    anchor_hash="ab" * 32,
    method="crypto_erase",
    performed_at=T - timedelta(hours=1),
    operator_ref="BADGE|7",
)


def test_the_signed_message_is_frozen() -> None:
    assert cr.certificate_message(FACTS, key_id="k1") == (
        b"ewaste.certificate.v1|18:CT0123456789ABCDEF|9:data_wipe|14:EW0123456789AB|"
        b"12:mobile_phone|12:crypto_erase|7:BADGE|7|1795485600000000|1795482000000000|12|345|"
        + b"ab" * 32
        + b"|2:k1"
    )


def test_every_signed_fact_changes_the_message() -> None:
    from dataclasses import replace

    base = cr.certificate_message(FACTS, key_id="k1")
    for change in (
        {"code": "CT0123456789ABCDEG"},
        {"kind": cr.CertificateKind.RECYCLING},
        {"unit_code": "EW0123456789AC"},
        {"issuer_id": 13},
        {"anchor_chain_seq": 346},
        {"anchor_hash": "cd" * 32},
        {"method": "overwrite"},
        {"performed_at": None},
        {"operator_ref": "BADGE|8"},
        {"issued_at": T + timedelta(microseconds=1)},
    ):
        assert cr.certificate_message(replace(FACTS, **change), key_id="k1") != base
    assert cr.certificate_message(FACTS, key_id="k2") != base
