"""A scratch PostgreSQL database for one benchmark run: created fresh, dropped at the end.

The benchmarks run as scripts (`python bench/<name>.py`), so this folder is on sys.path
and they import this module by its plain name.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from sqlalchemy import create_engine, make_url, text


@contextlib.contextmanager
def postgres_database(admin_url: str, label: str) -> Iterator[str]:
    """Create database `ewaste_bench_<label>_<pid>` through `admin_url` (dropping any
    leftover of that name first), yield its URL, and drop it when the run ends."""
    name = f"ewaste_bench_{label}_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
