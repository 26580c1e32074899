"""Errors that services raise for the faces (pages, API, CLI) to show to a person."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class InputError(ValidationError):
    """Bad input, field by field: `{"total_investment": ["无法识别的金额：“abc”"]}`.

    Services raise it before writing anything; the faces show each message beside
    its field (422 in the API, the form field on a page, `row/field/value` in the CLI).
    """

    def __init__(self, errors: dict[str, list[str] | str]):
        super().__init__({k: v if isinstance(v, list) else [v] for k, v in errors.items()})

    @property
    def fields(self) -> dict[str, list[str]]:
        return {k: [str(m) for m in v] for k, v in self.message_dict.items()}


class ConflictError(Exception):
    """Someone else saved the object after the editor loaded it."""

    def __init__(self, message: str, *, current_version: int):
        super().__init__(message)
        self.current_version = current_version


class NotAllowed(Exception):
    """The user may not do this; the message says why."""
