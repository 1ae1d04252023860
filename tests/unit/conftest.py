"""Unit tests are pure: no database, no network, milliseconds each.

Hypothesis keeps no example database here, so a run leaves nothing behind in the
working tree; failing examples are printed with the failure instead.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("ewaste-unit", database=None, deadline=None)
settings.load_profile("ewaste-unit")
