"""`ewaste custody labels`: reserve a collector's codes and write its QR label sheets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from ewaste.db.session import make_engine
from tests.conftest import T0
from tests.factories import build_world
from tests.integration.test_cli import ewaste

pytestmark = pytest.mark.skipif(
    "EWASTE_TEST_DATABASE_URL" in os.environ, reason="drives its own SQLite file"
)


def test_labels_reserve_a_block_print_it_again_and_refuse_a_non_collector(
    tmp_path: Path,
) -> None:
    db = tmp_path / "labels.db"
    assert ewaste(db, "db", "upgrade").returncode == 0
    engine = make_engine(f"sqlite:///{db}")
    with sessionmaker(bind=engine)() as session:
        world = build_world(session, now=T0)
        collector, station = world.collector_a.user_id, world.station_a.user_id
        session.commit()
    engine.dispose()

    out = tmp_path / "labels.pdf"
    made = ewaste(
        db, "custody", "labels", "--user-id", str(collector), "--count", "25", "--out", str(out)
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("block 1: 25 codes valid until")
    assert out.read_bytes().count(b"/Type /Page\n") == 2

    again = tmp_path / "again.pdf"
    printed = ewaste(
        db, "custody", "labels", "--user-id", str(collector), "--block", "1", "--out", str(again)
    )
    assert printed.returncode == 0, printed.stderr
    assert again.read_bytes().startswith(b"%PDF")

    refused = ewaste(db, "custody", "labels", "--user-id", str(station), "--out", str(out))
    assert refused.returncode == 2
    assert refused.stderr.startswith("error[identity.missing_permission]")
    other = ewaste(
        db, "custody", "labels", "--user-id", str(station), "--block", "1", "--out", str(out)
    )
    assert other.stderr.startswith("error[custody.block_not_found]")
