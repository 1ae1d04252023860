"""Reserved unit codes and label sheets, the offline sync, certificates and the public
"where did my item go?" lookup (issue 7, points 1 and 5; ADR 0016)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy.orm import Session

from ewaste import custody, fieldsync
from ewaste.web.api.schemas import BodyId, Grams, PathId
from ewaste.web.context import RequestContext, api_context, public_session
from ewaste.web.custody_key import trusted_key
from ewaste.web.throttle import limit_lookup

router = APIRouter(tags=["unit codes and certificates"])


# --- reserved codes -------------------------------------------------------------------------


class BlockIn(BaseModel):
    """How many codes to reserve."""

    model_config = ConfigDict(extra="forbid")

    count: StrictInt = Field(ge=1, le=500, description="1 to 500 codes (21 labels a sheet)")


class BlockOut(BaseModel):
    """A reserved block: its codes may tag units until `expires_at`, online or offline."""

    id: int
    reserved_at: datetime
    expires_at: datetime
    codes: list[str]
    labels_pdf: str


class BlockSummaryOut(BaseModel):
    """A reserved block in the list of the caller's blocks."""

    id: int
    reserved_at: datetime
    expires_at: datetime
    size: int
    used: int


@router.post("/unit-codes/blocks", response_model=BlockOut, status_code=201)
def reserve_codes(
    body: BlockIn, request: Request, ctx: RequestContext = Depends(api_context, scope="function")
) -> BlockOut:
    """Reserve a block of fresh, unguessable unit codes for the caller's collector."""
    block = custody.reserve_unit_codes(ctx.session, actor=ctx.actor, count=body.count, now=ctx.now)
    return BlockOut(
        id=block.id,
        reserved_at=block.reserved_at,
        expires_at=block.expires_at,
        codes=list(block.codes),
        labels_pdf=str(request.url_for("code_block_labels", block_id=block.id).path),
    )


