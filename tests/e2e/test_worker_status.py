"""The operator's overview in a browser: the worker tile says when a worker last ran."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ewaste.db.uow import transaction
from ewaste.kernel.clock import SystemClock
from ewaste.worker.heartbeat import beat
from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD

SHOTS = (
    Path(os.environ.get("EWASTE_SCREENSHOTS", "")) if os.environ.get("EWASTE_SCREENSHOTS") else None
)


@pytest.mark.e2e
def test_the_overview_shows_the_workers_last_round(page: Page, live_server: LiveServer) -> None:
    now = SystemClock().now()
    with transaction(live_server.sessions) as session:
        beat(session, name="e2e-worker:1", started_at=now, now=now)
    page.goto("/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.goto("/")
    tile = page.locator("#worker-status")
    expect(tile).to_contain_text("后台任务最近一次运行")
    expect(tile).to_have_class("tile ok")
    if SHOTS is not None:
        page.locator(".tiles").screenshot(path=str(SHOTS / "worker-status-zh.png"))
