"""Signed checkpoints of the custody chain: make one when due, list them for verifiers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.custody.chain import checkpoint_is_due, checkpoint_message
from ewaste.custody.keys import check_signer
from ewaste.custody.models import CustodyCheckpoint
from ewaste.custody.repository import CustodyRepository
from ewaste.custody.signing import Signer


def sign_checkpoint(session: Session, *, signer: Signer, now: datetime) -> CustodyCheckpoint | None:
    """Sign the chain's current head as a new checkpoint; None when the head is already signed.

    Holds the chain lock, so the head cannot move while it is signed and two workers
    never sign the same head. Only the current key signs (custody.keys.check_signer:
    SigningKeyNotCurrent after a rotation until the new key is configured,
    SigningKeyRevoked). Runs inside the caller's transaction.
    """
    repo = CustodyRepository(session)
    repo.lock_chain()
    check_signer(session, signer=signer)
    head_seq, head_hash = repo.chain_head()
    last = repo.last_checkpoint()
    if head_seq == 0 or (last is not None and last.last_chain_seq >= head_seq):
        return None
    key_id = signer.public_key.key_id
    checkpoint = CustodyCheckpoint(
        last_chain_seq=head_seq,
        last_hash=head_hash,
        signed_at=now,
        key_id=key_id,
        signature=signer.sign(checkpoint_message(head_seq, head_hash, now, key_id)),
    )
    repo.add_checkpoint(checkpoint)
    return checkpoint


def checkpoint_if_due(
    session: Session, *, signer: Signer, now: datetime
) -> CustodyCheckpoint | None:
    """Sign a checkpoint when `chain.checkpoint_is_due` says so (the worker's job)."""
    repo = CustodyRepository(session)
    head_seq, _ = repo.chain_head()
    last = repo.last_checkpoint()
    if not checkpoint_is_due(
        head_seq=head_seq,
        checkpointed_seq=last.last_chain_seq if last else 0,
        last_signed_at=last.signed_at if last else None,
        now=now,
    ):
        return None
    return sign_checkpoint(session, signer=signer, now=now)
