"""The edge's transaction: one per HTTP request, CLI command or worker job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


class AfterCommit:
    """Side effects (notifications, webhooks) queued to run only once the data is committed."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def add(self, callback: Callable[[], None]) -> None:
        """Run `callback` after a successful commit; dropped on rollback."""
        self._callbacks.append(callback)

    def run(self) -> None:
        """Run and forget the queued callbacks."""
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


@contextmanager
def transaction(factory: sessionmaker[Session], *, dry_run: bool = False) -> Iterator[Session]:
    """Open a session, yield it, commit on success (or roll back on error or `dry_run`)."""
    session = factory()
    try:
        yield session
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
