"""The plant's dismantling form takes what the API takes (line, fractions, evidence, brand,
attributes) and shows the record's output check after saving, in zh-CN and English."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from ewaste import catalog, compliance, custody
from ewaste.custody.models import CustodyEvent
from ewaste.kernel.clock import FrozenClock
from ewaste.web.pages.plant import InvalidAttributeText, parse_attributes
from tests.api.test_pages_auth import login_as
from tests.factories import World, build_world
from tests.integration.compliance.claim_helpers import received_unit

# A 21-inch CRT television of 20 kg taken apart the way its composition says.
CRT_FRACTIONS = {
    "fraction_crt_glass": "11.6",
    "fraction_plastics": "3.7",
    "fraction_ferrous": "1.9",
    "fraction_copper": "0.7",
    "fraction_circuit_boards": "1.3",
    "fraction_other": "0.5",
}


@pytest.fixture
def world(session: Session, clock: FrozenClock) -> World:
    """Every party, committed to the test's rolled-back connection."""
    return build_world(session, now=clock.now())


def _unit_at_plant(session: Session, world: World, now: datetime) -> str:
    code = received_unit(session, world, "tv_crt", now)
    session.flush()
    return code


def _form(token: str, code: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "unit_code": code, "line": "L2", **CRT_FRACTIONS, **extra}


def test_the_form_records_evidence_brand_and_attributes_and_shows_a_passed_check(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _unit_at_plant(session, world, clock.now())
    catalog.map_brand(
        session,
        actor=world.operator,
        name="Pearl River",
        producer_id=world.producer.organisation_id,
        now=clock.now(),
    )
    token = login_as(app_client, "plant-a", lang="en")
    page = app_client.get("/").text
    for name in ("evidence", "brand", "attributes"):
        assert f'name="{name}"' in page
    assert "<code>screen_inch</code>" in page  # the attributes a CRT television takes
    answer = app_client.post(
        "/dismantling",
        data=_form(
            token,
            code,
            evidence="photo:L2/0412.jpg   video:cam2/10:32-10:41",
            brand="Pearl  River",
            attributes="screen_inch=21,",
        ),
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/?recorded={code}#dismantled"
    [record] = compliance.recent_for_plant(session, world.plant_a.organisation_id)
    assert record.brand == "pearl river"
    assert record.check == "passed", record.flags
    evidence = session.scalars(
        select(CustodyEvent.evidence)
        .where(CustodyEvent.kind == custody.HandoverKind.DISMANTLE.value)
        .order_by(CustodyEvent.id.desc())
        .limit(1)
    ).one()
    assert evidence == "photo:L2/0412.jpg video:cam2/10:32-10:41"

    shown = app_client.get(answer.headers["location"]).text
    assert f"Dismantling of {code} recorded." in shown
    assert "The output check passed." in shown
    assert f'id="dismantled-{code}"' in shown
    assert "<td>Pearl River</td>" in shown  # the mapped brand's name


def test_an_outlier_is_saved_and_shown_flagged_with_its_reasons_in_chinese(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _unit_at_plant(session, world, clock.now())
    token = login_as(app_client, "plant-a", lang="zh_CN")
    form = _form(token, code)
    del form["fraction_crt_glass"]  # the leaded glass not captured
    form["fraction_other"] = "12.1"
    answer = app_client.post("/dismantling", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    [record] = compliance.recent_for_plant(session, world.plant_a.organisation_id)
    assert record.check == "flagged"
    assert "crt_glass:not_captured" in record.flags

    shown = app_client.get(answer.headers["location"]).text
    assert f"{code} 的拆解已记录。" in shown
    assert "在监管部门复核之前" in shown
    assert "CRT 玻璃: 未捕集" in shown or "CRT玻璃: 未捕集" in shown


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        ({"attributes": "screen_inch 21"}, 422, "name=value"),
        ({"attributes": "screen_inch=21 screen_inch=25"}, 422, "name=value"),
        ({"attributes": "volume_l=200"}, 422, "unknown attribute volume_l"),
        ({"attributes": "screen_inch=500"}, 422, "screen_inch must be"),
        ({"brand": "x" * 81}, 422, "Name the brand"),
        ({"evidence": "photo:" + "x" * 200}, 422, "at most 200 characters"),
        ({"line": ""}, 422, "Please fill in every required field."),
    ],
)
def test_bad_input_is_refused_beside_the_form_and_nothing_is_recorded(
    app_client: TestClient,
    world: World,
    session: Session,
    clock: FrozenClock,
    extra: dict[str, str],
    status: int,
    message: str,
) -> None:
    code = _unit_at_plant(session, world, clock.now())
    token = login_as(app_client, "plant-a", lang="en")
    answer = app_client.post("/dismantling", data=_form(token, code, **extra))
    assert answer.status_code == status
    assert message in answer.text
    for value in extra.values():
        if value:
            assert f'value="{value}"' in answer.text  # what was typed is shown again
    assert compliance.recent_for_plant(session, world.plant_a.organisation_id) == []
    assert custody.units_held_by(session, world.plant_a.organisation_id, status="at_plant")


def test_the_form_messages_are_in_chinese(
    app_client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    code = _unit_at_plant(session, world, clock.now())
    token = login_as(app_client, "plant-a", lang="zh_CN")
    page = app_client.get("/").text
    assert "铭牌品牌（选填）" in page
    answer = app_client.post("/dismantling", data=_form(token, code, attributes="a b"))
    assert answer.status_code == 422
    assert "name=value" in answer.text
    assert "属性" in answer.text


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("", {}),
        ("screen_inch=21", {"screen_inch": 21}),
        ("technology=crt;screen_inch=21\n", {"technology": "crt", "screen_inch": 21}),
        ("type=top_load，capacity_kg=7", {"type": "top_load", "capacity_kg": 7}),
    ],
)
def test_attribute_text_is_read_as_pairs(text: str, parsed: dict[str, object]) -> None:
    assert parse_attributes(text) == parsed


@pytest.mark.parametrize(
    "text",
    ["=21", "Screen=21", "a=", "a=b=c", "a=1 a=2", " ".join(f"a{i}=1" for i in range(11))],
)
def test_attribute_text_that_is_not_pairs_is_refused(text: str) -> None:
    with pytest.raises(InvalidAttributeText):
        parse_attributes(text)
