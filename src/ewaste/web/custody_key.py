"""The custody public key the web verifies checkpoints and certificates with.

The web signs nothing: certificates are signed by the worker (docs/adr/0016), so a web
process needs only `EWASTE_CUSTODY_PUBLIC_KEY` (or, in development, derives the public key
from the signing key's setting).
"""

from __future__ import annotations

import logging
from functools import cache

from ewaste import custody
from ewaste.config import Settings

logger = logging.getLogger(__name__)


@cache
def _trusted(public: str, signing: str, env: str) -> custody.PublicKey:
    return custody.trusted_key(public, signing, env=env)


def trusted_key(settings: Settings) -> custody.PublicKey:
    """The custody public key for these settings (loaded once per process)."""
    return _trusted(settings.custody_public_key, settings.custody_signing_key, settings.env)


def check_web_keys(settings: Settings) -> None:
    """At start-up, so that a mistake stops the web at once rather than fail each page: the
    public key must parse; in production the web must be given it. Warns when a production
    web is also given the signing key, which it does not need. Raises InvalidSigningKey."""
    if settings.env == "production":
        if not settings.custody_public_key.strip():
            raise custody.InvalidSigningKey(
                "EWASTE_CUSTODY_PUBLIC_KEY must be set for the web in production (the output "
                "of `ewaste custody public-key` on the worker's host)"
            )
        if settings.custody_signing_key.strip():
            logger.warning(
                "EWASTE_CUSTODY_SIGNING_KEY is set for the web: it signs nothing, so leave the "
                "private key to the worker (docs/adr/0016)"
            )
    trusted_key(settings)
