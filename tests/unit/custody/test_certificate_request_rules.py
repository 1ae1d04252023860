"""A certificate request's state table: the worker issues or refuses a requested one;
only a refused one may be asked for again; nothing else moves."""

from __future__ import annotations

import pytest

from ewaste.custody.certificate_rules import (
    REQUEST_TRANSITIONS,
    RequestEvent,
    RequestSettled,
    RequestStatus,
    next_request_status,
)


@pytest.mark.parametrize(("status", "event"), list(REQUEST_TRANSITIONS))
def test_the_table_moves(status: RequestStatus, event: RequestEvent) -> None:
    assert next_request_status("CT1", status, event) is REQUEST_TRANSITIONS[(status, event)]


@pytest.mark.parametrize(
    ("status", "event"),
    [(s, e) for s in RequestStatus for e in RequestEvent if (s, e) not in REQUEST_TRANSITIONS],
)
def test_every_other_move_is_refused(status: RequestStatus, event: RequestEvent) -> None:
    with pytest.raises(RequestSettled) as refused:
        next_request_status("CT1", status, event)
    assert refused.value.code == "custody.certificate_request_settled"


def test_an_issued_certificate_stays_issued() -> None:
    assert all(s is not RequestStatus.ISSUED for s, _ in REQUEST_TRANSITIONS)
