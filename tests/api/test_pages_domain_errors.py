"""A refusal that a page does not show beside a form is the error page in the visitor's
language with the error's status, never the API's JSON; under /api it stays JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import build_world


@pytest.mark.parametrize(
    ("lang", "block", "collector"),
    [
        ("zh_CN", "找不到预留号段 99999。", "找不到回收员 99999。"),
        ("en", "Reserved block 99999 not found.", "Collector 99999 not found."),
    ],
)
def test_a_page_answers_a_refusal_with_the_error_page(
    app_client: TestClient,
    session: Session,
    clock: FrozenClock,
    lang: str,
    block: str,
    collector: str,
) -> None:
    build_world(session, now=clock.now())
    session.flush()
    login_as(app_client, "col-a", lang=lang)
    labels = app_client.get("/collector/code-blocks/99999/labels.pdf")
    assert labels.status_code == 404
    assert labels.headers["content-type"].startswith("text/html")
    assert block in labels.text
    sheet = app_client.get("/collectors/99999/route")
    assert sheet.status_code == 404
    assert collector in sheet.text
    api = app_client.get("/api/unit-codes/blocks/99999/labels.pdf")
    assert api.headers["content-type"].startswith("application/json")
