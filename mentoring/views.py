"""Pages of the training path: the newcomer's "My path", the mentor's mentees, the team lead's list.

Actions are plain POST forms that HTMX enhances: with HTMX the view answers with the part of the page
that changed (the enrolment's stages, or the mentee's row); without it, it redirects back (PRG).
A refused action answers 409 with the reason (HTMX swaps it in place, see mentoring.js).
"""

from __future__ import annotations

import csv
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import ProgrammePage
from trainingsite.decorators import role_required
from trainingsite.errors import ServiceError
from trainingsite.permissions import lines_led_by
from trainingsite.roles import Role

from . import selectors, services
from .forms import (
    AnswerForm,
    CommentForm,
    EnrolForm,
    LeadFilterForm,
    MentorForm,
    NoteForm,
    ObservationForm,
    QuestionForm,
    ReasonForm,
    SupervisedForm,
    TickForm,
    mentors_of,
)
from .models import (
    SIGNED_STAGES,
    Enrolment,
    ObservationEntry,
    ReviewQuestion,
    SignOffRequest,
    Stage,
    StageProgress,
)
from .permissions import (
    can_manage_enrolment,
    can_sign_off,
    can_view_enrolment,
    can_withdraw,
    is_learner,
)

LEAD_PAGE_SIZE = 50


# --- helpers ----------------------------------------------------------------------------------


def enrolment_page_context(
    request: HttpRequest, pk: int, *, enrolment: Enrolment | None = None, study=None
) -> dict:
    """Everything the enrolment page (and its HTMX fragment) shows, for the person looking.

    `enrolment` and its `study` progress when the caller already read them (with their stages)."""
    e = selectors.with_detail(enrolment) if enrolment is not None else selectors.enrolment_detail(pk)
    user = request.user
    study = study if study is not None else selectors.study_progress([e])[e.pk]
    review = selectors.review_state(e, records=e.review_point_list, questions=e.question_list)
    observations = e.observation_list
    observation = selectors.observation_figures(e, observations)
    shifts = e.shift_list
    supervised = selectors.supervised_figures(e, shifts)
    stages = []
    for stage in e.stages.all():
        sign_offs = stage.sign_off_list
        requests = stage.request_list
        open_request = next((r for r in requests if r.status == SignOffRequest.Status.OPEN), None)
        sent_back = [r for r in requests if r.status == SignOffRequest.Status.SENT_BACK]
        stages.append(
            {
                "progress": stage,
                "signed": stage.stage in SIGNED_STAGES,
                "sign_off": next((x for x in sign_offs if x.withdrawn_at is None), None),
                "withdrawn": [x for x in sign_offs if x.withdrawn_at is not None],
                "open_request": open_request,
                "last_sent_back": sent_back[-1]
                if sent_back and not open_request and not stage.is_done
                else None,
                "unmet": selectors.unmet_requirements(
                    e, stage.stage, review=review, observation=observation, supervised=supervised
                )
                if stage.is_open
                else [],
            }
        )
    certification = None
    if e.kind == Enrolment.Kind.ONBOARDING:
        certification = selectors.certification_status(user=e.learner, programme=e.programme)
    return {
        "enrolment": e,
        "stage_items": stages,
        "study": study,
        "review": review,
        "observations": observations,
        "observation": observation,
        "shifts": shifts,
        "supervised": supervised,
        "certification": certification,
        "timeline": selectors.enrolment_timeline_items(e),
        "viewer_is_learner": is_learner(user, e),
        "viewer_can_sign": can_sign_off(user, e),
        "viewer_can_withdraw": can_withdraw(user, e),
        "viewer_can_manage": can_manage_enrolment(user, e),
        "observation_form": ObservationForm(),
        "supervised_form": SupervisedForm(),
        "Stage": Stage,
    }


def _viewable_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("learner__profile", "mentor__profile", "programme"), pk=pk
    )
    # Someone else's path is "not found", not "forbidden": its existence is nobody else's business.
    if not can_view_enrolment(request.user, enrolment):
        raise Http404
    return enrolment


