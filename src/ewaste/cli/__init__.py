"""Command-line front door: the same services as the web, for operators and scripts."""
