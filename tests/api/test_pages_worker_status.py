"""The overview says whether a worker runs: without one, certificates stay pending and held
pay is never released, and nothing else on the site would say why."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste.kernel.clock import FrozenClock
from ewaste.worker.heartbeat import beat
from tests.api.test_pages_auth import login_as
from tests.factories import build_world


def _tile(page: str) -> str:
    start = page.rindex("<div", 0, page.index('id="worker-status"'))
    return page[start : page.index("</div>", start)]


def test_the_overview_says_when_the_worker_last_ran(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    build_world(session, now=clock.now())
    login_as(app_client, "operator")
    tile = _tile(app_client.get("/").text)
    assert "后台任务未在运行" in tile
    assert "从未" in tile
    assert tile.startswith('<div class="tile bad"')
    beat(session, name="host:1", started_at=clock.now(), now=clock.now() - timedelta(minutes=2))
    session.commit()
    login_as(app_client, "operator", lang="en")
    tile = _tile(app_client.get("/").text)
    assert "worker&#39;s last round" in tile or "worker's last round" in tile
    assert "09:58" in tile  # 10:00 in Shenzhen, two minutes earlier
    assert tile.startswith('<div class="tile ok"')
