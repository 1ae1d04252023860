"""Error families with stable machine-readable codes.

Concrete errors live in the module that raises them and subclass one family. The
web edge maps a family to an HTTP status (`web/errors.py`), the CLI prints
`error[<code>]: <message>` and exits 2. Errors carry no transport details.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """An anticipated failure a user can cause; carries a stable `code` and context."""

    code: ClassVar[str] = "domain_error"
    message: ClassVar[str] = "The request could not be carried out."

    def __init__(self, message: str | None = None, **context: Any) -> None:
        self.context: dict[str, Any] = context
        self.detail = message or self.message.format(**context)
        super().__init__(self.detail)


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""

    code = "not_found"
    message = "Not found."


class PermissionDenied(DomainError):
    """The actor is known but lacks the permission for this action."""

    code = "permission_denied"
    message = "You are not allowed to do this."


class Unauthenticated(DomainError):
    """No valid credentials were presented."""

    code = "unauthenticated"
    message = "Please log in."


class Conflict(DomainError):
    """The request is valid but the current state of the object forbids it."""

    code = "conflict"
    message = "The request conflicts with the current state."


class InvalidInput(DomainError):
    """The request itself is malformed or violates a rule on its values."""

    code = "invalid_input"
    message = "The input is not valid."


class TooManyRequests(DomainError):
    """The caller asked too often; it may try again after `retry_after_s` seconds."""

    code = "too_many_requests"
    message = "Too many requests; try again in {retry_after_s} seconds."


class IllegalTransition(Conflict):
    """A state machine was asked for a transition its table does not contain."""

    code = "illegal_transition"
    message = "Cannot {event} when the {entity} is {current}."