@router.get("/unit-codes/blocks", response_model=list[BlockSummaryOut])
def list_blocks(
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> list[BlockSummaryOut]:
    """The caller's organisation's latest reserved blocks, newest first."""
    return [
        BlockSummaryOut(
            id=b.id, reserved_at=b.reserved_at, expires_at=b.expires_at, size=b.size, used=b.used
        )
        for b in custody.code_blocks(ctx.session, actor=ctx.actor)
    ]


@router.get(
    "/unit-codes/blocks/{block_id}/labels.pdf",
    name="code_block_labels",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def block_labels(
    block_id: PathId, ctx: RequestContext = Depends(api_context, scope="function")
) -> Response:
    """The block's QR label sheets (A4, 3 x 7 labels); only for the block's organisation."""
    block = custody.code_block(ctx.session, actor=ctx.actor, block_id=block_id)
    pdf = custody.label_sheet_pdf(block.codes, block_id=block.id, expires_at=block.expires_at)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="labels-{block.id}.pdf"'},
    )


# --- the offline sync -----------------------------------------------------------------------


class DoorTagIn(BaseModel):
    """A unit tagged at the door with a reserved code."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=30)
    category: str = Field(min_length=1, max_length=40)
    grams: Grams


class OfflineRecordIn(BaseModel):
    """One thing done without signal, as the device recorded it."""

    model_config = ConfigDict(extra="forbid")

    record_id: str = Field(
        min_length=1, max_length=64, description="The device's id for the record (e.g. a UUID)"
    )
    kind: Literal["collect", "deliver"]
    device_at: AwareDatetime
    pickup_id: BodyId | None = Field(default=None, description="collect: the pickup")
    tags: list[DoorTagIn] = Field(default_factory=list, max_length=50)
    evidence: str = Field(default="", max_length=200)
    collector_id: BodyId | None = Field(default=None, description="deliver: the collector")
    unit_codes: list[Annotated[str, Field(min_length=1, max_length=30)]] = Field(
        default_factory=list, max_length=500
    )

    def record(self) -> fieldsync.OfflineRecord:
        """The domain's record."""
        return fieldsync.OfflineRecord(
            record_id=self.record_id,
            kind=fieldsync.RecordKind(self.kind),
            device_at=self.device_at,
            pickup_id=self.pickup_id,
            tags=tuple(fieldsync.DoorTag(t.code, t.category, t.grams) for t in self.tags),
            evidence=self.evidence,
            collector_id=self.collector_id,
            unit_codes=tuple(self.unit_codes),
        )


class SyncIn(BaseModel):
    """A batch of offline records, in any order (they are applied by device time)."""

    model_config = ConfigDict(extra="forbid")

    records: list[OfflineRecordIn] = Field(min_length=1, max_length=fieldsync.MAX_RECORDS)


class RecordResultOut(BaseModel):
    """What became of one record: applied, already_synced, or refused with a stable code."""

    record_id: str
    status: str
    unit_codes: list[str]
    code: str
    message: str


class SyncOut(BaseModel):
    """One result per record, in the order sent."""

    results: list[RecordResultOut]


@router.post("/sync", response_model=SyncOut)
def sync_offline_records(
    body: SyncIn, ctx: RequestContext = Depends(api_context, scope="function")
) -> SyncOut:
    """Apply offline records (door collections with reserved codes, station receptions)
    at their device times; a refused record changes nothing, a re-sent one is recognised."""
    results = fieldsync.sync_records(
        ctx.session, actor=ctx.actor, records=[r.record() for r in body.records], now=ctx.now
    )
    return SyncOut(
        results=[
            RecordResultOut(
                record_id=r.record_id,
                status=r.status.value,
                unit_codes=list(r.unit_codes),
                code=r.code,
                message=r.message,
            )
            for r in results
        ]
    )


# --- certificates ---------------------------------------------------------------------------


class PartyOut(BaseModel):
    """A party of the chain as the public sees it (households and collectors by role only)."""

    role: str
    name: str
    name_zh: str
    district: str


class CertificateOut(BaseModel):
    """A certificate and whether it verifies (signature and the custody event it stands on)."""

    code: str
    kind: str
    unit_code: str
    category: str
    issued_at: datetime
    performed_at: datetime | None
    issuer: PartyOut
    method: str
    operator_ref: str
    anchor_chain_seq: int
    anchor_hash: str
    key_id: str
    valid: bool
    problem: str
    verify_url: str
    pdf_url: str


class PublicStepOut(BaseModel):
    """One handover, without personal data."""

    seq: int
    kind: str
    giver: PartyOut
    receiver: PartyOut
    occurred_at: datetime
    grams: int
    corrected: bool


class PublicUnitOut(BaseModel):
    """A unit's chain for anybody holding its receipt code or a certificate id."""

    unit_code: str
    category: str
    status: str
    complete: bool
    steps: list[PublicStepOut]
    certificates: list[CertificateOut]


class VerificationOut(BaseModel):
    """A certificate, checked, and its unit's public chain."""

    certificate: CertificateOut
    unit: PublicUnitOut


class WipeIn(BaseModel):
    """A data wipe done by the plant or station holding the unit."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["overwrite", "crypto_erase", "degauss", "destroy"]
    operator_ref: str = Field(
        min_length=1, max_length=40, description="Staff badge or workstation id, never a name"
    )
    wiped_at: AwareDatetime


class ReceiptOut(BaseModel):
    """A unit's receipt code and its public page."""

    unit_code: str
    receipt_code: str
    lookup_url: str


def _party(party: custody.PublicParty) -> PartyOut:
    return PartyOut(
        role=party.role, name=party.name, name_zh=party.name_zh, district=party.district
    )


def certificate_out(request: Request, check: custody.CertificateCheck) -> CertificateOut:
    """A checked certificate with the absolute URLs of its public page and PDF."""
    return CertificateOut(
        code=check.code,
        kind=check.kind,
        unit_code=check.unit_code,
        category=check.category_code,
        issued_at=check.issued_at,
        performed_at=check.performed_at,
        issuer=_party(check.issuer),
        method=check.method,
        operator_ref=check.operator_ref,
        anchor_chain_seq=check.anchor_chain_seq,
        anchor_hash=check.anchor_hash,
        key_id=check.key_id,
        valid=check.valid,
        problem=check.problem,
        verify_url=str(request.url_for("public_certificate", certificate_code=check.code)),
        pdf_url=str(request.url_for("certificate_pdf", certificate_code=check.code)),
    )


def public_unit_out(request: Request, unit: custody.PublicUnit) -> PublicUnitOut:
    """The public chain as JSON."""
    return PublicUnitOut(
        unit_code=unit.unit_code,
        category=unit.category_code,
        status=unit.status,
        complete=unit.complete,
        steps=[
            PublicStepOut(
                seq=s.seq,
                kind=s.kind,
                giver=_party(s.giver),
                receiver=_party(s.receiver),
                occurred_at=s.occurred_at,
                grams=s.grams,
                corrected=s.corrected,
            )
            for s in unit.steps
        ],
        certificates=[certificate_out(request, c) for c in unit.certificates],
    )


class CertificateRequestOut(BaseModel):
    """A certificate asked for. The worker — the one process that holds the signing key —
    signs it within seconds: until then `status` is "requested" and `certificate_url`
    answers 409 `custody.certificate_pending`; then "issued" (or "refused", with the
    reason, when the chain does not support it)."""

    code: str
    kind: Literal["recycling", "data_wipe"]
    unit_code: str
    status: Literal["requested", "issued", "refused"]
    refusal: str
    certificate_url: str
    verify_url: str


def _request_reply(
    request: Request, response: Response, state: custody.CertificateState
) -> CertificateRequestOut:
    response.status_code = 200 if state.status == "issued" else 202
    return CertificateRequestOut(
        code=state.code,
        kind=state.kind,
        unit_code=state.unit_code,
        status=state.status,
        refusal=state.refusal,
        certificate_url=str(
            request.url_for("verify_certificate", certificate_code=state.code).path
        ),
        verify_url=str(request.url_for("public_certificate", certificate_code=state.code)),
    )


@router.post(
    "/units/{unit_code}/certificate",
    response_model=CertificateRequestOut,
    status_code=202,
    responses={200: {"description": "Issued before: the same certificate."}},
)
def request_recycling_certificate(
    unit_code: str,
    request: Request,
    response: Response,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> CertificateRequestOut:
    """Ask for the certificate of recycling of a dismantled unit the caller may see: 202
    while the worker signs it, 200 once issued (the same certificate every time)."""
    state = custody.request_recycling_certificate(
        ctx.session, actor=ctx.actor, unit_code=unit_code, now=ctx.now
    )
    return _request_reply(request, response, state)


@router.post("/units/{unit_code}/data-wipe", response_model=CertificateRequestOut, status_code=202)
def record_data_wipe(
    unit_code: str,
    body: WipeIn,
    request: Request,
    response: Response,
    ctx: RequestContext = Depends(api_context, scope="function"),
) -> CertificateRequestOut:
    """Record the data wipe of a phone or computer the caller's plant or station holds, and
    ask for its data-wipe certificate (signed by the worker within seconds)."""
    state = custody.record_data_wipe(
        ctx.session,
        actor=ctx.actor,
        unit_code=unit_code,
        method=body.method,
        operator_ref=body.operator_ref,
        wiped_at=body.wiped_at,
        now=ctx.now,
    )
    return _request_reply(request, response, state)


@router.get("/units/{unit_code}/receipt", response_model=ReceiptOut)
def unit_receipt(
    unit_code: str, request: Request, ctx: RequestContext = Depends(api_context, scope="function")
) -> ReceiptOut:
    """The receipt code of a unit the caller's household handed over (or, for auditors, of
    any unit): the key of the public "where did my item go?" page."""
    code = custody.receipt_code_of(ctx.session, actor=ctx.actor, unit_code=unit_code)
    return ReceiptOut(
        unit_code=custody.parse_unit_code(unit_code),
        receipt_code=code,
        lookup_url=str(request.url_for("public_track", receipt_code=code)),
    )


@router.get(
    "/certificates/{certificate_code}",
    response_model=VerificationOut,
    dependencies=[Depends(limit_lookup)],
)
def verify_certificate(
    certificate_code: str, request: Request, session: Session = Depends(public_session)
) -> VerificationOut:
    """Public, no login: a certificate, whether it verifies, and its unit's chain without
    personal data. The id is unguessable (80 random bits)."""
    key = trusted_key(request.app.state.settings)
    check, unit = custody.verify_certificate(
        session, certificate_code=certificate_code, public_key=key
    )
    return VerificationOut(
        certificate=certificate_out(request, check), unit=public_unit_out(request, unit)
    )


@router.get(
    "/certificates/{certificate_code}/pdf",
    name="certificate_pdf",
    response_class=Response,
    dependencies=[Depends(limit_lookup)],
    responses={200: {"content": {"application/pdf": {}}}},
)
def certificate_pdf(
    certificate_code: str, request: Request, session: Session = Depends(public_session)
) -> Response:
    """Public, no login: the certificate as PDF; its QR code opens the public page."""
    key = trusted_key(request.app.state.settings)
    check, unit = custody.verify_certificate(
        session, certificate_code=certificate_code, public_key=key
    )
    url = str(request.url_for("public_certificate", certificate_code=check.code))
    return Response(
        custody.certificate_pdf(check, unit, verify_url=url),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="certificate-{check.code}.pdf"'},
    )


@router.get(
    "/receipts/{receipt_code}",
    response_model=PublicUnitOut,
    dependencies=[Depends(limit_lookup)],
)
def track_receipt(
    receipt_code: str, request: Request, session: Session = Depends(public_session)
) -> PublicUnitOut:
    """Public, no login: "where did my item go?" by the household's receipt code (60 random
    bits): the chain without personal data, and its certificates."""
    key = trusted_key(request.app.state.settings)
    unit = custody.lookup_receipt(session, receipt_code=receipt_code, public_key=key)
    return public_unit_out(request, unit)
