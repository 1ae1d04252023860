"""The demo city (Shenzhen) and its simulated day, driven through the real services."""

from ewaste.demo.city import DEMO_PASSWORD, City, build_city
from ewaste.demo.day import DaySummary, simulate_day

__all__ = ["DEMO_PASSWORD", "City", "DaySummary", "build_city", "simulate_day"]
