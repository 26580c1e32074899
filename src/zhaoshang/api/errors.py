"""Every error leaves the API as JSON in the caller's language.

- 401 `{"detail": "..."}` not signed in; 403 `{"detail": reason}` not allowed;
- 404 `{"detail": "..."}`; 409 `{"detail", "current_version"}` someone saved first;
- 400 `{"detail": "..."}` a body that is not JSON, or JSON holding a lone surrogate
  (``"\\ud800"``: valid JSON, but no Unicode text), naming where;
- 422 `{"detail": [{"field", "message"}]}` for the services' `InputError` and for request
  bodies or query strings that do not fit the schema, in the same shape;
- 428 `{"detail": "须提供version ..."}` an update without the `version` it was based on
  (the services' `VersionMissing`, an `InputError` with `status_code` 428).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser

from zhaoshang.core.errors import ConflictError, NotAllowed
from zhaoshang.core.middleware import answer_busy, is_busy_error

# Where ninja says the value came from, and our names for the view parameters holding
# a whole schema; neither is a field the caller knows.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
_PARAMS = {"payload", "filters"}


def field_of(loc: tuple | list, *, whole: bool = False) -> str:
    """`("body", "payload", "investors", 0)` -> `"investors"`; `("body", "payload")` -> `"body"`.
    With `whole`, the dotted path of names (`"rows.P-1.bogus"`), for a key nested deeper."""
    parts = list(loc)
    source = str(parts[0]) if parts and parts[0] in _SOURCES else ""
    if source:
        parts = parts[1:]
    if parts and parts[0] in _PARAMS:
        parts = parts[1:]
    names = [str(p) for p in parts if isinstance(p, str)]
    if whole and names:
        return ".".join(names)
    return names[0] if names else (source or "body")


def schema_message(error: dict[str, Any], field: str) -> str:
    """A pydantic error as a sentence in the request's language; pydantic's own as a fallback."""
    kind = str(error.get("type", ""))
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("unknown field “%(value)s”") % {"value": field.rsplit(".", 1)[-1]}
    if kind in {"literal_error", "enum"}:
        return _("“%(value)s” is not one of %(choices)s") % {
            "value": value,
            "choices": ctx.get("expected", ""),
        }
    if kind.startswith(("date_", "datetime_")):
        return _("“%(value)s” is not a date (write it as 2023-03-15)") % {"value": value}
    if kind.startswith(("int_", "float_", "decimal_")):
        return _("“%(value)s” is not a number") % {"value": value}
    if kind.startswith("bool_"):
        return _("“%(value)s” is neither yes nor no") % {"value": value}
    if kind in {"greater_than_equal", "greater_than"}:
        return _("must be at least %(limit)s") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("must be at most %(limit)s") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind == "string_type":
        return _("must be text")
    if kind == "list_type":
        return _("must be a list")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("must be a JSON object")
    if kind == "json_invalid":
        return _("The request body is not valid JSON.")
    return str(error.get("msg", kind))


_SURROGATE = re.compile("[\ud800-\udfff]")


class LoneSurrogate(ValueError):
    """A JSON string with a ``\\uD800``-``\\uDFFF`` escape that is not half of a pair: valid
    JSON, but not text; no database, encoder or converter can take it."""

    def __init__(self, where: str, char: str):
        super().__init__(where)
        self.where = where
        self.char = char


def _refuse_surrogates(value: Any, where: str) -> None:
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found is not None:
            raise LoneSurrogate(where or "body", f"U+{ord(found.group()):04X}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_surrogates(key, where)
            _refuse_surrogates(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_surrogates(item, f"{where}[{index}]")


class TextParser(Parser):
    """ninja's JSON parser, refusing a body whose strings are not all Unicode text."""

    def parse_body(self, request):
        data = json.loads(request.body)
        _refuse_surrogates(data, "")
        return data


class API(NinjaAPI):
    """ninja drops the rejected value from schema errors; keep it so messages can name it."""

    def validation_error_from_error_contexts(self, error_contexts):
        errors = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                errors.append({**error, "loc": (model.__ninja_param_source__, *loc)})
        return SchemaValidationError(errors)


def install_busy(api: NinjaAPI) -> None:
    """503 `{"detail"}` with Retry-After when the database is too busy to take the request.

    A lock held past the busy timeout (SQLite) or the lock timeout (PostgreSQL) is not the
    caller's fault and goes away: try again. Other database errors stay 500s.
    """

    @api.exception_handler(OperationalError)
    def busy(request, exc):
        if not is_busy_error(exc):
            raise exc
        return answer_busy(request, exc)


def install(api: NinjaAPI) -> None:
    install_busy(api)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(
            request,
            {"detail": _("Sign in, or send an API token as “Authorization: Bearer <token>”.")},
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc.__cause__, LoneSurrogate):
            message = _(
                "The request body holds a lone surrogate (%(char)s) in “%(where)s”: it is "
                "valid JSON but not text; send the character itself or a surrogate pair"
            ) % {"char": exc.__cause__.char, "where": exc.__cause__.where}
        elif exc.status_code == 400 and exc.__cause__ is not None:
            # ninja could not parse the body (it chains the parser's exception).
            message = _("The request body is not valid JSON.")
        else:
            message = str(exc)
        return api.create_response(request, {"detail": message}, status=exc.status_code)

    @api.exception_handler(NotAllowed)
    def not_allowed(request, exc):
        return api.create_response(request, {"detail": str(exc)}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(ConflictError)
    def conflict(request, exc):
        return api.create_response(
            request,
            {"detail": str(exc), "current_version": exc.current_version},
            status=409,
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_input(request, exc):
        # InputError is a ValidationError; a bare one from a model's full_clean too.
        if getattr(exc, "status_code", 422) == 428:  # VersionMissing: a precondition
            return api.create_response(
                request, {"detail": " ".join(str(m) for m in exc.messages)}, status=428
            )
        if hasattr(exc, "error_dict"):
            items = [
                {"field": field, "message": str(message)}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            items = [{"field": "__all__", "message": str(m)} for m in exc.messages]
        return api.create_response(request, {"detail": items}, status=422)

    @api.exception_handler(SchemaValidationError)
    def invalid_schema(request, exc):
        items = []
        for error in exc.errors:
            # an unknown key is named where it was sent (rows.<code>.bogus), not by its parent
            whole = error.get("type") == "extra_forbidden"
            field = field_of(error.get("loc", ()), whole=whole)
            items.append({"field": field, "message": schema_message(error, field)})
        return api.create_response(request, {"detail": items}, status=422)
