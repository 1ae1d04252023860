"""Small helpers for API tests: tokens and headers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import PASSWORD


def token(client: TestClient, username: str) -> dict[str, str]:
    """Authorization headers for `username` (password from the factories)."""
    answer = client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}
