"""Health check, user management for the city administrator, and sign-in throttling.

Sign-in throttling is django-axes with our pieces plugged in through settings (`AXES_*`):
a failed sign-in is counted per account and per address, each against its own limit
(`LoginAttempts`); the address is the client's, believed from `X-Forwarded-For` only when
the request comes from `TRUSTED_PROXY` (`client_address`); a locked-out sign-in gets a page
or JSON saying how long to wait (`locked_out`, status 429). The administrator unlocks in the
admin (Axes → Access attempts: delete the rows) or with `zhaoshang axes_reset_username NAME`.
"""

from __future__ import annotations

import ipaddress
import logging
import re

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from zhaoshang.core.access import role_of
from zhaoshang.core.history import record
from zhaoshang.core.middleware import is_busy_error, mark_logged, one_line, wants_json
from zhaoshang.core.models import ChangeAction, Role, UserProfile
from zhaoshang.regions.models import Level, Region

log = logging.getLogger("zhaoshang.login")


@never_cache
def healthz(request):
    """200 when the server answers and the database does; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means not ready
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok"})


# --------------------------------------------------------------------------- users


def _check_admin(user) -> None:
    if role_of(user) != Role.CITY_ADMIN:
        raise PermissionDenied(_("Only the city administrator manages users."))


def _units() -> list[Region]:
    """The units a user may be attached to: the home region's township units, and in a
    prefecture city or province also its counties (and cities), whose staff are confined
    to them (`core.access.region_of`)."""
    from zhaoshang.regions import home

    return [*home.regions_within(), *home.township_units()]


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    display_name = forms.CharField(
        label=gettext_lazy("Name and office"), max_length=150, required=False
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    unit = forms.ChoiceField(
        label=gettext_lazy("Unit"),
        required=False,
        help_text=gettext_lazy(
            "Needed for town/park editors: the unit whose projects they edit. In a prefecture "
            "city or a province, a county (or city) confines its other staff to it."
        ),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Active (may sign in)"), required=False, initial=True
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Leave empty to keep the current password."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].choices = [("", "—")] + [(u.code, str(u)) for u in _units()]
        if user is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
        else:
            self.fields["username"].disabled = True

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        User = get_user_model()
        clash = User.objects.filter(username=name)
        if self.user is not None:
            clash = clash.exclude(pk=self.user.pk)
        if clash.exists():
            raise ValidationError(_("The user name “%(value)s” is taken.") % {"value": name})
        return name

    def clean(self):
        data = super().clean()
        unit = Region.objects.filter(code=data.get("unit") or "").first()
        if data.get("role") == Role.TOWN_EDITOR:
            if unit is None or unit.level != Level.TOWNSHIP:
                self.add_error("unit", _("A town/park editor needs a township unit."))
        elif unit is not None and unit.level == Level.TOWNSHIP:
            # a county's staff is attached to its county; a township unit means nothing here
            data["unit"] = ""
        password = data.get("password")
        if password:
            candidate = self.user or get_user_model()(username=data.get("username", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


@login_required
def user_list(request):
    _check_admin(request.user)
    users = (
        get_user_model()
        .objects.select_related("profile", "profile__unit")
        .order_by("-is_active", "username")
    )
    return render(request, "core/users.html", {"users": users})


@transaction.atomic
def _save_user(form: UserForm, *, by, user=None):
    """Create or change a user and their profile; the change history keeps who did it."""
    data = form.cleaned_data
    User = get_user_model()
    creating = user is None
    if creating:
        user = User(username=data["username"])
    before = {}
    if not creating:
        profile = getattr(user, "profile", None)
        before = {
            "role": profile.role if profile else None,
            "unit": profile.unit_id if profile else None,
            "is_active": user.is_active,
        }
    user.first_name = data["display_name"][:150]
    user.is_active = data["is_active"]
    user.is_staff = user.is_superuser = data["role"] == Role.CITY_ADMIN
    if data["password"]:
        user.set_password(data["password"])
    user.save()
    UserProfile.objects.update_or_create(
        user=user, defaults={"role": data["role"], "unit_id": data["unit"] or None}
    )
    after = {"role": data["role"], "unit": data["unit"] or None, "is_active": user.is_active}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if data["password"] and not creating:
        changes["password"] = ["***", "***"]
    if changes:
        record(
            user,
            user=by,
            action=ChangeAction.CREATE if creating else ChangeAction.UPDATE,
            changes=changes,
        )
    return user


@login_required
def user_create(request):
    _check_admin(request.user)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save_user(form, by=request.user)
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        return redirect("users")
    return render(request, "core/user_form.html", {"form": form, "edited": None})


@login_required
def user_edit(request, pk: int):
    _check_admin(request.user)
    user = get_user_model().objects.select_related("profile").filter(pk=pk).first()
    if user is None:
        raise Http404(_("No such user."))
    profile = getattr(user, "profile", None)
    initial = {
        "username": user.username,
        "display_name": user.first_name,
        "role": profile.role if profile else Role.LEADER,
        "unit": profile.unit_id if profile and profile.unit_id else "",
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if user.pk == request.user.pk and (
            form.cleaned_data["role"] != Role.CITY_ADMIN or not form.cleaned_data["is_active"]
        ):
            form.add_error(
                None, _("You cannot take away your own administrator role or deactivate yourself.")
            )
        else:
            _save_user(form, by=request.user, user=user)
            messages.success(request, _("User %(name)s saved.") % {"name": user.username})
            return redirect("users")
    return render(request, "core/user_form.html", {"form": form, "edited": user})


# --------------------------------------------------------------------------- sign-in throttling


class LoginThrottleBackend(AxesStandaloneBackend):
    """axes' check "is this account or address locked out?", run before the password is tried.

    A sign-in over the network always carries its request (our login page, the admin's).
    A call without one comes from code on the server itself — a shell, or the test client's
    `login()` — with no address to count: it is not throttled, where axes' own backend
    would raise.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginAttempts(AxesDatabaseHandler):
    """axes' database handler with a limit per account and a larger one per address.

    axes compares `get_failures()` with one limit, `AXES_FAILURE_LIMIT` (the account's). Here
    each lockout parameter is counted against its own limit, and `get_failures()` says how
    many of the account's tries are used up by the parameter closest to its limit: with
    limits 5 (account) and 20 (address), 19 failures from one address leave one try, so it
    returns 4.
    """

    def get_failures(self, request, credentials=None) -> int:
        account_limit = settings.AXES_FAILURE_LIMIT
        threshold = get_cool_off_threshold(request)
        username = get_client_username(request, credentials)
        groups = get_client_parameters(
            username, request.axes_ip_address, request.axes_user_agent, request, credentials
        )
        remaining = account_limit
        for group in groups:
            by_address_only = set(group) == {"ip_address"}
            limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS if by_address_only else account_limit
            failures = (
                AccessAttempt.objects.filter(attempt_time__gte=threshold, **group).aggregate(
                    n=Sum("failures_since_start")
                )["n"]
                or 0
            )
            remaining = min(remaining, limit - failures)
        return account_limit - remaining

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in, forget this account's failures from this address only.

        axes would delete every row matching any lockout parameter, the address's rows for
        other accounts included: signing in to one's own account would then wipe the count
        of guesses at someone else's from the same address.
        """
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count

    def user_logged_in(self, sender, request, user, **kwargs):
        """Tidy up after a sign-in; a busy database skips the tidying, not the sign-in.

        With no failures stored at all (the usual case) there is nothing to clean or reset:
        one small query instead of axes' three and a savepoint.
        """
        try:
            if not AccessAttempt.objects.exists():
                return
            with transaction.atomic():
                super().user_logged_in(sender, request, user, **kwargs)
        except DatabaseError as exc:
            if not is_busy_error(exc):
                raise
            log.warning(
                "AXES: database busy, failures of %s not reset after sign-in (%s)",
                one_line(user.get_username()),
                one_line(exc, 200),
            )


def _trusted_proxies() -> set[str]:
    return {p for p in re.split(r"[\s,]+", settings.TRUSTED_PROXY or "") if p}


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or what a trusted proxy says in X-Forwarded-For.

    The header is believed only when the request comes from `TRUSTED_PROXY` ("*": any
    peer), and then its right-most entry that is not a listed proxy is the client (entries
    further left were written by the client itself and prove nothing).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _trusted_proxies()
    if remote is None or not proxies or ("*" not in proxies and remote not in proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop in proxies:
            continue
        return hop if _is_address(hop) else remote
    return remote


def lockout_parameters(request_or_attempt, credentials=None) -> list[str]:
    """Count failures per account and per address — unless the address tells no one apart.

    That is a loopback address (a reverse proxy on the same machine whose client addresses
    do not reach us, or the demo on one's own computer), or the trusted proxy's own address
    when it sent no X-Forwarded-For: every sign-in seems to come from there, and counting by
    it would lock everybody out together. Accounts are still counted.
    """
    if isinstance(request_or_attempt, HttpRequest):
        remote = request_or_attempt.META.get("REMOTE_ADDR")
        address = client_address(request_or_attempt)
        if (
            address is None
            or _is_loopback(address)
            or (address == remote and remote in _trusted_proxies())
        ):
            return ["username"]
    return ["username", "ip_address"]


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def locked_out(request, original_response=None, credentials=None):
    """The answer to a sign-in refused for too many failures: 429 with Retry-After.

    axes logs the failure that locks ("Locking out …"); a sign-in tried during the lock is
    logged here, one line each.
    """
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = max(1, -(-seconds // 60))
    username = get_client_username(request, credentials) or ""
    if getattr(request, "axes_failures_since_start", None) is None:
        log.warning(
            'AXES: Sign-in refused during lockout: {username: "%s", ip_address: "%s", '
            'path_info: "%s"}',
            one_line(username, 150),
            getattr(request, "axes_ip_address", None),
            one_line(request.path),
        )
    message = ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute, "
        "or ask an administrator to unlock the account.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes, "
        "or ask an administrator to unlock the account.",
        minutes,
    ) % {"minutes": minutes}
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request,
            "core/locked_out.html",
            {"message": message, "minutes": minutes, "username": username},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return mark_logged(response)
