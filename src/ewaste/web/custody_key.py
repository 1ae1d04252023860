"""The custody public key the web verifies checkpoints and certificates with.

The web signs nothing: certificates are signed by the worker (docs/adr/0016), so a web
process needs only `EWASTE_CUSTODY_PUBLIC_KEY` (or, in development, derives the public key
from the signing key's setting).
"""

from __future__ import annotations

from functools import cache

from ewaste import custody
from ewaste.config import Settings


@cache
def _trusted(public: str, signing: str, env: str) -> custody.PublicKey:
    return custody.trusted_key(public, signing, env=env)


def trusted_key(settings: Settings) -> custody.PublicKey:
    """The custody public key for these settings (loaded once per process)."""
    return _trusted(settings.custody_public_key, settings.custody_signing_key, settings.env)
