"""Exchange a username and password for a bearer token; who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from ewaste import identity
from ewaste.web.context import RequestContext, api_context, clock, public_session
from ewaste.web.throttle import login_key, login_throttle

router = APIRouter(tags=["identity"])


class TokenIn(BaseModel):
    """Login for an API token."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=200)
    label: str = Field(default="", max_length=100)


class TokenOut(BaseModel):
    """A bearer token, shown once."""

    token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    role: str
    organisation_id: int


class MeOut(BaseModel):
    """The authenticated actor."""

    user_id: int
    username: str
    organisation_id: int
    role: str
    permissions: list[str]


@router.post("/auth/token", response_model=TokenOut, status_code=201)
def create_token(
    body: TokenIn, request: Request, session: Session = Depends(public_session)
) -> TokenOut:
    """Log in with a username and password and receive an API token."""
    throttle, key = login_throttle(request), login_key(request, body.username)
    throttle.check(key)
    try:
        actor = identity.authenticate(session, username=body.username, password=body.password)
    except identity.BadCredentials:
        throttle.spend(key)
        raise
    token = identity.issue_api_token(
        session, actor=actor, now=clock(request).now(), label=body.label
    )
    return TokenOut(token=token, role=actor.role.value, organisation_id=actor.organisation_id)


@router.get("/me", response_model=MeOut)
def me(ctx: RequestContext = Depends(api_context, scope="function")) -> MeOut:
    """Who the token belongs to and what it may do."""
    return MeOut(
        user_id=ctx.actor.user_id,
        username=ctx.actor.username,
        organisation_id=ctx.actor.organisation_id,
        role=ctx.actor.role.value,
        permissions=sorted(p.value for p in ctx.actor.permissions),
    )
