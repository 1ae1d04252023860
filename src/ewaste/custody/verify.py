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
from ewaste.custody.keys import KeyUse, key_ring, key_uses
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
    """The current signing key of the trusted key ring."""
    keys: tuple[KeyUse, ...] = ()
    """Every trusted key and every key a checkpoint names, with its status and use."""

    @property
    def intact(self) -> bool:
        """True when every event and every checkpoint fits."""
        return self.fault is None


def verify_chain(session: Session, *, public_key: PublicKey, batch: int = 20_000) -> ChainReport:
    """Check every checkpoint's signature, then stream the whole chain in order.

    `public_key` is the key the verifier trusts; the keys linked to it by signed rotations
    are trusted too (custody.keys.key_ring). Stops at the first fault: a checkpoint signed
    by an unknown key, by a revoked key from its revocation on, or whose signature does
    not verify; or the first event whose sequence, link, hash or checkpoint does not fit.
    Reads only; memory stays constant however long the chain (events come in batches of
    `batch`).
    """
    repo = CustodyRepository(session)
    ring = key_ring(session, pinned=public_key)
    keys = tuple(key_uses(session, ring))
    anchors: dict[int, tuple[int, str]] = {}
    checkpoints = repo.checkpoints()
    for checkpoint in checkpoints:
        message = checkpoint_message(
            checkpoint.last_chain_seq, checkpoint.last_hash, checkpoint.signed_at, checkpoint.key_id
        )
        problem = ring.judge(checkpoint.key_id, message, checkpoint.signature, checkpoint.signed_at)
        if problem:
            detail = {
                "unknown_key": f"is signed by key {checkpoint.key_id}, which no trusted key "
                "rotated to",
                "revoked_key": f"is signed by key {checkpoint.key_id} after it was revoked",
            }.get(problem, f"does not verify with key {checkpoint.key_id}")
            bad = ChainFault(
                FaultReason(problem),
                f"checkpoint of sequence {checkpoint.last_chain_seq} {detail}",
                checkpoint.last_chain_seq,
                None,
                checkpoint.id,
            )
            return ChainReport(0, len(checkpoints), 0, "", bad, ring.current, keys)
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
        ring.current,
        keys,
    )


def verify_custody_log(session: Session, *, actor: Actor, public_key: PublicKey) -> ChainReport:
    """`verify_chain` for operators and regulators (audit:unit:trace); MissingPermission
    for anyone else. Reads only; runs inside the caller's transaction."""
    actor.require(Permission.AUDIT_UNIT_TRACE)
    return verify_chain(session, public_key=public_key)
