"""Shared value objects and bases; depends on nothing but the standard library."""
