from __future__ import annotations

import csv
import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trainingsite.decorators import role_required
from trainingsite.errors import ServiceError
from trainingsite.models import Line, SupportGroup
from trainingsite.permissions import lines_led_by, manageable_profiles
from trainingsite.roles import Role

from . import conf, planning, selectors, services
from .bridge import refresher_enrolment_url
from .forms import CancelForm, DemandForm, PlannerForm, RotationForm, SignOffForm
from .ical import rotations_ical
from .models import DayKind, Demand, RosterEntry, Rotation, ShiftPattern
from .permissions import can_manage_rotation, can_sign_off_rotation, can_view_rotation

User = get_user_model()
ICAL_SALT = "rotation.ical"


def _agents_of(user):
    return (
        User.objects.filter(
            pk__in=manageable_profiles(user).filter(user__is_active=True).values("user_id"),
            groups__name=Role.AGENT.value,
        )
        .select_related("profile")
        .order_by("last_name", "first_name")
    )


DUE_PAGE_SIZE = 25
ROTATIONS_PAGE_SIZE = 25
ROSTER_PAGE_SIZE = 25


def _query_without(request: HttpRequest, *names: str) -> str:
    """The page's query string minus `names`, so a pager's links keep the other filters and pages."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@role_required(Role.TEAM_LEAD)
def overview(request: HttpRequest) -> HttpResponse:
    lines = lines_led_by(request.user)
    today = timezone.localdate()
    counts, never = selectors.due_counts(lines=lines, today=today)
    status = request.GET.get("status")
    shown = (status,) if status in selectors.ACTIONABLE else selectors.ACTIONABLE
    due_paginator = Paginator(
        selectors.due_ordered(
            selectors.of_statuses(
                selectors.with_due_status(selectors.agent_profiles(lines=lines), today=today), shown
            )
        ),
        DUE_PAGE_SIZE,
    )
    # The per-status counts already hold the total: no second COUNT over the same annotations.
    due_paginator.count = sum(counts[s] for s in shown)
    due_page = due_paginator.get_page(request.GET.get("page"))
    rotations_page = Paginator(
        selectors.rotations_for_lead(lines=lines)
        .filter(ends_on__gte=today - datetime.timedelta(days=30))
        .exclude(status=Rotation.Status.CANCELLED)
        .order_by("starts_on", "pk"),
        ROTATIONS_PAGE_SIZE,
    ).get_page(request.GET.get("rpage"))
    return TemplateResponse(
        request,
        "rotation/overview.html",
        {
            "due": selectors.due_rows(due_page.object_list, today=today),
            "due_page": due_page,
            "due_query": _query_without(request, "page"),
            "status": status if status in selectors.ACTIONABLE else "",
            "counts": counts,
            "never": never,
            "rotations": rotations_page.object_list,
            "rotations_page": rotations_page,
            "rotations_query": _query_without(request, "rpage"),
            "eligible_after_days": conf.eligible_after_days(),
        },
    )


@role_required(Role.TEAM_LEAD)
def lead_panel(request: HttpRequest) -> HttpResponse:
    """The team lead's dashboard panel, fetched by htmx after the dashboard has loaded."""
    from .wagtail_hooks import lead_panel_context

    context = lead_panel_context(request.user)
    if context is None:
        return HttpResponse("")
    return TemplateResponse(request, "rotation/panels/lead.html", {"panel": context})


@role_required(Role.TEAM_LEAD)
def staffing(request: HttpRequest) -> HttpResponse:
    lines = list(lines_led_by(request.user))
    patterns = ShiftPattern.objects.filter(line__in=lines).select_related("line", "demand")
    by_line: dict[int, list] = defaultdict(list)
    for pattern in patterns:
        demand = getattr(pattern, "demand", None)
        by_line[pattern.line_id].append((pattern, demand, demand.compute() if demand else None))
    return TemplateResponse(
        request,
        "rotation/staffing.html",
        {"lines": [(line, by_line.get(line.pk, [])) for line in lines]},
    )


