"""Subsidy claim use cases: prepare a plant's claim for a period, read it, submit it,
decide on it, and gather each unit's custody chain for the export."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache

from sqlalchemy.orm import Session

from ewaste import custody
from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import AttributeValue
from ewaste.compliance import claim_rules, output_rules
from ewaste.compliance.access import access_claim, can_read_every_claim
from ewaste.compliance.check_queries import CheckView, check_views_for_units
from ewaste.compliance.claim_queries import ClaimSummary, ClaimView, claim_summaries, claim_view
from ewaste.compliance.claim_rules import ClaimAction, ClaimStatus, NothingToClaim
from ewaste.compliance.models import (
    SubsidyClaim,
    SubsidyClaimEvent,
    SubsidyClaimExclusion,
    SubsidyClaimLine,
)
from ewaste.compliance.repository import CheckRepository, ClaimRepository
from ewaste.identity import Actor, Permission
from ewaste.pricing.engine import SubsidyBand


@cache
def subsidy_bands() -> tuple[SubsidyBand, ...]:
    """The fund's bands of every schedule, from the catalogue's packaged data."""
    return tuple(
        SubsidyBand(b.category, b.condition, b.yuan_per_unit, b.valid_from, b.valid_to, b.source)
        for b in catalogue().subsidy_bands
    )


def _attributes(text: str) -> dict[str, AttributeValue]:
    try:
        loaded = json.loads(text or "{}")
    except ValueError:
        return {}
    return dict(loaded) if isinstance(loaded, dict) else {}


def _flag_detail(check: CheckView) -> str:
    return "; ".join(
        output_rules.describe(
            output_rules.Flag(
                output_rules.CheckReason(f.reason), f.fraction, f.expected_grams, f.actual_grams
            )
        )
        for f in check.flags
    )


def prepare_claim(session: Session, *, actor: Actor, period: str, now: datetime) -> ClaimView:
    """Claim every unclaimed unit the actor's plant dismantled in `period` (China time).

    Each unit is at the rate of the band in force on its dismantling date; units
    without a band (category, size or type outside the schedule, or attributes not
    recorded) are listed as exclusions and stay claimable later, and so are units whose
    dismantling outputs were flagged and not yet cleared by a regulator (an upheld flag
    keeps the unit out for good; ADR 0019); a period with no claimable unit is
    NothingToClaim. Raises
    MissingPermission, InvalidPeriod, NothingToClaim, UnitAlreadyClaimed (a claim
    prepared at the same time took a unit first: nothing is stored, prepare again).
    """
    actor.require(Permission.PLANT_UNIT_DISMANTLE)
    parsed = claim_rules.parse_period(period)
    repo = ClaimRepository(session)
    records = repo.unclaimed_records(actor.organisation_id, *parsed.bounds_utc())
    if not records:
        raise NothingToClaim(period=parsed.label, excluded=0)
    categories = {
        u.id: u.category_code for u in custody.units_by_ids(session, [r.unit_id for r in records])
    }
    bands = subsidy_bands()
    checks = CheckRepository(session).statuses([r.id for r in records])
    held = {
        r.unit_code: claim_rules.check_exclusion(checks[r.id][0])
        for r in records
        if r.id in checks and claim_rules.check_exclusion(checks[r.id][0]) is not None
    }
    reasons = check_views_for_units(session, sorted(held))
    lines: list[SubsidyClaimLine] = []
    exclusions: list[SubsidyClaimExclusion] = []
    for record in records:
        category = categories[record.unit_id]
        on = claim_rules.china_date(record.dismantled_at)
        if (held_by := held.get(record.unit_code)) is not None:
            exclusions.append(
                SubsidyClaimExclusion(
                    unit_id=record.unit_id,
                    unit_code=record.unit_code,
                    category=category,
                    dismantled_on=on,
                    reason=held_by.value,
                    detail=_flag_detail(reasons[record.unit_code])[:200],
                )
            )
            continue
        decision = claim_rules.rate_on(category, _attributes(record.attributes_json), on, bands)
        if decision.rate_fen is None or decision.valid_from is None:
            exclusions.append(
                SubsidyClaimExclusion(
                    unit_id=record.unit_id,
                    unit_code=record.unit_code,
                    category=category,
                    dismantled_on=on,
                    reason=(decision.exclusion or claim_rules.Exclusion.NO_SCHEDULE).value,
                    detail=decision.detail[:200],
                )
            )
            continue
        lines.append(
            SubsidyClaimLine(
                unit_id=record.unit_id,
                record_id=record.id,
                unit_code=record.unit_code,
                category=category,
                dismantled_on=on,
                schedule_from=decision.valid_from,
                condition=decision.detail[:120],
                rate_fen=decision.rate_fen,
                source=decision.source,
            )
        )
    if not lines:
        raise NothingToClaim(period=parsed.label, excluded=len(exclusions))
    claim = SubsidyClaim(
        plant_id=actor.organisation_id,
        period=parsed.label,
        period_start=parsed.start,
        period_end=parsed.end,
        status=ClaimStatus.DRAFT.value,
        total_fen=claim_rules.claim_total_fen([line.rate_fen for line in lines]),
        prepared_at=now,
        prepared_by=actor.user_id,
    )
    event = SubsidyClaimEvent(
        from_status=None, to_status=ClaimStatus.DRAFT.value, at=now, by_user=actor.user_id
    )
    repo.add(claim, lines, exclusions, event)
    return claim_view(session, claim)


def get_claim(session: Session, *, actor: Actor, claim_id: int) -> ClaimView:
    """A claim the actor may see; ClaimNotFound otherwise."""
    return claim_view(session, access_claim(session, actor=actor, claim_id=claim_id))


def list_claims(session: Session, *, actor: Actor) -> Sequence[ClaimSummary]:
    """Every claim for auditors; the plant's own for a plant; MissingPermission otherwise."""
    if can_read_every_claim(actor):
        return claim_summaries(session, plant_id=None)
    actor.require(Permission.PLANT_UNIT_DISMANTLE)
    return claim_summaries(session, plant_id=actor.organisation_id)


