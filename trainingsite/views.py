from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .dashboard import panels_for
from .decorators import role_required
from .errors import ServiceError
from .forms import DeactivateForm, PeopleFilterForm, PersonCreateForm, PersonForm
from .models import Profile
from .permissions import lines_led_by, manageable_profiles
from .roles import Role, has_role

PEOPLE_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the dashboard of their main role."""
    user = request.user
    for role, name in (
        (Role.TEAM_LEAD, "lead_dashboard"),
        (Role.MENTOR, "mentor_dashboard"),
        (Role.AGENT, "learner_dashboard"),
    ):
        if has_role(user, role):
            return redirect(name)
    if has_role(user, Role.EDITOR) or user.is_superuser:
        return redirect("wagtailadmin_home")
    return TemplateResponse(request, "trainingsite/no_role.html", status=403)


def _profile_of(request: HttpRequest) -> Profile:
    return Profile.objects.select_related("line", "group").get(user=request.user)


@role_required(Role.AGENT)
def learner_dashboard(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "trainingsite/dashboard_learner.html",
        {"profile": _profile_of(request), "panels": panels_for(request, Role.AGENT)},
    )


@role_required(Role.MENTOR)
def mentor_dashboard(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "trainingsite/dashboard_mentor.html",
        {"profile": _profile_of(request), "panels": panels_for(request, Role.MENTOR)},
    )


@role_required(Role.TEAM_LEAD)
def lead_dashboard(request: HttpRequest) -> HttpResponse:
    summaries = selectors.line_summaries(lines=lines_led_by(request.user))
    return TemplateResponse(
        request,
        "trainingsite/dashboard_lead.html",
        {"summaries": summaries, "panels": panels_for(request, Role.TEAM_LEAD)},
    )


@role_required(Role.TEAM_LEAD)
def people_list(request: HttpRequest) -> HttpResponse:
    lines = lines_led_by(request.user)
    form = PeopleFilterForm(request.GET or None, lines=lines)
    profiles = Profile.objects.filter(line__in=lines)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            profiles = profiles.filter(
                Q(user__username__icontains=q)
                | Q(user__first_name__icontains=q)
                | Q(user__last_name__icontains=q)
                | Q(patronymic__icontains=q)
            )
        if data["line"]:
            profiles = profiles.filter(line=data["line"])
        if data["group"]:
            profiles = profiles.filter(group=data["group"])
        if data["role"]:
            profiles = profiles.filter(user__groups__name=data["role"])
        if data["status"]:
            profiles = profiles.filter(user__is_active=data["status"] == "active")
    page = Paginator(selectors.people_for_lead(profiles=profiles.distinct()), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "trainingsite/people/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "self_id": request.user.pk},
    )


def _person_kwargs(form: PersonForm) -> dict:
    data = form.cleaned_data
    return {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "patronymic": data["patronymic"],
        "email": data["email"],
        "line": data["line"],
        "group": data["group"],
        "hire_date": data["hire_date"],
        "line_joined_on": data["line_joined_on"] or data["hire_date"],
        "roles": data["roles"],
        "mentor_capacity": data["mentor_capacity"],
    }


@role_required(Role.TEAM_LEAD)
def person_create(request: HttpRequest) -> HttpResponse:
    lines = lines_led_by(request.user)
    form = PersonCreateForm(
        request.POST or None,
        lines=lines,
        initial={
            "roles": [Role.AGENT.value],
            "mentor_capacity": Profile._meta.get_field("mentor_capacity").default,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.person_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                request_base_url=request.build_absolute_uri("/"),
                **_person_kwargs(form),
            )
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, exc.message if isinstance(exc, ServiceError) else exc)
        else:
            messages.success(
                request,
                _("%(name)s was added. An invitation to set a password was sent to %(email)s.")
                % {"name": user.profile.full_name, "email": user.email},
            )
            return redirect("people:edit", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "trainingsite/people/form.html", {"form": form, "creating": True}, status=status
    )


def _person_initial(profile: Profile) -> dict:
    user = profile.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "patronymic": profile.patronymic,
        "email": user.email,
        "line": profile.line,
        "group": profile.group,
        "hire_date": profile.hire_date,
        "line_joined_on": profile.line_joined_on,
        "roles": list(user.groups.values_list("name", flat=True)),
        "mentor_capacity": profile.mentor_capacity,
    }


def _render_person_page(
    request: HttpRequest,
    profile: Profile,
    *,
    form: PersonForm | None = None,
    deactivate_form: DeactivateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lines = lines_led_by(request.user)
    return TemplateResponse(
        request,
        "trainingsite/people/form.html",
        {
            "form": form or PersonForm(lines=lines, user=profile.user, initial=_person_initial(profile)),
            "profile": profile,
            "deactivate_form": deactivate_form or DeactivateForm(),
            "history": selectors.person_history(profile=profile),
        },
        status=status,
    )


@role_required(Role.TEAM_LEAD)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(
        manageable_profiles(request.user).select_related("user", "line", "group"), pk=pk
    )
    if request.method != "POST":
        return _render_person_page(request, profile)
    form = PersonForm(
        request.POST, lines=lines_led_by(request.user), user=profile.user, initial=_person_initial(profile)
    )
    if form.is_valid():
        try:
            services.person_update(actor=request.user, profile=profile, **_person_kwargs(form))
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, exc.message if isinstance(exc, ServiceError) else exc)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": profile.full_name})
            return redirect("people:edit", pk=profile.pk)
    return _render_person_page(request, profile, form=form, status=400)


@require_POST
@role_required(Role.TEAM_LEAD)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(manageable_profiles(request.user).select_related("user"), pk=pk)
    form = DeactivateForm(request.POST)
    if not form.is_valid():
        return _render_person_page(request, profile, deactivate_form=form, status=400)
    try:
        services.person_deactivate(actor=request.user, profile=profile, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _conflict(request, profile, exc)
    messages.success(
        request, _("%(name)s was deactivated and can no longer sign in.") % {"name": profile.full_name}
    )
    return redirect("people:edit", pk=profile.pk)


@require_POST
@role_required(Role.TEAM_LEAD)
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(manageable_profiles(request.user).select_related("user"), pk=pk)
    if not profile.user.is_active or not profile.user.email:
        exc = ServiceError(
            _("Only an active person with an email can get a password link."), code="cannot_invite"
        )
        return _conflict(request, profile, exc)
    services.person_invite_send(user=profile.user, request_base_url=request.build_absolute_uri("/"))
    messages.success(request, _("A password link was sent to %(email)s.") % {"email": profile.user.email})
    return redirect("people:edit", pk=profile.pk)


@require_POST
@role_required(Role.TEAM_LEAD)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(manageable_profiles(request.user).select_related("user"), pk=pk)
    try:
        services.person_reactivate(actor=request.user, profile=profile)
    except ServiceError as exc:
        return _conflict(request, profile, exc)
    messages.success(request, _("%(name)s is active again.") % {"name": profile.full_name})
    return redirect("people:edit", pk=profile.pk)


def _conflict(request: HttpRequest, profile: Profile, exc: ServiceError) -> HttpResponse:
    return render(
        request,
        "409.html",
        {"message": exc.message, "back_url": reverse("people:edit", args=[profile.pk])},
        status=exc.status,
    )
