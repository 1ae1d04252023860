"""Error families: stable codes, messages built from context, no transport details."""

from __future__ import annotations

import pytest

from ewaste.kernel.errors import (
    Conflict,
    DomainError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)


@pytest.mark.parametrize(
    ("family", "code"),
    [
        (DomainError, "domain_error"),
        (NotFound, "not_found"),
        (PermissionDenied, "permission_denied"),
        (Unauthenticated, "unauthenticated"),
        (Conflict, "conflict"),
        (InvalidInput, "invalid_input"),
        (IllegalTransition, "illegal_transition"),
    ],
)
def test_each_family_has_a_stable_code_and_a_default_message(
    family: type[DomainError], code: str
) -> None:
    error = (
        family()
        if family is not IllegalTransition
        else family(event="ship", entity="lot", current="listed")
    )
    assert error.code == code
    assert error.detail
    assert str(error) == error.detail
    assert isinstance(error, DomainError)


def test_the_message_is_formatted_from_the_context() -> None:
    error = IllegalTransition(event="ship", entity="lot", current="listed")
    assert error.detail == "Cannot ship when the lot is listed."
    assert error.context == {"event": "ship", "entity": "lot", "current": "listed"}


def test_an_explicit_message_wins_and_keeps_the_context() -> None:
    error = InvalidInput("A unit must weigh more than 0 g.", grams=0)
    assert error.detail == "A unit must weigh more than 0 g."
    assert error.context == {"grams": 0}


def test_an_illegal_transition_is_a_conflict() -> None:
    assert issubclass(IllegalTransition, Conflict)