def _move(
    session: Session,
    *,
    actor: Actor,
    claim_id: int,
    action: ClaimAction,
    now: datetime,
    note: str = "",
) -> ClaimView:
    claim = access_claim(session, actor=actor, claim_id=claim_id, for_update=True)
    current = ClaimStatus(claim.status)
    claim.apply(action)
    ClaimRepository(session).record_event(
        SubsidyClaimEvent(
            claim_id=claim.id,
            from_status=current.value,
            to_status=claim.status,
            at=now,
            by_user=actor.user_id,
            note=note[:200],
        )
    )
    return claim_view(session, claim)


def submit_claim(session: Session, *, actor: Actor, claim_id: int, now: datetime) -> ClaimView:
    """The plant submits its draft claim to the fund. Raises MissingPermission,
    ClaimNotFound, IllegalClaimTransition."""
    actor.require(Permission.PLANT_UNIT_DISMANTLE)
    return _move(session, actor=actor, claim_id=claim_id, action=ClaimAction.SUBMIT, now=now)


def decide_claim(
    session: Session, *, actor: Actor, claim_id: int, approve: bool, note: str, now: datetime
) -> ClaimView:
    """A regulator (`audit:claim:decide`) approves or rejects a submitted claim.
    Raises MissingPermission, ClaimNotFound, IllegalClaimTransition."""
    actor.require(Permission.AUDIT_CLAIM_DECIDE)
    action = ClaimAction.APPROVE if approve else ClaimAction.REJECT
    return _move(session, actor=actor, claim_id=claim_id, action=action, now=now, note=note)


def claim_chains(
    session: Session, *, actor: Actor, claim: ClaimView
) -> Mapping[str, custody.UnitTrace]:
    """The custody chain of each claimed unit, through the custody package's own access."""
    return {
        line.unit_code: custody.trace_unit(session, actor=actor, unit_code=line.unit_code)
        for line in claim.lines
    }
