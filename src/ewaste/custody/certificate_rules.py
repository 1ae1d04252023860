"""Certificates of recycling and of data wiping: kinds, wipe methods, and the signed message.

Pure: no database, no framework. A certificate is signed with the custody Ed25519 key over
`certificate_message(...)`, which names the certificate, its unit, and the custody event it
stands on by that event's place and hash in the chain (ADR 0016). The encoding is frozen like
the chain's: a change is a new version prefix, never an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final

from ewaste.kernel.errors import Conflict, IllegalTransition, InvalidInput, NotFound


class CertificateKind(StrEnum):
    """What a certificate attests."""

    RECYCLING = "recycling"
    """The unit was dismantled by a licensed plant (its chain ends in a dismantling)."""
    DATA_WIPE = "data_wipe"
    """The unit's storage was wiped (or destroyed) by the plant or station holding it."""


class WipeMethod(StrEnum):
    """How data was removed, after NIST SP 800-88 Rev. 1 (clear, purge, destroy)."""

    OVERWRITE = "overwrite"
    """Clear: every user-addressable block overwritten (or a verified factory reset)."""
    CRYPTO_ERASE = "crypto_erase"
    """Purge: the media encryption key destroyed (phones, self-encrypting drives)."""
    DEGAUSS = "degauss"
    """Purge: magnetic media degaussed."""
    DESTROY = "destroy"
    """Destroy: storage shredded, disintegrated or melted."""


DATA_BEARING_CATEGORIES: Final = frozenset(
    {"mobile_phone", "tablet", "laptop", "desktop", "printer", "copier"}
)
"""Categories whose units carry user data (phones and computers, and office machines with
disks); only they get a data-wipe certificate."""

SIGNATURE_PREFIX: Final = "ewaste.certificate.v1"


class CertificateNotFound(NotFound):
    """No certificate with this id (or not one the actor may see)."""

    code = "custody.certificate_not_found"
    message = "Certificate {certificate_code!r} not found."


class ReceiptNotFound(NotFound):
    """No unit with this receipt code."""

    code = "custody.receipt_not_found"
    message = "Receipt {receipt_code!r} not found."


class RequestStatus(StrEnum):
    """Where a certificate request stands: the worker signs it (issued) or finds that the
    chain does not support it (refused); a refused one may be asked for again."""

    REQUESTED = "requested"
    ISSUED = "issued"
    REFUSED = "refused"


class RequestEvent(StrEnum):
    """What can happen to a certificate request."""

    ISSUE = "issue"
    REFUSE = "refuse"
    ASK_AGAIN = "ask_again"


REQUEST_TRANSITIONS: Final[dict[tuple[RequestStatus, RequestEvent], RequestStatus]] = {
    (RequestStatus.REQUESTED, RequestEvent.ISSUE): RequestStatus.ISSUED,
    (RequestStatus.REQUESTED, RequestEvent.REFUSE): RequestStatus.REFUSED,
    (RequestStatus.REFUSED, RequestEvent.ASK_AGAIN): RequestStatus.REQUESTED,
}


class RequestSettled(IllegalTransition):
    """A certificate request moved in a way its state table does not allow."""

    code = "custody.certificate_request_settled"
    message = "Certificate request {certificate_code} is {status}."


def next_request_status(
    certificate_code: str, status: RequestStatus, event: RequestEvent
) -> RequestStatus:
    """The status after `event`; RequestSettled when the table has no such move."""
    after = REQUEST_TRANSITIONS.get((status, event))
    if after is None:
        raise RequestSettled(certificate_code=certificate_code, status=status.value)
    return after


class CertificatePending(Conflict):
    """A certificate asked for and not yet signed: only the worker holds the signing key
    (docs/adr/0016), and it signs requests within seconds."""

    code = "custody.certificate_pending"
    message = "Certificate {certificate_code} is being issued; try again in a few seconds."


class NotYetRecycled(Conflict):
    """A certificate of recycling asked for a unit whose chain does not end in dismantling."""

    code = "custody.not_yet_recycled"
    message = "Unit {unit_code} has not been dismantled yet (it is {status})."


class NotDataBearing(InvalidInput):
    """A data-wipe certificate asked for a unit of a category that holds no user data."""

    code = "custody.not_data_bearing"
    message = (
        "A {category} holds no user data; data-wipe certificates are for phones and computers."
    )


class AlreadyWiped(Conflict):
    """A second data-wipe record for the same unit."""

    code = "custody.already_wiped"
    message = "Unit {unit_code} already has a data-wipe certificate."


class InvalidWipe(InvalidInput):
    """A data-wipe record whose time is in the future or before the unit reached the wiper."""

    code = "custody.invalid_wipe"
    message = "{reason}"


def check_data_bearing(category_code: str) -> None:
    """Raise NotDataBearing unless units of this category carry user data."""
    if category_code not in DATA_BEARING_CATEGORIES:
        raise NotDataBearing(category=category_code)


def check_wipe_time(*, wiped_at: datetime, held_since: datetime, now: datetime) -> None:
    """A wipe happens while the wiper holds the unit, and not in the future (InvalidWipe)."""
    if wiped_at > now:
        raise InvalidWipe(reason="The wipe time is in the future.")
    if wiped_at < held_since:
        raise InvalidWipe(reason="The wipe time is before the unit reached your organisation.")


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    """Everything a certificate's signature covers."""

    code: str
    kind: CertificateKind
    unit_code: str
    category_code: str
    issued_at: datetime
    issuer_id: int
    """The organisation that attests: the dismantling plant, or the wiping plant/station."""
    anchor_chain_seq: int
    """The custody event the certificate stands on (the dismantling, or the latest event
    when the unit was wiped), by its place in the hash chain ..."""
    anchor_hash: str
    """... and its hash."""
    method: str = ""
    """The wipe method (data-wipe certificates), empty otherwise."""
    performed_at: datetime | None = None
    """When the unit was dismantled or wiped."""
    operator_ref: str = ""
    """The wiper's staff badge or workstation id (data-wipe certificates)."""


def _micros(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return str((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def certificate_message(facts: CertificateFacts, *, key_id: str) -> bytes:
    """The exact bytes a certificate's Ed25519 signature covers (frozen, version 1)."""
    texts = (
        facts.code,
        facts.kind.value,
        facts.unit_code,
        facts.category_code,
        facts.method,
        facts.operator_ref,
    )
    parts = [
        SIGNATURE_PREFIX,
        *(f"{len(t)}:{t}" for t in texts),
        _micros(facts.issued_at),
        _micros(facts.performed_at),
        str(facts.issuer_id),
        str(facts.anchor_chain_seq),
        facts.anchor_hash,
        f"{len(key_id)}:{key_id}",
    ]
    return "|".join(parts).encode()