@role_required(Role.TEAM_LEAD)
def demand_edit(request: HttpRequest, shift_pk: int) -> HttpResponse:
    shift = get_object_or_404(
        ShiftPattern.objects.select_related("line"), pk=shift_pk, line__in=lines_led_by(request.user)
    )
    demand = Demand.objects.filter(shift=shift).first()
    form = DemandForm(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_save(
                actor=request.user, shift=shift, **{k: form.cleaned_data[k] for k in DemandForm.Meta.fields}
            )
        except (ServiceError, ValidationError) as exc:
            form.add_error(None, exc.message if isinstance(exc, ServiceError) else exc)
        else:
            messages.success(request, _("The demand of %(shift)s is saved.") % {"shift": shift})
            return redirect("rotation:staffing")
    return TemplateResponse(request, "rotation/demand_form.html", {"form": form, "shift": shift})


@role_required(Role.TEAM_LEAD)
def roster(request: HttpRequest, line_pk: int) -> HttpResponse:
    """The weekly roster grid, ROSTER_PAGE_SIZE agents a page; saving a page changes only its agents."""
    line = get_object_or_404(lines_led_by(request.user), pk=line_pk)
    patterns = list(ShiftPattern.objects.filter(line=line).order_by("starts_at"))
    weekday = [p for p in patterns if p.day_kind == DayKind.WEEKDAY]
    weekend = [p for p in patterns if p.day_kind == DayKind.DAY_OFF]
    slots = [(d, p) for d in range(5) for p in weekday] + [(d, p) for d in (5, 6) for p in weekend]
    page = Paginator(
        User.objects.filter(profile__line=line, is_active=True)
        .select_related("profile")
        .order_by("last_name", "first_name", "pk"),
        ROSTER_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    agents = list(page.object_list)
    if request.method == "POST":
        entries = set()
        valid_slots = {(d, p.pk) for d, p in slots}
        try:
            agent_ids = {int(v) for v in request.POST.getlist("agent")}
            for value in request.POST.getlist("slot"):
                agent_id, weekday_number, shift_id = (int(v) for v in value.split(":"))
                if (weekday_number, shift_id) not in valid_slots or agent_id not in agent_ids:
                    return HttpResponseBadRequest(_("Malformed roster."))
                entries.add((agent_id, weekday_number, shift_id))
        except ValueError:
            return HttpResponseBadRequest(_("Malformed roster."))
        try:
            changed = services.roster_set(actor=request.user, line=line, entries=entries, agent_ids=agent_ids)
        except ServiceError as exc:
            return TemplateResponse(
                request, "409.html", {"message": exc.message, "back_url": request.path}, status=409
            )
        messages.success(request, _("Roster saved: %(n)s change(s).") % {"n": changed})
        url = reverse("rotation:roster", kwargs={"line_pk": line.pk})
        return redirect(f"{url}?page={page.number}" if page.number > 1 else url)
    current = set(
        RosterEntry.objects.filter(shift__line=line, agent__in=agents).values_list(
            "agent_id", "weekday", "shift_id"
        )
    )
    # The totals are the whole line's, not the page's: counted in SQL.
    totals_by_slot = {
        (weekday_number, shift_id): n
        for weekday_number, shift_id, n in RosterEntry.objects.filter(
            shift__line=line, agent__profile__line=line, agent__is_active=True
        )
        .order_by()
        .values("weekday", "shift_id")
        .annotate(n=Count("pk"))
        .values_list("weekday", "shift_id", "n")
    }
    day_names = dict(RosterEntry._meta.get_field("weekday").choices)
    columns = [(d, p, day_names[d]) for d, p in slots]
    rows = [
        (
            agent,
            [
                (f"{agent.pk}:{d}:{p.pk}", (agent.pk, d, p.pk) in current, f"{name} {p.hours_label}")
                for d, p, name in columns
            ],
        )
        for agent in agents
    ]
    totals = [totals_by_slot.get((d, p.pk), 0) for d, p, _n in columns]
    return TemplateResponse(
        request,
        "rotation/roster.html",
        {"line": line, "columns": columns, "rows": rows, "totals": totals, "page": page, "query": ""},
    )


@role_required(Role.TEAM_LEAD)
def rotation_create(request: HttpRequest) -> HttpResponse:
    agents = _agents_of(request.user)
    initial = {}
    if request.GET.get("agent"):
        initial["agent"] = request.GET["agent"]
        initial["starts_on"] = request.GET.get("starts_on")
    form = RotationForm(request.POST or None, agents=agents, initial=initial)
    refusal = None
    if request.method == "POST":
        agent_id = request.POST.get("agent")
        # A team lead naming an agent of another line gets 404, as for any object not theirs.
        if (
            agent_id
            and agent_id.isdigit()
            and not agents.filter(pk=agent_id).exists()
            and User.objects.filter(pk=agent_id).exists()
        ):
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                rotation = services.rotation_create(
                    actor=request.user,
                    agent=data["agent"],
                    host_line=data["host_line"],
                    host_group=data["host_group"],
                    host_mentor=data["host_mentor"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    goals=data["goals"],
                    override_reason=data["override_reason"],
                )
            except services.RotationRefused as exc:
                refusal = exc
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Rotation planned: %(rotation)s.") % {"rotation": rotation})
                return redirect("rotation:detail", pk=rotation.pk)
    return TemplateResponse(
        request,
        "rotation/rotation_form.html",
        {"form": form, "refusal": refusal},
        status=409 if refusal else 200,
    )


def _rotation_or_404(request: HttpRequest, pk: int) -> Rotation:
    rotation = get_object_or_404(
        Rotation.objects.select_related(
            "agent__profile",
            "home_line",
            "host_line",
            "host_group__line",
            "host_mentor__profile",
            "created_by",
        ),
        pk=pk,
    )
    if not can_view_rotation(request.user, rotation):
        raise Http404
    return rotation


@login_required
def rotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rotation = _rotation_or_404(request, pk)
    from wagtail.models import ModelLogEntry

    history = (
        ModelLogEntry.objects.for_instance(rotation).select_related("user").order_by("timestamp")
        if can_manage_rotation(request.user, rotation) or can_sign_off_rotation(request.user, rotation)
        else []
    )
    return TemplateResponse(
        request,
        "rotation/rotation_detail.html",
        {
            "rotation": rotation,
            "lessons": rotation.refresher_lessons.all().order_by("path"),
            "can_manage": can_manage_rotation(request.user, rotation),
            "can_sign_off": can_sign_off_rotation(request.user, rotation),
            "cancel_form": CancelForm(),
            "sign_off_form": SignOffForm(),
            "history": history,
            "today": timezone.localdate(),
            "refresher_url": (
                refresher_enrolment_url(rotation.mentoring_enrolment_id)
                if rotation.mentoring_enrolment_id
                else ""
            ),
        },
    )


def _refuse(request: HttpRequest, rotation: Rotation, exc: ServiceError) -> HttpResponse:
    return TemplateResponse(
        request,
        "409.html",
        {"message": exc.message, "back_url": reverse("rotation:detail", args=[rotation.pk])},
        status=409,
    )


@require_POST
@login_required
def rotation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    rotation = _rotation_or_404(request, pk)
    if not can_manage_rotation(request.user, rotation):
        raise Http404
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _refuse(
            request, rotation, ServiceError(_("Write why the rotation is cancelled."), code="reason")
        )
    try:
        services.rotation_cancel(actor=request.user, rotation=rotation, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _refuse(request, rotation, exc)
    messages.success(request, _("The rotation is cancelled."))
    return redirect("rotation:detail", pk=rotation.pk)


@require_POST
@login_required
def rotation_start(request: HttpRequest, pk: int) -> HttpResponse:
    rotation = _rotation_or_404(request, pk)
    try:
        services.rotation_start(actor=request.user, rotation=rotation)
    except ServiceError as exc:
        return _refuse(request, rotation, exc)
    messages.success(request, _("The rotation has started."))
    return redirect("rotation:detail", pk=rotation.pk)


@require_POST
@login_required
def rotation_sign_off(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    rotation = _rotation_or_404(request, pk)
    form = SignOffForm(request.POST)
    form.is_valid()
    try:
        services.rotation_sign_off(
            actor=request.user, rotation=rotation, stage=stage, note=form.cleaned_data.get("note", "")
        )
    except ServiceError as exc:
        return _refuse(request, rotation, exc)
    messages.success(request, _("Signed off."))
    return redirect("rotation:detail", pk=rotation.pk)


def _parse_date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@role_required(Role.TEAM_LEAD)
def calendar(request: HttpRequest) -> HttpResponse:
    lines = list(lines_led_by(request.user))
    if not lines:
        raise Http404
    today = timezone.localdate()
    start = selectors.monday_of(_parse_date(request.GET.get("start"), today))
    try:
        weeks = max(1, min(12, int(request.GET.get("weeks", 4))))
    except ValueError:
        weeks = 4
    end = start + datetime.timedelta(days=weeks * 7 - 1)
    line = next((x for x in lines if str(x.pk) == request.GET.get("line")), lines[0])

    cells = selectors.coverage(line=line, start=start, end=end)
    by_day: dict[datetime.date, list] = defaultdict(list)
    for cell in cells:
        by_day[cell.date].append(cell)
    away_counts = selectors.away_per_week(lines=lines, start=start, weeks=weeks)
    # Only the shown line's rotations are listed by name; the other lines are counted in SQL.
    rotations = list(
        Rotation.objects.active()
        .filter(home_line=line)
        .overlapping(start, end)
        .select_related("agent__profile", "host_line", "host_group__line", "home_line")
        .order_by("starts_on", "pk")
    )
    week_rows = []
    for w in range(weeks):
        monday = start + datetime.timedelta(days=7 * w)
        sunday = monday + datetime.timedelta(days=6)
        away = [r for r in rotations if r.starts_on <= sunday and r.ends_on >= monday]
        per_line = [(x, away_counts.get((x.pk, w), 0)) for x in lines]
        days = [
            (monday + datetime.timedelta(days=d), by_day.get(monday + datetime.timedelta(days=d), []))
            for d in range(7)
        ]
        week_rows.append(
            {
                "monday": monday,
                "days": days,
                "per_line": per_line,
                "away": away,
            }
        )
    return TemplateResponse(
        request,
        "rotation/calendar.html",
        {
            "lines": lines,
            "line": line,
            "weeks": week_rows,
            "n_weeks": weeks,
            "start": start,
            "prev": start - datetime.timedelta(days=7 * weeks),
            "next": start + datetime.timedelta(days=7 * weeks),
            "holidays": selectors.holidays_between(start, end),
        },
    )


@role_required(Role.TEAM_LEAD)
def export_csv(request: HttpRequest) -> HttpResponse:
    rotations = selectors.rotations_for_lead(lines=lines_led_by(request.user)).order_by("starts_on", "pk")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rotations.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the Cyrillic names as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Agent"),
            _("Home line"),
            _("Host"),
            _("Host mentor"),
            _("First day"),
            _("Last day"),
            _("Status"),
            _("Goals"),
            _("Reason for cancelling"),
            _("Reason for overriding the checks"),
        ]
    )
    for r in rotations:
        writer.writerow(
            _csv_safe(
                r.agent.profile.full_name,
                r.home_line.name,
                r.host_label,
                r.host_mentor.profile.full_name,
                r.starts_on.isoformat(),
                r.ends_on.isoformat(),
                r.get_status_display(),
                r.goals,
                r.cancel_reason,
                r.override_reason,
            )
        )
    return response


def _csv_safe(*cells: str) -> list[str]:
    # Free text typed by people must not run as a formula when the file is opened in a spreadsheet.
    return ["'" + c if c and c[0] in "=+-@\t\r" else c for c in cells]


def ical_token(user) -> str:
    return signing.dumps(user.pk, salt=ICAL_SALT)


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar app subscribes without logging in, so the link carries a signed user id."""
    try:
        user_id = signing.loads(token, salt=ICAL_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    user = get_object_or_404(User, pk=user_id, is_active=True)
    rotations = (
        Rotation.objects.active()
        .filter(agent=user)
        .select_related("host_line", "host_group__line", "host_mentor__profile", "agent__profile")
    )
    response = HttpResponse(rotations_ical(rotations, host=request.get_host()), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="rotations.ics"'
    return response


@role_required(Role.TEAM_LEAD)
def planner(request: HttpRequest) -> HttpResponse:
    lines = lines_led_by(request.user)
    form = PlannerForm(
        request.POST or None, lines=lines, initial={"lines": lines, "host_lines": Line.objects.all()}
    )
    proposal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = planning.propose(
            lines=data["lines"],
            host_lines=data["host_lines"],
            start=data["start"],
            weeks=data["weeks"],
            days=data["days"],
            max_away=data["max_away"],
            require_all_due=data["require_all_due"],
            time_limit=conf.planner_time_limit_seconds(),
            today=timezone.localdate(),
        )
    return TemplateResponse(request, "rotation/planner.html", {"form": form, "proposal": proposal})


@require_POST
@role_required(Role.TEAM_LEAD)
def planner_accept(request: HttpRequest) -> HttpResponse:
    """Plan the chosen rows of a proposal; each goes through the same checks as a manual plan."""
    rows = []
    for value in request.POST.getlist("row"):
        try:
            agent_id, line_id, group_id, mentor_id, first, last = value.split(":")
            rows.append(
                (
                    int(agent_id),
                    int(line_id),
                    int(group_id) if group_id else None,
                    int(mentor_id),
                    datetime.date.fromisoformat(first),
                    datetime.date.fromisoformat(last),
                )
            )
        except ValueError:
            return HttpResponseBadRequest(_("Malformed proposal."))
    if not rows:
        messages.warning(request, _("Choose at least one proposed rotation."))
        return redirect("rotation:planner")
    users = User.objects.select_related("profile").in_bulk({r[0] for r in rows} | {r[3] for r in rows})
    lines = Line.objects.in_bulk({r[1] for r in rows})
    groups = SupportGroup.objects.in_bulk({r[2] for r in rows if r[2]})
    planned, refused = 0, []
    for agent_id, line_id, group_id, mentor_id, first, last in rows:
        agent, mentor, line = users.get(agent_id), users.get(mentor_id), lines.get(line_id)
        if agent is None or mentor is None or line is None or (group_id and group_id not in groups):
            return HttpResponseBadRequest(_("Malformed proposal."))
        try:
            with transaction.atomic():
                services.rotation_create(
                    actor=request.user,
                    agent=agent,
                    host_line=line,
                    host_group=groups.get(group_id) if group_id else None,
                    host_mentor=mentor,
                    starts_on=first,
                    ends_on=last,
                    source="planner",
                )
        except ServiceError as exc:
            if exc.code == "not_your_line":
                raise Http404 from exc
            refused.append(f"{agent.profile.full_name}: {exc.message}")
        else:
            planned += 1
    if planned:
        messages.success(request, _("%(n)s rotation(s) planned.") % {"n": planned})
    for message in refused:
        messages.error(request, message)
    return redirect("rotation:calendar")


@login_required
def my_rotations(request: HttpRequest) -> HttpResponse:
    rotations = (
        Rotation.objects.filter(agent=request.user)
        .select_related("host_line", "host_group__line", "host_mentor__profile")
        .order_by("-starts_on")
    )
    guests = (
        Rotation.objects.filter(host_mentor=request.user)
        .exclude(status=Rotation.Status.CANCELLED)
        .select_related("agent__profile", "host_line", "host_group__line")
        .order_by("-starts_on")
    )
    return TemplateResponse(
        request,
        "rotation/my_rotations.html",
        {
            "rotations": rotations,
            "guests": guests,
            "ical_url": request.build_absolute_uri(reverse("rotation:ical", args=[ical_token(request.user)])),
        },
    )
