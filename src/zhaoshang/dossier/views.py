"""Pages of a project's file. The sections themselves are on the project page
(`projects.views.project_detail` shows `sections.context`); these views take what its
forms send: people, approvals, documents added, changed, removed; and serve the documents.

Rights come from `access`, writes go through `services`; bad input re-shows the project
page (or the edit page) with the message beside the field (422), nothing written; a save
over someone else's answers 409 with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.dossier import access, files, services
from zhaoshang.dossier.forms import ApprovalForm, DocumentForm, PersonForm
from zhaoshang.dossier.models import Approval, Document, DocumentKind, ProjectPerson
from zhaoshang.excel.uploads import upload_view
from zhaoshang.projects.models import Project


@dataclass(frozen=True)
class Kind:
    """One kind of record of the file, and how its pages treat it."""

    key: str
    model: type
    form: type
    add: object
    update: object
    remove: object
    anchor: str
    saved: str
    removed: str


def _kinds() -> dict[str, Kind]:
    return {
        "person": Kind(
            "person", ProjectPerson, PersonForm, services.add_person, services.update_person,
            services.remove_person, "people", _("Saved: %(what)s."), _("Removed: %(what)s."),
        ),
        "approval": Kind(
            "approval", Approval, ApprovalForm, services.add_approval,
            services.update_approval, services.remove_approval, "approvals",
            _("Saved: %(what)s."), _("Removed: %(what)s."),
        ),
    }  # fmt: skip


def _project(user, code: str) -> Project:
    project = access_project(user, code)
    if project is None:
        raise Http404(_("No project with code “%(code)s”.") % {"code": code})
    return project


def access_project(user, code: str) -> Project | None:
    from zhaoshang.projects.access import projects_visible_to

    return projects_visible_to(user).select_related("unit").filter(code=code).first()


def _record(kind: Kind, user, pk: int):
    obj = get_object_or_404(
        kind.model.objects.select_related("project", "project__unit"), pk=pk, removed_at=None
    )
    if not access.can_see(user, obj.project_id):
        raise Http404()
    return obj


def _form(kind: Kind, project, *args, **kwargs):
    if kind.form is ApprovalForm:
        kwargs["project"] = project
    return kind.form(*args, **kwargs)


def _back(project, anchor: str):
    return redirect(reverse("projects:detail", args=[project.code]) + f"#{anchor}")


def _project_page(request, project, forms: dict, status: int):
    from zhaoshang.projects.views import _detail_context

    context = _detail_context(request, project, dossier_forms=forms)
    return render(request, "projects/detail.html", context, status=status)


def _add_errors(form, exc: InputError) -> None:
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


# --------------------------------------------------------------------------- people, approvals


@login_required
@require_POST
def add(request, code: str, kind: str):
    kind_ = _kinds()[kind]
    project = _project(request.user, code)
    refusal = access.edit_refusal(request.user, project)
    if refusal:
        raise PermissionDenied(refusal)
    form = _form(kind_, project, request.POST, prefix=kind)
    if form.is_valid():
        try:
            obj = kind_.add(user=request.user, project=project, data=form.cleaned_data)
        except InputError as exc:
            _add_errors(form, exc)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        else:
            messages.success(request, kind_.saved % {"what": obj})
            return _back(project, kind_.anchor)
    return _project_page(request, project, {kind: form}, 422)


@login_required
def edit(request, pk: int, kind: str):
    kind_ = _kinds()[kind]
    obj = _record(kind_, request.user, pk)
    project = obj.project
    refusal = access.edit_refusal(request.user, project)
    if refusal:
        raise PermissionDenied(refusal)
    status, conflict = 200, ""
    if request.method == "POST":
        form = _form(kind_, project, request.POST, instance=_record(kind_, request.user, pk))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                kind_.update(
                    user=request.user,
                    **{kind: obj},
                    data=data,
                    expected_version=request.POST.get("version"),
                )
            except InputError as exc:
                _add_errors(form, exc)
            except ConflictError as exc:
                conflict, status = str(exc), 409
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from None
            else:
                messages.success(request, kind_.saved % {"what": obj})
                return _back(project, kind_.anchor)
        if status == 200:
            status = 422
    else:
        form = _form(kind_, project, instance=obj)
    return render(
        request,
        "dossier/edit.html",
        {
            "project": project,
            "obj": obj,
            "form": form,
            "kind": kind,
            "conflict": conflict,
            "version": request.POST.get("version") or obj.version,
            "what": kind_.model._meta.verbose_name,
            "anchor": kind_.anchor,
        },
        status=status,
    )


@login_required
@require_POST
def remove(request, pk: int, kind: str):
    kind_ = _kinds()[kind]
    obj = _record(kind_, request.user, pk)
    try:
        kind_.remove(user=request.user, **{kind: obj}, expected_version=request.POST.get("version"))
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except (ConflictError, InputError) as exc:
        text = (
            str(exc)
            if isinstance(exc, ConflictError)
            else "; ".join(m for ms in exc.fields.values() for m in ms)
        )
        messages.error(request, text)
        return _back(obj.project, kind_.anchor)
    messages.success(request, kind_.removed % {"what": obj})
    return _back(obj.project, kind_.anchor)


# --------------------------------------------------------------------------- documents


@csrf_exempt  # the guard below checks rights and size first, then the CSRF token
@login_required
def upload(request, code: str):
    """Take a document or photo. Rights are decided from the project named in the address
    before a byte of the body is read (`excel.uploads.upload_view`)."""
    project = _project(request.user, code)

    @require_POST
    def store(request):
        form = DocumentForm(request.POST, request.FILES, prefix="document")
        if not form.is_valid():
            return _project_page(request, project, {"document": form}, 422)
        upload_ = form.cleaned_data["file"]
        data = upload_.read()
        try:
            document = services.add_document(
                user=request.user,
                project=project,
                data=data,
                name=upload_.name,
                title=form.cleaned_data["title"],
            )
        except services.DocumentRefused as exc:
            form.add_error("file", str(exc))
            return _project_page(request, project, {"document": form}, 422)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        messages.success(request, _("Uploaded: %(what)s.") % {"what": document.original_name})
        return _back(project, "files")

    guarded = upload_view(
        refusal=lambda user: access.edit_refusal(user, project),
        limit=files.max_bytes,
        refused=lambda request, message, status: render(
            request, "dossier/refused.html", {"reason": message, "project": project}, status=status
        ),
    )(store)
    return guarded(request)


def _document(user, pk: int) -> Document:
    document = get_object_or_404(Document.objects.select_related("project"), pk=pk, removed_at=None)
    if not access.can_see(user, document.project_id):
        raise Http404()
    return document


@login_required
@require_GET
def download(request, pk: int):
    """A document's bytes, to whoever may see its project. Photos open in the page
    (`?inline=1`, for thumbnails); everything else downloads."""
    document = _document(request.user, pk)
    try:
        handle = files.path_of(document.stored_name).open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the data folder.")) from None
    inline = request.GET.get("inline") == "1" and document.kind == DocumentKind.PHOTO
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=services.download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def document_remove(request, pk: int):
    document = _document(request.user, pk)
    try:
        services.remove_document(
            user=request.user, document=document, expected_version=request.POST.get("version")
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from None
    except (ConflictError, InputError) as exc:
        messages.error(
            request,
            str(exc) if isinstance(exc, ConflictError) else _("Reload the page and try again."),
        )
        return _back(document.project, "files")
    messages.success(request, _("Removed: %(what)s.") % {"what": document.title})
    return _back(document.project, "files")
