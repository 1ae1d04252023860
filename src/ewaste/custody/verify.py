"""Verify the custody log: every link of the hash chain and every signed checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ewaste.custody.chain import (
    ChainChecker,
    ChainFault,
    FaultReason,
    checkpoint_message,
)
from ewaste.custody.repository import CustodyRepository
from ewaste.custody.signing import PublicKey
from ewaste.identity import Actor, Permission


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What verification found: how far the chain holds, and the first fault if any."""

    events: int
    """Events checked and found to fit (all of them when intact)."""
    checkpoints: int
    last_chain_seq: int
    last_hash: str
    fault: ChainFault | None
    key_id: str

    @property
    def intact(self) -> bool:
        """True when every event and every checkpoint fits."""
        return self.fault is None


def verify_chain(session: Session, *, public_key: PublicKey, batch: int = 20_000) -> ChainReport:
    """Check every checkpoint's signature, then stream the whole chain in order.

    Stops at the first fault: a checkpoint that does not verify with `public_key`, or
    the first event whose sequence, link, hash or checkpoint does not fit. Reads only;
    memory stays constant however long the chain (events come in batches of `batch`).
    """
    repo = CustodyRepository(session)
    anchors: dict[int, tuple[int, str]] = {}
    checkpoints = repo.checkpoints()
    for checkpoint in checkpoints:
        message = checkpoint_message(
            checkpoint.last_chain_seq, checkpoint.last_hash, checkpoint.signed_at, checkpoint.key_id
        )
        if checkpoint.key_id != public_key.key_id or not public_key.verifies(
            message, checkpoint.signature
        ):
            bad = ChainFault(
                FaultReason.BAD_SIGNATURE,
                f"checkpoint of sequence {checkpoint.last_chain_seq} is not signed by key "
                f"{public_key.key_id}",
                checkpoint.last_chain_seq,
                None,
                checkpoint.id,
            )
            return ChainReport(0, len(checkpoints), 0, "", bad, public_key.key_id)
        anchors[checkpoint.last_chain_seq] = (checkpoint.id, checkpoint.last_hash)
    checker = ChainChecker(anchors)
    for rows in repo.chain_rows(batch=batch):
        if not checker.feed(rows):
            break
    fault = checker.finish()
    return ChainReport(
        checker.count,
        len(checkpoints),
        checker.last_seq,
        checker.last_hash,
        fault,
        public_key.key_id,
    )


def verify_custody_log(session: Session, *, actor: Actor, public_key: PublicKey) -> ChainReport:
    """`verify_chain` for operators and regulators (audit:unit:trace); MissingPermission
    for anyone else. Reads only; runs inside the caller's transaction."""
    actor.require(Permission.AUDIT_UNIT_TRACE)
    return verify_chain(session, public_key=public_key)
