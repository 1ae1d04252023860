"""Read-only reports composed from each domain's public queries."""

from ewaste.analytics.reports import Overview, overview

__all__ = ["Overview", "overview"]
