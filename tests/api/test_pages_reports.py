"""The reports page: regulators see volumes and flagged records in both languages and
review a flag; producers see their take-back figures; other roles are turned away."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import catalog, compliance
from ewaste.kernel.clock import FrozenClock
from tests.api.test_pages_auth import login_as
from tests.factories import build_world
from tests.integration.compliance.claim_helpers import dismantled_unit

AT = datetime(2026, 3, 10, 4, tzinfo=UTC)
FRIDGE = {"volume_l": 200}


def _world(session: Session, clock: FrozenClock) -> str:
    world = build_world(session, now=clock.now())
    catalog.map_brand(
        session,
        actor=world.operator,
        name="Pearl River",
        producer_id=world.producer.organisation_id,
        now=clock.now(),
    )
    dismantled_unit(session, world, "refrigerator", AT, FRIDGE, brand="Pearl River")
    shares, grams = compliance.expected_composition("refrigerator", FRIDGE)
    outputs = {
        f.value: grams * bp // 10_000 for f, bp in shares.items() if f.value != "refrigerant"
    }
    flagged = dismantled_unit(session, world, "refrigerator", AT, FRIDGE, fractions=outputs)
    session.commit()
    return flagged


def test_the_regulator_sees_volumes_and_flags_in_chinese_and_reviews_one(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    flagged = _world(session, clock)
    csrf = login_as(app_client, "reg", lang="zh_CN")
    page = app_client.get("/reports", params={"first": "2026-03", "last": "2026-03"})
    assert page.status_code == 200, page.text
    assert "被标记的拆解记录" in page.text
    assert "未捕集" in page.text
    assert flagged in page.text
    assert "电冰箱" in page.text
    done = app_client.post(
        f"/reports/checks/{flagged}/review",
        data={"csrf_token": csrf, "decision": "clear", "note": "cylinder on video 7"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = app_client.get("/reports", params={"first": "2026-03", "last": "2026-03"})
    assert "已核准" in after.text
    assert "cylinder on video 7" in after.text
    bad = app_client.get("/reports", params={"first": "2026-03", "last": "2025-01"})
    assert bad.status_code == 422


def test_the_producer_sees_its_brands_in_english_and_a_household_is_turned_away(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _world(session, clock)
    login_as(app_client, "prod", lang="en")
    page = app_client.get("/reports", params={"first": "2026-03", "last": "2026-03"})
    assert page.status_code == 200, page.text
    assert "Units of your brands collected and dismantled" in page.text
    assert "Pearl River" in page.text
    assert "Flagged dismantling records" not in page.text
    app_client.cookies.clear()
    login_as(app_client, "home-a", lang="en")
    assert app_client.get("/reports").status_code == 403
