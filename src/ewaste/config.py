"""Settings for every front door, read from the environment (prefix EWASTE_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "development-only-secret-change-me"  # noqa: S105 - a known placeholder


class Settings(BaseSettings):
    """Validated configuration; refuses the placeholder secret outside development and an
    insecure session cookie in production."""

    model_config = SettingsConfigDict(env_prefix="EWASTE_", env_file=None, extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{Path('var/ewaste.db')}")
    secret_key: str = PLACEHOLDER_SECRET
    session_cookie_secure: bool = False
    default_locale: Literal["zh_CN", "en"] = "zh_CN"
    default_region: str = Field(default="shenzhen", min_length=1, max_length=40)
    quote_valid_minutes: int = Field(default=24 * 60, ge=1)
    public_lookups_per_minute: int = Field(default=60, ge=1)
    """Public lookups (receipt codes, certificates) per client address and minute."""
    failed_logins_per_quarter_hour: int = Field(default=10, ge=1)
    """Failed logins per client address and username in 15 minutes, before a pause."""
    city_plan_seconds: float = Field(default=10.0, ge=1.0, le=120.0)
    """Search time of the city plan (staff page and worker; one core)."""
    city_plan_every_minutes: int = Field(default=30, ge=0, le=24 * 60)
    """The worker plans today's routes across collectors again this long after the last
    city plan (anyone's); 0: the worker never does."""
    platform_fee_basis_points: int = Field(default=200, ge=0, le=10_000)
    reception_weight_tolerance_basis_points: int = Field(default=300, ge=0, le=10_000)
    transport_fen_per_km: int = Field(default=800, ge=0, le=1_000_000)
    """What a lot's truck costs a kilometre, station to plant, when standing bids are
    weighed net of transport (fen)."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    """Web worker processes (one per core is a good start)."""
    database_threads: int = Field(default=8, ge=1, le=256)
    """Threads per web worker that run API calls' transactions (and database connections
    kept open per worker); docs/adr/0010."""
    custody_signing_key: str = ""
    """The Ed25519 key that signs custody checkpoints and certificates: a PEM file's path or
    the base64 of a 32-byte seed (docs/adr/0013). Only the worker signs, so only the
    worker needs it. Empty: the public development key, refused in production."""
    custody_public_key: str = ""
    """The public key (base64) that verifiers — the pages, the API, `custody verify` —
    trust; empty: the public half of the signing key. Set it for the web instead of the
    signing key (docs/adr/0016)."""

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env != "development" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError("EWASTE_SECRET_KEY must be set outside development")
        if len(self.secret_key) < 16:
            raise ValueError("EWASTE_SECRET_KEY must be at least 16 characters")
        if self.env == "production" and not self.session_cookie_secure:
            raise ValueError("EWASTE_SESSION_COOKIE_SECURE must be true in production")
        if self.env == "production" and not (
            self.custody_signing_key.strip() or self.custody_public_key.strip()
        ):
            raise ValueError(
                "EWASTE_CUSTODY_PUBLIC_KEY (web) or EWASTE_CUSTODY_SIGNING_KEY (worker) must "
                "be set in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        """True for the embedded default database."""
        return self.database_url.startswith("sqlite")
