"""Enterprise registry pages: list, detail with the group's projects here, create and edit.
Thin: rights from `access`, writes through `services`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.cockpit.panels import panels_for
from zhaoshang.core.access import role_of
from zhaoshang.core.errors import InputError, NotAllowed
from zhaoshang.core.models import Role
from zhaoshang.core.names import Lookup
from zhaoshang.enterprises import services
from zhaoshang.enterprises.access import enterprises_visible_to
from zhaoshang.enterprises.models import AliasKind, Enterprise, EnterpriseAlias, SizeBand
from zhaoshang.projects.access import projects_visible_to
from zhaoshang.projects.models import ProjectInvestor, StageDate
from zhaoshang.projects.queries import left_out, phase_label, phase_note

PAGE_SIZE = 50
FLAGS = {
    "fortune500": ("is_fortune500", gettext_lazy("Fortune Global 500")),
    "listed": ("is_listed", gettext_lazy("listed")),
    "specialised": ("is_specialised", gettext_lazy("specialised and innovative")),
    "high_tech": ("is_high_tech", gettext_lazy("high-tech enterprise")),
}


def _may_edit(user) -> bool:
    return role_of(user) not in (None, Role.LEADER)


@login_required
def enterprise_list(request):
    qs = enterprises_visible_to(request.user)
    q = " ".join(request.GET.get("q", "").split())
    origin = request.GET.get("origin", "")
    flag = request.GET.get("flag", "")
    synthetic = request.GET.get("synthetic", "")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(credit_code=q.upper())
            | Q(pk__in=EnterpriseAlias.objects.filter(alias__icontains=q).values("enterprise_id"))
        )
    if origin == "foreign":
        qs = qs.exclude(country="CN")
    elif origin == "domestic":
        qs = qs.filter(country="CN")
    if flag in FLAGS:
        qs = qs.filter(**{FLAGS[flag][0]: True})
    if synthetic in ("real", "synthetic"):
        qs = qs.filter(is_synthetic=synthetic == "synthetic")
    paginator = Paginator(qs.select_related("parent").order_by("name", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page)
    # the projects of the rows on this page only: one grouped query, whatever the page size
    stats = _project_totals(projects_visible_to(request.user), [e.pk for e in rows])
    aliases: dict[int, list[str]] = {}
    for enterprise_id, alias in EnterpriseAlias.objects.filter(
        enterprise_id__in=[e.pk for e in rows]
    ).values_list("enterprise_id", "alias"):
        aliases.setdefault(enterprise_id, []).append(alias)
    items = [(e, stats.get(e.pk, {}), aliases.get(e.pk, [])) for e in rows]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/list.html",
        {
            "page": page,
            "items": items,
            "q": q,
            "origin": origin,
            "flag": flag,
            "synthetic": synthetic,
            "flags": [(k, label) for k, (_f, label) in FLAGS.items()],
            "base_query": query.urlencode(),
            "can_edit": _may_edit(request.user),
        },
    )


def _project_totals(projects, enterprise_ids: list[int]) -> dict[int, dict]:
    """Per enterprise of `enterprise_ids`: its projects among `projects` (`n`), their total
    investment counting each investment once (`total`: a phase whose parent is also its
    project is left out, the ledger's rule), and the phases so left out (`phases`,
    `phases_total`). One query for a page of rows, joined from the page's enterprises to
    their projects (`project__in=<visible projects>` made SQLite walk all 10^5 projects)."""
    by_enterprise: dict[int, dict[int, tuple]] = defaultdict(dict)
    for enterprise_id, project_id, parent_id, amount in (
        projects.filter(investor_links__enterprise_id__in=enterprise_ids)
        .order_by()
        .values_list("investor_links__enterprise_id", "pk", "parent_id", "total_investment_wan")
    ):
        by_enterprise[enterprise_id][project_id] = (parent_id, amount)
    out = {}
    for enterprise_id, linked in by_enterprise.items():
        phases = left_out({pk: parent for pk, (parent, _a) in linked.items()})
        amounts = [(pk, a) for pk, (_p, a) in linked.items() if a is not None]
        out[enterprise_id] = {
            "n": len(linked),
            "total": sum((a for pk, a in amounts if pk not in phases), Decimal(0))
            if amounts
            else None,
            "phases": len(phases),
            "phases_total": sum((a for pk, a in amounts if pk in phases), Decimal(0)),
        }
    return out


def _group_of(enterprise: Enterprise) -> tuple[Enterprise, list[Enterprise]]:
    """The ultimate parent and every enterprise under it (one query per level)."""
    top = enterprise.ultimate_parent
    members, level, seen = [top], [top.pk], {top.pk}
    while level:
        children = [e for e in Enterprise.objects.filter(parent_id__in=level) if e.pk not in seen]
        seen.update(e.pk for e in children)
        members += children
        level = [e.pk for e in children]
    return top, members


def _cadence(dates: list[datetime.date]) -> dict | None:
    """Average months between consecutive signings: 采埃孚 signs here every ~15 months."""
    dates = sorted(dates)
    if len(dates) < 2:
        return None
    months = (dates[-1] - dates[0]).days / 30.4375 / (len(dates) - 1)
    return {"first": dates[0], "last": dates[-1], "n": len(dates), "months": round(months, 1)}


@login_required
def enterprise_detail(request, pk: int):
    enterprise = (
        enterprises_visible_to(request.user)
        .select_related("parent", "industry", "region")
        .prefetch_related("aliases", "subsidiaries", "sources", "contacts")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404(_("No enterprise with id %(id)s.") % {"id": pk})
    top, group = _group_of(enterprise)
    group_ids = [e.pk for e in group]
    links = list(
        ProjectInvestor.objects.filter(
            enterprise_id__in=group_ids,
            # the visible projects among the group's own: a subquery over all 10^5
            # projects would make SQLite start from the projects
            project__in=projects_visible_to(request.user).filter(
                investor_links__enterprise_id__in=group_ids
            ),
        )
        .select_related("project__unit", "project__industry", "enterprise")
        .order_by("project__code")
    )
    own = [link for link in links if link.enterprise_id == enterprise.pk]
    group_links = [link for link in links if link.enterprise_id != enterprise.pk]
    project_ids = {link.project_id for link in links}
    signed = dict(
        StageDate.objects.filter(
            project_id__in=project_ids, stage="signed", actual_on__isnull=False
        ).values_list("project_id", "actual_on")
    )
    for link in links:
        link.signed_on = signed.get(link.project_id)
    # each project once, however many group members invest in it; each investment once
    projects = {link.project_id: link.project for link in links}
    phases = left_out({pk: p.parent_id for pk, p in projects.items()})
    total = sum(
        (p.total_investment_wan or Decimal(0)) for pk, p in projects.items() if pk not in phases
    )
    phase_labels = [
        phase_label(projects[pk]) for pk in sorted(phases, key=lambda k: projects[k].code)
    ]
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "place": Lookup().place_name(enterprise.region_id),  # 深圳市南山区, not 南山区
            "top": top,
            "group": group,
            "own": own,
            "group_links": group_links,
            "group_count": len(project_ids),
            "group_total": total,
            "group_phase_note": phase_note(len(phases), labels=phase_labels),
            "cadence": _cadence(list(signed.values())),
            "can_edit": _may_edit(request.user),
            "panels": panels_for("enterprise", request, enterprise=enterprise),
        },
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    aliases = forms.CharField(
        label=gettext_lazy("Aliases"),
        required=False,
        help_text=gettext_lazy("Short, English or former names, separated by ; (采埃孚; ZF)"),
    )
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("18 characters with a check character (GB 32100-2015)"),
    )
    country = forms.CharField(
        label=gettext_lazy("Country"),
        max_length=20,
        initial="CN",
        help_text=gettext_lazy("ISO 3166 code, e.g. CN, DE, US"),
    )
    parent = forms.CharField(
        label=gettext_lazy("Parent group"),
        required=False,
        help_text=gettext_lazy("Name, alias or credit code of an enterprise in the registry"),
    )
    industry = forms.CharField(
        label=gettext_lazy("Industry code"), required=False, help_text="GB/T 4754-2017"
    )
    region = forms.CharField(
        label=gettext_lazy("Location"),
        required=False,
        help_text=gettext_lazy("A township unit, or a place elsewhere (深圳市南山区, 上海)"),
    )
    size_band = forms.ChoiceField(
        label=gettext_lazy("Size band"),
        required=False,
        choices=[("", "—"), *SizeBand.choices],
    )
    is_fortune500 = forms.BooleanField(label=gettext_lazy("Fortune Global 500"), required=False)
    is_listed = forms.BooleanField(label=gettext_lazy("listed"), required=False)
    stock_code = forms.CharField(label=gettext_lazy("Exchange and stock code"), required=False)
    is_specialised = forms.BooleanField(
        label=gettext_lazy("specialised and innovative (专精特新)"), required=False
    )
    is_high_tech = forms.BooleanField(
        label=gettext_lazy("high-tech enterprise (高新技术企业)"), required=False
    )
    website = forms.CharField(label=gettext_lazy("Website"), required=False)
    business_scope = forms.CharField(
        label=gettext_lazy("Business scope"), required=False, widget=forms.Textarea({"rows": 3})
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea({"rows": 2})
    )

    @staticmethod
    def initial_for(e: Enterprise) -> dict:
        return {
            "name": e.name,
            "aliases": "; ".join(a.alias for a in e.aliases.all()),
            "credit_code": e.credit_code,
            "country": e.country,
            "parent": e.parent.name if e.parent_id else "",
            "industry": e.industry_id or "",
            "region": Lookup().place_name(e.region_id) if e.region_id else "",
            "size_band": e.size_band,
            "is_fortune500": e.is_fortune500,
            "is_listed": e.is_listed,
            "stock_code": e.stock_code,
            "is_specialised": e.is_specialised,
            "is_high_tech": e.is_high_tech,
            "website": e.website,
            "business_scope": e.business_scope,
            "note": e.note,
        }

    def service_data(self, enterprise: Enterprise | None) -> dict:
        data = dict(self.cleaned_data)
        names = self.changed_data if enterprise is not None else list(data)
        out = {k: data[k] for k in names if k in data}
        if "aliases" in out:
            kinds = {a.alias: a.kind for a in enterprise.aliases.all()} if enterprise else {}
            out["aliases"] = [
                (
                    alias,
                    kinds.get(alias) or (AliasKind.ENGLISH if alias.isascii() else AliasKind.SHORT),
                )
                for alias in (a.strip() for a in out["aliases"].replace("；", ";").split(";"))
                if alias
            ]
        return out

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


def _save(request, enterprise: Enterprise | None):
    if not _may_edit(request.user):
        raise PermissionDenied(_("Leaders have read-only access."))
    initial = EnterpriseForm.initial_for(enterprise) if enterprise else {"country": "CN"}
    if request.method == "POST":
        form = EnterpriseForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                if enterprise is None:
                    enterprise = services.create_enterprise(
                        user=request.user, data=form.service_data(None)
                    )
                else:
                    enterprise = services.update_enterprise(
                        user=request.user, enterprise=enterprise, data=form.service_data(enterprise)
                    )
            except InputError as exc:
                form.add_service_errors(exc.fields)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            else:
                return redirect("enterprises:detail", pk=enterprise.pk)
    else:
        form = EnterpriseForm(initial=initial)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


@login_required
def enterprise_create(request):
    return _save(request, None)


@login_required
def enterprise_edit(request, pk: int):
    enterprise = (
        enterprises_visible_to(request.user)
        .select_related("parent", "region")
        .prefetch_related("aliases")
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404(_("No enterprise with id %(id)s.") % {"id": pk})
    return _save(request, enterprise)
