"""Who is calling: a bearer token (scripts, other systems) or the browser session."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from zhaoshang.core.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer zs_…`, a token from `zhaoshang token` (only its hash is stored)."""

    def authenticate(self, request, token: str):
        return ApiToken.authenticate(token) if token else None


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with Django's CSRF check on unsafe methods.

    Unlike ninja's `SessionAuth`, a request without a signed-in user is simply not
    authenticated here (401 from the API), rather than failing the CSRF check first (403):
    an anonymous POST should hear "sign in", not "bad CSRF token".
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken "
                    "header, or use an API token."
                ),
            )
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return request.user if request.user.is_authenticated else None
