"""Read-only reports composed from each domain's public queries."""

from ewaste.analytics.reports import CategoryLine, Overview, overview, overview_for

__all__ = ["CategoryLine", "Overview", "overview", "overview_for"]
