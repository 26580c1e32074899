"""Health check, and user management for the city administrator (users, roles, units)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from zhaoshang.core.access import role_of
from zhaoshang.core.history import record
from zhaoshang.core.models import ChangeAction, Role, UserProfile
from zhaoshang.regions.models import Region


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


def _units():
    return Region.objects.townships_of(settings.ZHAOSHANG_HOME_COUNTY).order_by("code")


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    display_name = forms.CharField(
        label=gettext_lazy("Name and office"), max_length=150, required=False
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    unit = forms.ChoiceField(
        label=gettext_lazy("Township unit"),
        required=False,
        help_text=gettext_lazy("Needed for town/park editors: the unit whose projects they edit."),
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
        if data.get("role") == Role.TOWN_EDITOR and not data.get("unit"):
            self.add_error("unit", _("A town/park editor needs a township unit."))
        if data.get("role") != Role.TOWN_EDITOR:
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
