"""Units: the custody trace, corrections of custody events, the dismantling record at the
plant, and the verification of the tamper-evident custody log with its signing keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session

from ewaste import compliance, custody
from ewaste.kernel.geo import GeoPoint
from ewaste.kernel.quantities import Mass
from ewaste.web.api.schemas import Grams, PathId, PointIn
from ewaste.web.context import RequestContext, api_context, public_session
from ewaste.web.custody_key import trusted_key

router = APIRouter(tags=["units"])


class TraceStepOut(BaseModel):
    """One handover; households appear by role only."""

    seq: int
    kind: str
    from_role: str
    from_name: str
    to_role: str
    to_name: str
    occurred_at: datetime
    lat: float | None
    lon: float | None
    grams: int
    ref: str
    event_id: int = Field(description="The event shown: what a correction names")
    chain_seq: int
    corrects_chain_seq: int | None = Field(
        description="For a corrected step: the chain place of the event the correction replaces"
    )
    reason: str = Field(description="For a corrected step: why it was corrected")


class TraceOut(BaseModel):
    """A unit's custody chain, oldest first."""

    code: str
    category: str
    status: str
    door_grams: int
    complete: bool
    problems: list[str]
    steps: list[TraceStepOut]


class DismantlingIn(BaseModel):
    """What the plant recovered from one unit."""

    model_config = ConfigDict(extra="forbid")

    line: str = Field(min_length=1, max_length=40)
    fractions: dict[str, Grams] = Field(min_length=1, max_length=20)
    evidence: str = Field(default="", max_length=200)
    attributes: dict[
        str, Annotated[StrictInt, Field(ge=0, le=1_000_000)] | Annotated[str, Field(max_length=40)]
    ] = Field(
        default_factory=dict,
        max_length=10,
        description="The unit's size and type as found (screen_inch, volume_l, ...): the "
        "subsidy schedule's conditions read them",
        examples=[{"technology": "crt", "screen_inch": 21}],
    )
    brand: str = Field(default="", max_length=80, description="The nameplate's brand")


class DismantlingOut(BaseModel):
    """A unit's dismantling record with its output check (docs/adr/0019)."""

    unit_code: str
    plant_id: int
    dismantled_at: datetime
    line: str
    fractions: dict[str, int]
    check: str = Field(description="passed, or flagged until a regulator reviews it")
    flags: list[str] = Field(description='The reasons, e.g. "refrigerant:not_captured"')


@router.get("/units/{unit_code}/trace", response_model=TraceOut)
def trace_unit(
    unit_code: str, ctx: RequestContext = Depends(api_context, scope="function")
) -> TraceOut:
    """The ordered custody chain of a unit the caller may see."""
    trace = custody.trace_unit(ctx.session, actor=ctx.actor, unit_code=unit_code)
    return TraceOut(
        code=trace.code,
        category=trace.category_code,
        status=trace.status,
        door_grams=trace.door_grams,
        complete=trace.complete,
        problems=list(trace.problems),
        steps=[
            TraceStepOut(
                seq=s.seq,
                kind=s.kind,
                from_role=s.from_role,
                from_name=s.from_name,
                to_role=s.to_role,
                to_name=s.to_name,
                occurred_at=s.occurred_at,
                lat=s.lat,
                lon=s.lon,
                grams=s.grams,
                ref=s.ref,
                event_id=s.event_id,
                chain_seq=s.chain_seq,
                corrects_chain_seq=s.corrects_chain_seq,
                reason=s.reason,
            )
            for s in trace.steps
        ],
    )


