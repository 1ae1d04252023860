"""Settings refuse unsafe production configuration."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ewaste.config import PLACEHOLDER_SECRET, Settings


def test_development_defaults_to_sqlite_under_var() -> None:
    settings = Settings(env="development", database_url="sqlite:///var/ewaste.db")
    assert settings.is_sqlite


@pytest.mark.parametrize("env", ["test", "production"])
def test_the_placeholder_secret_is_refused_outside_development(env: str) -> None:
    with pytest.raises(ValidationError):
        Settings(env=env, secret_key=PLACEHOLDER_SECRET, session_cookie_secure=True)


def test_production_needs_a_secure_cookie() -> None:
    with pytest.raises(ValidationError):
        Settings(env="production", secret_key="x" * 40, session_cookie_secure=False)


def test_production_needs_a_custody_key() -> None:
    with pytest.raises(ValidationError, match="EWASTE_CUSTODY_PUBLIC_KEY"):
        Settings(env="production", secret_key="x" * 40, session_cookie_secure=True)


def test_production_with_a_real_secret_secure_cookie_and_signing_key_is_accepted() -> None:
    settings = Settings(
        env="production",
        secret_key="x" * 40,
        session_cookie_secure=True,
        custody_signing_key="/etc/ewaste/custody-ed25519.pem",
    )
    assert settings.session_cookie_secure


def test_a_production_web_needs_only_the_public_key() -> None:
    settings = Settings(
        env="production",
        secret_key="x" * 40,
        session_cookie_secure=True,
        custody_public_key="A" * 43 + "=",
    )
    assert settings.custody_signing_key == ""