def _back_url(request: HttpRequest, enrolment: Enrolment) -> str:
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("mentoring:enrolment", args=[enrolment.pk])


def _respond(
    request: HttpRequest, enrolment: Enrolment, *, message: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    """The answer to an action: the changed fragment for HTMX, else a redirect or an error page."""
    if request.htmx:
        if request.POST.get("view") == "row":
            rows = selectors.build_rows(selectors.mentee_enrolments(pks=[enrolment.pk]))
            context = {
                "row": rows[0] if rows else None,
                "error": error,
                "flash": message,
                "expand_checklist": request.POST.get("expand") == "1",
            }
            return TemplateResponse(request, "mentoring/partials/mentee_row.html", context, status=status)
        context = enrolment_page_context(request, enrolment.pk)
        context.update({"error": error, "flash": message})
        return TemplateResponse(request, "mentoring/partials/enrolment_body.html", context, status=status)
    if error:
        return render(
            request, "409.html", {"message": error, "back_url": _back_url(request, enrolment)}, status=status
        )
    if message:
        messages.success(request, message)
    return redirect(_back_url(request, enrolment))


def _act(
    request: HttpRequest,
    enrolment: Enrolment,
    form,
    action: Callable[[dict], object],
    success: str,
) -> HttpResponse:
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _respond(request, enrolment, error=errors, status=400)
    try:
        action(form.cleaned_data)
    except ServiceError as exc:
        return _respond(request, enrolment, error=str(exc.message), status=exc.status)
    return _respond(request, enrolment, message=success)


def _stage(request: HttpRequest, pk: int) -> tuple[StageProgress, Enrolment]:
    stage = get_object_or_404(StageProgress.objects.select_related("enrolment"), pk=pk)
    return stage, _viewable_enrolment(request, stage.enrolment_id)


# --- pages ------------------------------------------------------------------------------------


@login_required
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    services.enrolment_study_sync(enrolment=enrolment)
    return TemplateResponse(request, "mentoring/enrolment.html", enrolment_page_context(request, pk))


@role_required(Role.AGENT)
def my_path(request: HttpRequest) -> HttpResponse:
    enrolments = selectors.learner_enrolments(request.user)
    study = selectors.study_progress(enrolments)
    # The study stage completes by itself once every lesson is studied; only then is there
    # anything to write (and to read again).
    done = [e for e in enrolments if e.is_active and e.current_stage == Stage.STUDY and study[e.pk].complete]
    if sum(services.enrolment_study_sync(enrolment=e) for e in done):
        enrolments = selectors.learner_enrolments(request.user)
        study = selectors.study_progress(enrolments)
    current = enrolments[0] if enrolments else None
    context = {"enrolments": enrolments, "my_path": True}
    if current is not None:
        context.update(
            enrolment_page_context(request, current.pk, enrolment=current, study=study[current.pk])
        )
    return TemplateResponse(request, "mentoring/my_path.html", context)


@login_required
def mentee_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The joint-review checklist of one mentee, loaded when the mentor opens it on the board
    (fifteen forms per mentee would otherwise make the board heavy to render)."""
    enrolment = _viewable_enrolment(request, pk)
    if not can_sign_off(request.user, enrolment):
        raise Http404
    review = selectors.review_state(enrolment)
    return TemplateResponse(
        request, "mentoring/partials/mentee_checklist.html", {"e": enrolment, "review": review}
    )


@role_required(Role.MENTOR)
def mentees(request: HttpRequest) -> HttpResponse:
    rows = selectors.mentee_rows(request.user)
    # The mentor's profile came with their mentees' rows; read it only when there are none.
    profile = rows[0].enrolment.mentor.profile if rows else request.user.profile
    return TemplateResponse(
        request, "mentoring/mentees.html", {"rows": rows, "capacity": profile.mentor_capacity}
    )


def _lead_filtered(request: HttpRequest) -> tuple[object, LeadFilterForm, dict]:
    lines = lines_led_by(request.user)
    # Read once with each mentor's load: the filter's choices are rendered from this list.
    mentors = list(mentors_of(lines).annotate(load=selectors.active_mentees_count()))
    form = LeadFilterForm(request.GET or None, lines=lines, mentors=mentors)
    filters = {"status": Enrolment.Status.ACTIVE}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "stage": data["stage"],
            "mentor_id": data["mentor"].pk if data["mentor"] else None,
            "status": data["status"],
            "stuck_only": data["stuck"],
        }
    return lines, form, filters


@role_required(Role.TEAM_LEAD)
def lead_enrolments(request: HttpRequest) -> HttpResponse:
    lines, form, filters = _lead_filtered(request)
    counts = selectors.lead_counts(lines=lines, **filters)
    paginator = Paginator(selectors.lead_enrolments(lines=lines, **filters), LEAD_PAGE_SIZE)
    paginator.count = counts.matching  # counted with the stages: no COUNT query of its own
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "mentoring/lead_list.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.lead_rows(page.object_list),
            "query": query.urlencode(),
            "stage_counts": counts.stages,
            "stuck_days": selectors.stuck_after_days(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_safe(value) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet; quote it so it stays text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@role_required(Role.TEAM_LEAD)
def lead_export(request: HttpRequest) -> StreamingHttpResponse:
    lines, _form, filters = _lead_filtered(request)
    enrolments = selectors.lead_enrolments(lines=lines, **filters)

    def rows():
        # A chunk at a time: an export of a whole organisation stays flat in memory.
        page = Paginator(enrolments, 500)
        for number in page.page_range:
            yield from selectors.lead_rows(page.page(number).object_list)

    writer = csv.writer(_Echo())
    header = [
        _("Newcomer"),
        _("Login"),
        _("Line"),
        _("Programme"),
        _("Kind"),
        _("Mentor"),
        _("Stage"),
        _("Days in stage"),
        _("Stuck"),
        _("Sign-off requests"),
        _("Status"),
        _("Enrolled at"),
        _("Completed at"),
    ]

    def lines():
        yield "\ufeff"  # so that spreadsheet software reads the Cyrillic as UTF-8
        yield writer.writerow(header)
        for row in rows():
            e = row.enrolment
            yield writer.writerow(
                [
                    _csv_safe(e.learner.profile.full_name),
                    _csv_safe(e.learner.username),
                    _csv_safe(e.learner.profile.line.name if e.learner.profile.line else ""),
                    _csv_safe(e.programme.title),
                    e.get_kind_display(),
                    _csv_safe(e.mentor.profile.full_name if e.mentor else ""),
                    e.get_current_stage_display(),
                    row.days_in_stage,
                    _("yes") if row.stuck else "",
                    row.open_requests,
                    e.get_status_display(),
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d"),
                    timezone.localtime(e.completed_at).strftime("%Y-%m-%d") if e.completed_at else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="enrolments-{stamp}.csv"'
    return response


@role_required(Role.TEAM_LEAD)
def enrol(request: HttpRequest) -> HttpResponse:
    lines = lines_led_by(request.user)
    form = EnrolForm(request.POST or None, lines=lines, load={}, actor=request.user)
    form.fields["mentor"].load = selectors.mentor_load(
        mentor_ids=form.fields["mentor"].queryset.values_list("pk", flat=True)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.enrolment_create(
                actor=request.user,
                learner=data["learner"],
                programme=data["programme"],
                mentor=data["mentor"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is enrolled in %(programme)s.")
                % {"name": enrolment.learner.profile.full_name, "programme": enrolment.programme.title},
            )
            return redirect("mentoring:enrolment", pk=enrolment.pk)
    initial_programme = request.GET.get("programme")
    if request.method == "GET" and initial_programme and initial_programme.isdigit():
        form.initial["programme"] = ProgrammePage.objects.filter(pk=initial_programme).first()
    return TemplateResponse(
        request, "mentoring/enrol.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@role_required(Role.TEAM_LEAD)
def assign_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    if not can_manage_enrolment(request.user, enrolment):
        raise Http404
    line_id = enrolment.programme.line_id
    candidates = MentorForm(line_id=line_id, load={}).fields["mentor"].queryset
    load = selectors.mentor_load(mentor_ids=candidates.values_list("pk", flat=True))
    form = MentorForm(request.POST or None, line_id=line_id, load=load)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_mentor_change(
                actor=request.user,
                enrolment=enrolment,
                mentor=form.cleaned_data["mentor"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(mentor)s now mentors %(name)s.")
                % {
                    "mentor": form.cleaned_data["mentor"].profile.full_name,
                    "name": enrolment.learner.profile.full_name,
                },
            )
            return redirect("mentoring:enrolment", pk=enrolment.pk)
    return TemplateResponse(
        request,
        "mentoring/assign_mentor.html",
        {"form": form, "enrolment": enrolment},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.TEAM_LEAD)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    return _act(
        request,
        enrolment,
        ReasonForm(request.POST),
        lambda d: services.enrolment_cancel(actor=request.user, enrolment=enrolment, reason=d["reason"]),
        _("The training path is cancelled."),
    )


# --- stage actions ----------------------------------------------------------------------------


@require_POST
@login_required
def stage_request(request: HttpRequest, pk: int) -> HttpResponse:
    stage, enrolment = _stage(request, pk)
    return _act(
        request,
        enrolment,
        NoteForm(request.POST),
        lambda d: services.stage_sign_off_request(actor=request.user, stage=stage, note=d["note"]),
        _("Your mentor is asked to sign off."),
    )


@require_POST
@login_required
def stage_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    stage, enrolment = _stage(request, pk)
    return _act(
        request,
        enrolment,
        NoteForm(request.POST),
        lambda d: services.stage_sign_off(actor=request.user, stage=stage, note=d["note"]),
        _("Signed off: %(stage)s.") % {"stage": stage.get_stage_display()},
    )


@require_POST
@login_required
def stage_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    stage, enrolment = _stage(request, pk)
    return _act(
        request,
        enrolment,
        CommentForm(request.POST),
        lambda d: services.stage_send_back(actor=request.user, stage=stage, comment=d["comment"]),
        _("The request is sent back with your comment."),
    )


@require_POST
@login_required
def stage_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    stage, enrolment = _stage(request, pk)
    return _act(
        request,
        enrolment,
        ReasonForm(request.POST),
        lambda d: services.stage_withdraw(actor=request.user, stage=stage, reason=d["reason"]),
        _("The sign-off is withdrawn; the stage is open again."),
    )


@require_POST
@login_required
def point_tick(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    return _act(
        request,
        enrolment,
        TickForm(request.POST),
        lambda d: services.review_point_tick(
            actor=request.user, enrolment=enrolment, key=d["key"], ticked=d["ticked"], note=d["note"]
        ),
        _("The checklist is updated."),
    )


@require_POST
@login_required
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    return _act(
        request,
        enrolment,
        QuestionForm(request.POST),
        lambda d: services.review_question_ask(
            actor=request.user, enrolment=enrolment, question=d["question"]
        ),
        _("Your question is recorded for your mentor."),
    )


@require_POST
@login_required
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(ReviewQuestion, pk=pk)
    enrolment = _viewable_enrolment(request, question.enrolment_id)
    return _act(
        request,
        enrolment,
        AnswerForm(request.POST),
        lambda d: services.review_question_answer(actor=request.user, question=question, answer=d["answer"]),
        _("The answer is recorded."),
    )


@require_POST
@login_required
def observation_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    return _act(
        request,
        enrolment,
        ObservationForm(request.POST),
        lambda d: services.observation_log(actor=request.user, enrolment=enrolment, **d),
        _("The session is logged; your mentor will confirm it."),
    )


@require_POST
@login_required
def observation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(ObservationEntry, pk=pk)
    enrolment = _viewable_enrolment(request, entry.enrolment_id)
    return _act(
        request,
        enrolment,
        NoteForm(request.POST),
        lambda d: services.observation_confirm(actor=request.user, entry=entry),
        _("The session is confirmed."),
    )


@require_POST
@login_required
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _viewable_enrolment(request, pk)
    return _act(
        request,
        enrolment,
        SupervisedForm(request.POST),
        lambda d: services.supervised_shift_record(actor=request.user, enrolment=enrolment, **d),
        _("The supervised shift is recorded."),
    )
