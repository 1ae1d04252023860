"""Reserved unit codes: a collector reserves a block in advance, prints it as QR labels, and
tags units with it at the door, online or offline (ADR 0016). A services-level module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.custody.models import UnitCodeBlock
from ewaste.custody.repository import BlockRow, ReservationRepository
from ewaste.custody.rules import (
    HandoverOutOfOrder,
    check_block_size,
    check_handover_time,
    check_reserved_use,
    new_unit_code,
    parse_unit_code,
    reservation_expires_at,
)
from ewaste.identity import Actor, Permission
from ewaste.kernel.errors import NotFound


class BlockNotFound(NotFound):
    """No reserved block with this id that belongs to the actor's organisation."""

    code = "custody.block_not_found"
    message = "Reserved block {block_id} not found."


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A reserved block and its codes in label order."""

    id: int
    organisation_id: int
    reserved_at: datetime
    expires_at: datetime
    codes: tuple[str, ...]


def fresh_unit_codes(repo: ReservationRepository, count: int) -> list[str]:
    """`count` new codes no unit carries and no block reserved (60 random bits each)."""
    codes: list[str] = []
    while len(codes) < count:
        wanted = {new_unit_code() for _ in range(count - len(codes))} - set(codes)
        codes.extend(sorted(wanted - repo.taken_codes(sorted(wanted))))
    return codes


def reserve_unit_codes(session: Session, *, actor: Actor, count: int, now: datetime) -> CodeBlock:
    """Reserve a block of `count` fresh codes for the actor's organisation (a collector's).

    The codes may tag units from now until `rules.RESERVATION_DAYS` later. Raises
    MissingPermission (not a collector), InvalidBlockSize and TooManyOpenCodes.
    Runs inside the caller's transaction.
    """
    actor.require(Permission.COLLECTOR_PICKUP_COLLECT)
    repo = ReservationRepository(session)
    check_block_size(count, open_codes=repo.open_codes(actor.organisation_id, now=now))
    codes = fresh_unit_codes(repo, count)
    block = UnitCodeBlock(
        organisation_id=actor.organisation_id,
        reserved_by=actor.user_id,
        reserved_at=now,
        expires_at=reservation_expires_at(now),
        size=count,
    )
    repo.add_block(block, codes)
    return CodeBlock(block.id, block.organisation_id, now, block.expires_at, tuple(codes))


def code_block(session: Session, *, actor: Actor, block_id: int) -> CodeBlock:
    """A block of the actor's organisation with its codes; BlockNotFound for any other."""
    repo = ReservationRepository(session)
    block = repo.block(block_id)
    if block is None or block.organisation_id != actor.organisation_id:
        raise BlockNotFound(block_id=block_id)
    return CodeBlock(
        block.id,
        block.organisation_id,
        block.reserved_at,
        block.expires_at,
        tuple(repo.block_codes(block.id)),
    )


def code_blocks(session: Session, *, actor: Actor) -> Sequence[BlockRow]:
    """The actor's organisation's latest blocks (with how many codes are used)."""
    return ReservationRepository(session).blocks_of(actor.organisation_id)


def check_reserved_code(session: Session, *, actor: Actor, code: str, at: datetime) -> str:
    """The normalised `code` if the actor's organisation may tag a unit with it at `at`.

    Raises InvalidUnitCode, CodeNotReserved (never reserved, or by another organisation:
    the two are not told apart), UnitCodeUsed and ReservationExpired.
    """
    code = parse_unit_code(code)
    repo = ReservationRepository(session)
    reservation = repo.reservation(code)
    check_reserved_use(
        code,
        reserved_for=None if reservation is None else reservation.organisation_id,
        organisation_id=actor.organisation_id,
        valid_from=at if reservation is None else reservation.reserved_at,
        valid_until=at if reservation is None else reservation.expires_at,
        at=at,
        used=repo.unit_code_used(code),
    )
    return code


def check_handover_times(session: Session, *, unit_codes: Sequence[str], at: datetime) -> None:
    """Refuse (HandoverOutOfOrder) a handover at `at` of any unit whose latest event is later.

    Unknown codes are left to the handover itself (UnitNotFound).
    """
    repo = ReservationRepository(session)
    units = dict(repo.unit_ids_by_codes([parse_unit_code(c) for c in unit_codes]))
    for unit_id, latest in sorted(repo.latest_event_times(list(units)).items()):
        check_handover_time(units[unit_id], at=at, latest=latest)


__all__ = [
    "BlockNotFound",
    "CodeBlock",
    "HandoverOutOfOrder",
    "check_handover_times",
    "check_reserved_code",
    "code_block",
    "code_blocks",
    "reserve_unit_codes",
]
