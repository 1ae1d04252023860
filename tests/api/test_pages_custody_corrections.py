"""Pages: a corrected custody event on the trace page (with its reason) and on the public
"where did my item go?" page (without it), pointing at the chain entry it replaces."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.kernel.clock import FrozenClock
from ewaste.kernel.quantities import Mass
from tests.api.test_pages_auth import login_as
from tests.factories import book, build_world, collect


def test_the_trace_and_the_public_page_show_a_correction_and_what_it_replaces(
    app_client: TestClient, session: Session, clock: FrozenClock
) -> None:
    world = build_world(session, now=clock.now())
    done = collect(
        session, world, book(session, world.household_a, now=clock.now()), now=clock.now()
    )
    code = done.unit_codes[0]
    original = custody.trace_unit(session, actor=world.regulator, unit_code=code).steps[0]
    custody.correct_event(
        session,
        actor=world.collector_a,
        event_id=original.event_id,
        reason="秤未归零 scale not zeroed",
        mass=Mass(6_400),
    )
    receipt = custody.receipt_code_of(session, actor=world.household_a, unit_code=code)
    session.flush()

    login_as(app_client, "home-a")
    page = app_client.get(f"/units/{code}")
    assert page.status_code == 200
    assert f"更正链上第 {original.chain_seq} 条记录: 秤未归零 scale not zeroed" in page.text
    assert "6.400 kg" in page.text

    public = app_client.get(f"/track/{receipt}")
    assert public.status_code == 200
    assert f"取代链上第 {original.chain_seq} 条记录" in public.text
    assert "秤未归零" not in public.text  # the reason is free text: not public
    login_as(app_client, "home-a", lang="en")
    english = app_client.get(f"/units/{code}")
    assert f"correction of chain entry {original.chain_seq}" in english.text
    if os.environ.get("EWASTE_PAGE_DUMP"):  # for looking at the pages in a browser
        folder = Path(os.environ["EWASTE_PAGE_DUMP"])
        (folder / "trace.html").write_text(page.text)
        (folder / "track.html").write_text(public.text)