@router.post("/units/{unit_code}/dismantling", response_model=DismantlingOut, status_code=201)
def record_dismantling(
    unit_code: str,
    body: DismantlingIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> DismantlingOut:
    """Record the dismantling of a unit the caller's plant holds, with output fractions."""
    record = compliance.record_dismantling(
        ctx.session,
        actor=ctx.actor,
        unit_code=unit_code,
        line=body.line,
        fractions=body.fractions,
        now=ctx.now,
        evidence=body.evidence,
        attributes=body.attributes,
        brand=body.brand,
    )
    return DismantlingOut(
        unit_code=record.unit_code,
        plant_id=record.plant_id,
        dismantled_at=record.dismantled_at,
        line=record.line,
        fractions=dict(record.outputs),
        check=record.check,
        flags=list(record.flags),
    )


class CorrectionIn(BaseModel):
    """What to correct in a custody event, and why (at least one field besides the reason)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200)
    grams: Grams | None = None
    place: PointIn | None = None
    evidence: str | None = Field(default=None, max_length=200)
    ref: str | None = Field(default=None, max_length=60)


class CorrectionOut(BaseModel):
    """The correction: a new event in the chain that points at the event it corrects."""

    event_id: int
    corrects_id: int
    unit_id: int
    seq: int
    chain_seq: int
    hash: str
    grams: int
    reason: str


@router.post(
    "/custody/events/{event_id}/corrections", response_model=CorrectionOut, status_code=201
)
def correct_custody_event(
    event_id: PathId,
    body: CorrectionIn,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> CorrectionOut:
    """Correct a custody event the caller's organisation gave or received (operators: any):
    appends a new event that points at it; the original stays byte-identical."""
    event = custody.correct_event(
        ctx.session,
        actor=ctx.actor,
        event_id=event_id,
        reason=body.reason,
        mass=None if body.grams is None else Mass(body.grams),
        place=None if body.place is None else GeoPoint(body.place.lat, body.place.lon),
        evidence=body.evidence,
        ref=body.ref,
    )
    assert event.corrects_id is not None  # a correction always names what it corrects
    return CorrectionOut(
        event_id=event.id,
        corrects_id=event.corrects_id,
        unit_id=event.unit_id,
        seq=event.seq,
        chain_seq=event.chain_seq,
        hash=event.hash,
        grams=event.grams,
        reason=event.reason or "",
    )


class ChainFaultOut(BaseModel):
    """The first event or checkpoint that does not fit, and why."""

    reason: str
    chain_seq: int | None
    event_id: int | None
    checkpoint_id: int | None
    detail: str
    message: str


class KeyUseOut(BaseModel):
    """A signing key: trusted or not, and how many checkpoints name it."""

    key_id: str
    status: str = Field(description="current, retired, revoked or unknown")
    public_key: str = Field(description='Base64 of the public key ("" for an unknown key)')
    checkpoints: int
    activated_at: datetime | None
    revoked_at: datetime | None


def _key_use_out(use: custody.KeyUse) -> KeyUseOut:
    return KeyUseOut(
        key_id=use.key_id,
        status=use.status.value,
        public_key=use.public_key,
        checkpoints=use.checkpoints,
        activated_at=use.activated_at,
        revoked_at=use.revoked_at,
    )


class CustodyVerificationOut(BaseModel):
    """What `ewaste custody verify` reports: intact, or the first fault."""

    intact: bool
    events: int
    checkpoints: int
    last_chain_seq: int
    last_hash: str
    key_id: str = Field(description="The current signing key")
    keys: list[KeyUseOut] = Field(description="Every trusted key and every key a checkpoint names")
    fault: ChainFaultOut | None


class PublicKeyOut(BaseModel):
    """The Ed25519 key that checks the custody checkpoints' signatures."""

    algorithm: str
    public_key: str
    key_id: str


@router.get("/custody/verify", response_model=CustodyVerificationOut)
def verify_custody_log(
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> CustodyVerificationOut:
    """Check the whole custody hash chain and every signed checkpoint (operators and
    regulators); names the first event that does not fit. Reads every event: seconds for
    millions."""
    key = trusted_key(ctx.settings)
    report = custody.verify_custody_log(ctx.session, actor=ctx.actor, public_key=key)
    fault = report.fault
    return CustodyVerificationOut(
        intact=report.intact,
        events=report.events,
        checkpoints=report.checkpoints,
        last_chain_seq=report.last_chain_seq,
        last_hash=report.last_hash,
        key_id=report.key_id,
        keys=[_key_use_out(use) for use in report.keys],
        fault=None
        if fault is None
        else ChainFaultOut(
            reason=fault.reason.value,
            chain_seq=fault.chain_seq,
            event_id=fault.event_id,
            checkpoint_id=fault.checkpoint_id,
            detail=fault.detail,
            message=fault.describe(),
        ),
    )


@router.get("/custody/public-key", response_model=PublicKeyOut)
def custody_public_key(request: Request) -> PublicKeyOut:
    """The published key (base64 of the 32 raw bytes) anybody can check checkpoints with."""
    settings = request.app.state.settings
    key = trusted_key(settings)
    return PublicKeyOut(algorithm="Ed25519", public_key=key.base64, key_id=key.key_id)


class SigningKeysOut(BaseModel):
    """The custody signing keys anybody may check checkpoints and certificates with."""

    current: str
    keys: list[KeyUseOut]


@router.get("/custody/keys", response_model=SigningKeysOut)
def custody_signing_keys(
    request: Request, session: Session = Depends(public_session)
) -> SigningKeysOut:
    """The published signing keys (the configured one and those linked to it by signed
    rotations), with their status; no login needed, like the public key."""
    settings = request.app.state.settings
    key = trusted_key(settings)
    ring = custody.key_ring(session, pinned=key)
    uses = custody.key_uses(session, ring)
    return SigningKeysOut(
        current=ring.current, keys=[_key_use_out(u) for u in uses if u.public_key]
    )
