from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trainingsite.decorators import role_required
from trainingsite.errors import ServiceError
from trainingsite.roles import Role
from trainingsite.security import over_rate, too_many_requests

from . import analysis, autosave, gift, selectors, services
from .forms import CertificateFilterForm, GiftImportForm, OverrideForm, RevokeForm
from .grading import is_fully_right
from .models import Attempt, Certificate, Question, QuestionCategory, Quiz, ReviewPolicy
from .permissions import can_download_certificate, can_manage_certificate, can_take_quiz

PRINT_LIMIT = 1000


def _refusal(request: HttpRequest, exc: ServiceError, back_url: str = "") -> HttpResponse:
    return TemplateResponse(
        request, "409.html", {"message": exc.message, "back_url": back_url}, status=exc.status
    )


def _own_attempt(request: HttpRequest, pk: int) -> Attempt:
    # Anyone else's attempt, whatever the URL, is simply not found.
    return get_object_or_404(
        Attempt.objects.select_related("quiz", "quiz__programme"), pk=pk, user=request.user
    )


# --- learner ---------------------------------------------------------------------------------------


@role_required(Role.AGENT)
def my_quizzes(request: HttpRequest) -> HttpResponse:
    certificates = list(selectors.certificates_of(request.user))
    statuses = selectors.quiz_statuses(
        user=request.user, quizzes=selectors.quizzes_for_learner(request.user), certificates=certificates
    )
    return TemplateResponse(
        request, "certification/my_quizzes.html", {"statuses": statuses, "certificates": certificates}
    )


@role_required(Role.AGENT)
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.active().select_related("programme"), pk=pk)
    if not can_take_quiz(request.user, quiz):
        raise Http404  # another line's quiz: as if it did not exist
    for attempt in Attempt.objects.filter(quiz=quiz, user=request.user).open():
        services.attempt_refresh(attempt=attempt)
    [status] = selectors.quiz_statuses(user=request.user, quizzes=[quiz])
    allowed, extra_minutes = services.quiz_allowance(quiz=quiz, user=request.user)
    return TemplateResponse(
        request,
        "certification/quiz_detail.html",
        {
            "quiz": quiz,
            "status": status,
            "certificates": [status.certificate] if status.certificate else [],
            "attempts_allowed": allowed,
            "attempts_left": max(0, allowed - len(status.attempts)),
            "minutes": quiz.time_limit_minutes + extra_minutes,
            "question_count": sum(
                (
                    s.draw_count
                    if s.category_id and not s.fixed_questions.exists()
                    else s.fixed_questions.count()
                )
                for s in quiz.sections.all()
            ),
        },
    )


@role_required(Role.AGENT)
@require_POST
def attempt_start(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        attempt = services.attempt_start(quiz=quiz, user=request.user)
    except ServiceError as exc:
        return _refusal(request, exc, reverse("certification:quiz_detail", args=[quiz.pk]))
    return redirect("certification:attempt", pk=attempt.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = services.attempt_refresh(attempt=_own_attempt(request, pk))
    if not attempt.is_open:
        return redirect("certification:attempt_review", pk=attempt.pk)
    if request.method == "POST":
        # Without JavaScript the whole page posts here: save every answer, then finish if asked.
        try:
            services.attempt_answer_all(attempt=attempt, user=request.user, data=request.POST)
            if request.POST.get("action") == "finish":
                services.attempt_finish(attempt=attempt, user=request.user)
                return redirect("certification:attempt_review", pk=attempt.pk)
        except ServiceError as exc:
            return _refusal(request, exc, reverse("certification:attempt", args=[attempt.pk]))
        messages.success(request, _("Your answers are saved."))
        return redirect("certification:attempt", pk=attempt.pk)
    items = list(attempt.questions.all())
    return TemplateResponse(
        request,
        "certification/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": [_learner_view(item) for item in items],
            "seconds_left": attempt.seconds_left(),
            "autosave_key": autosave.autosave_key(attempt=attempt, request=request),
        },
    )


def _learner_view(item) -> dict:
    """Only what the learner may see during the attempt: no right flags, ranks or accepted answers."""
    snap = item.snapshot
    response = item.response or {}
    chosen = set(response.get("choices", [])) | ({response["choice"]} if "choice" in response else set())
    order = response.get("order", [])
    choices = [
        {
            "id": c["id"],
            "text": c["text"],
            "checked": c["id"] in chosen,
            "place": (order.index(c["id"]) + 1) if c["id"] in order else None,
        }
        for c in snap["choices"]
    ]
    return {
        "position": item.position,
        "type": snap["type"],
        "text": snap["text"],
        "points": snap["points"],
        "choices": choices,
        "places": range(1, len(choices) + 1),
        "value": response.get("value"),
        "text_answer": response.get("text", ""),
        "answered_at": item.answered_at,
    }


_ANSWER_STATUS = "certification/partials/answer_status.html"


@never_cache
@require_POST
def attempt_answer(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    # The autosave hot path: no page context (no context processors). A request carrying the page's
    # autosave key is answered with two SQL statements (certification/autosave.py); anything else,
    # refusals included, goes the standard, session-authenticated way.
    try:
        item = autosave.store_if_proven(request, attempt_id=pk, position=position)
    except ServiceError as exc:
        return _answer_status(pk, position, error=exc)
    if item is None:
        return _attempt_answer(request, pk, position)
    return _answer_status(pk, position, item=item)


@login_required
def _attempt_answer(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    try:
        item = services.attempt_answer(attempt=pk, user=request.user, position=position, data=request.POST)
    except Attempt.DoesNotExist:
        raise Http404 from None
    except ServiceError as exc:
        return _answer_status(pk, position, error=exc)
    return _answer_status(pk, position, item=item)


def _answer_status(pk: int, position: int, *, item=None, error: ServiceError | None = None) -> HttpResponse:
    context = {"attempt_id": pk, "position": position}
    if error is not None:
        context.update(error=error.message, code=error.code)
        return HttpResponse(render_to_string(_ANSWER_STATUS, context), status=error.status)
    context.update(item=item, saved=item.response is not None)
    return HttpResponse(render_to_string(_ANSWER_STATUS, context))


@login_required
@require_POST
def attempt_finish(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt(request, pk)
    try:
        services.attempt_finish(attempt=attempt, user=request.user)
    except ServiceError as exc:
        return _refusal(request, exc)
    return redirect("certification:attempt_review", pk=attempt.pk)


@login_required
def attempt_review(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = services.attempt_refresh(attempt=_own_attempt(request, pk))
    if attempt.is_open:
        return redirect("certification:attempt", pk=attempt.pk)
    items = []
    show_correct = attempt.review_allows(ReviewPolicy.CORRECTNESS)
    show_answers = attempt.review_allows(ReviewPolicy.ANSWERS)
    show_feedback = attempt.review_allows(ReviewPolicy.FULL)
    if show_correct:
        for item in attempt.questions.all():
            items.append(_review_view(item, show_answers=show_answers, show_feedback=show_feedback))
    certificate = Certificate.objects.filter(attempt=attempt).first()
    return TemplateResponse(
        request,
        "certification/review.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "items": items,
            "show_score": attempt.review_allows(ReviewPolicy.SCORE),
            "show_answers": show_answers,
            "show_feedback": show_feedback,
            "certificate": certificate,
        },
    )


def _review_view(item, *, show_answers: bool, show_feedback: bool) -> dict:
    snap = item.snapshot
    response = item.response or {}
    picked = set(response.get("choices", [])) | ({response["choice"]} if "choice" in response else set())
    order = response.get("order", [])
    choices = []
    for c in snap["choices"]:
        choices.append(
            {
                "text": c["text"],
                "picked": c["id"] in picked,
                "place": (order.index(c["id"]) + 1) if c["id"] in order else None,
                "right_place": c["rank"] + 1 if show_answers else None,
                "correct": c["correct"] if show_answers else None,
                "feedback": c["feedback"] if show_feedback and c["id"] in picked else "",
            }
        )
    if snap["type"] == "ordering" and order:
        choices.sort(key=lambda c: c["place"] or 99)
    return {
        "position": item.position,
        "type": snap["type"],
        "text": snap["text"],
        "points": snap["points"],
        "score": item.score,
        "right": is_fully_right(snap, item.response),
        "partial": bool(item.score) and not is_fully_right(snap, item.response),
        "choices": choices,
        "value": response.get("value"),
        "text_answer": response.get("text", ""),
        "statement_is_true": snap["statement_is_true"] if show_answers else None,
        "accepted": snap["accepted"] if show_answers else [],
        "explanation": snap["explanation"] if show_feedback else "",
        "answered": bool(item.response),
    }


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("line"), pk=pk)
    if not can_download_certificate(request.user, certificate):
        raise Http404
    if not certificate.has_stored_pdf:
        # Issued moments ago and the task worker has not reached it yet (or it was lost).
        certificate = services.certificate_store_pdf(certificate_id=certificate.pk)
    response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.pk}.pdf"'
    return response


# --- public ---------------------------------------------------------------------------------------


@require_GET
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    if over_rate(request, scope="certificate_verify", per_minute=settings.CERTIFICATE_VERIFY_PER_MINUTE):
        return too_many_requests(request)
    # One indexed lookup whatever the code looks like: an over-long code looks up "" (no certificate
    # has it), so neither the answer nor the work done depends on the code's shape.
    # A NUL byte cannot even be sent to PostgreSQL, so such a code looks up "" too.
    lookup = code if len(code) <= 64 and "\x00" not in code else ""
    certificate = Certificate.objects.filter(code=lookup).first()
    if certificate is None:
        # The same plain answer for any unknown code, whatever it looks like.
        response = TemplateResponse(request, "certification/verify_not_found.html", status=404)
    else:
        response = TemplateResponse(
            request,
            "certification/verify.html",
            {"certificate": certificate, "status": certificate.status, "today": timezone.localdate()},
        )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- team lead --------------------------------------------------------------------------------------


@role_required(Role.TEAM_LEAD)
def lead_certificates(request: HttpRequest) -> HttpResponse:
    form = CertificateFilterForm(request.GET or None, lead=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.certificates_for_lead(
        request.user,
        line_id=filters["line"].pk if filters.get("line") else None,
        status=filters.get("status") or "",
        expiring_days=filters.get("expiring"),
        issued_month=filters.get("month"),
        query=filters.get("q") or "",
    )
    certificates = list(qs[:500])
    return TemplateResponse(
        request,
        "certification/lead_certificates.html",
        {
            "form": form,
            "certificates": certificates,
            "total": qs.count() if len(certificates) == 500 else len(certificates),
            "expiring": selectors.expiring_counts(request.user),
            "query_string": request.GET.urlencode(),
        },
    )


@role_required(Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def certificates_print(request: HttpRequest) -> HttpResponse:
    """POST with ids prints the ticked ones; GET with the list's filters prints everything filtered."""
    base = selectors.certificates_for_lead(request.user)
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("certificate") if i.isdigit()]
        qs = base.filter(pk__in=ids)
        if len(ids) != qs.count():
            raise Http404
    else:
        form = CertificateFilterForm(request.GET, lead=request.user)
        if not form.is_valid():
            return TemplateResponse(request, "400.html", status=400)
        f = form.cleaned_data
        qs = selectors.certificates_for_lead(
            request.user,
            line_id=f["line"].pk if f.get("line") else None,
            status=f.get("status") or "",
            expiring_days=f.get("expiring"),
            issued_month=f.get("month"),
            query=f.get("q") or "",
        )
    certificates = list(qs.order_by("line__level", "holder_name")[: PRINT_LIMIT + 1])
    if len(certificates) > PRINT_LIMIT:
        return _refusal(
            request,
            ServiceError(
                _("Print at most %(n)s certificates at once.") % {"n": PRINT_LIMIT}, code="too_many"
            ),
        )
    try:
        content = services.certificates_print(certificates=certificates)
    except ServiceError as exc:
        return _refusal(request, exc, reverse("certification:lead_certificates"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificates-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@role_required(Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate.objects.select_related("line"), pk=pk)
    if not can_manage_certificate(request.user, certificate):
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("The certificate of %(name)s is revoked.") % {"name": certificate.holder_name}
            )
            return redirect("certification:lead_certificates")
    return TemplateResponse(
        request,
        "certification/revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.TEAM_LEAD)
@require_http_methods(["GET", "POST"])
def override_create(request: HttpRequest) -> HttpResponse:
    form = OverrideForm(request.POST or None, lead=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.quiz_override_grant(
                quiz=data["quiz"],
                user=data["person"],
                actor=request.user,
                reason=data["reason"],
                extra_minutes=data["extra_minutes"],
                extra_attempts=data["extra_attempts"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The exception is granted and recorded."))
            return redirect("certification:override_create")
    from .models import QuizOverride

    recent = (
        QuizOverride.objects.filter(granted_by=request.user)
        .select_related("quiz", "user__profile")
        .order_by("-created_at")[:20]
    )
    return TemplateResponse(
        request,
        "certification/override_form.html",
        {"form": form, "recent": recent},
        status=400 if request.method == "POST" else 200,
    )


# --- editors ----------------------------------------------------------------------------------------


def _editor_required(request: HttpRequest) -> None:
    from .permissions import can_edit_bank

    if not can_edit_bank(request.user):
        raise PermissionDenied


@login_required
def item_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    _editor_required(request)
    quiz = get_object_or_404(Quiz.objects.select_related("programme"), pk=pk)
    stats = analysis.quiz_statistics(quiz)
    if request.GET.get("format") == "csv":
        response = HttpResponse(analysis.statistics_csv(stats), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="item-analysis-quiz-{quiz.pk}.csv"'
        return response
    return TemplateResponse(
        request,
        "certification/item_analysis.html",
        {"quiz": quiz, "stats": stats, "quizzes": Quiz.objects.all()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def gift_import(request: HttpRequest) -> HttpResponse:
    _editor_required(request)
    form = GiftImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.questions_import_gift(
                source=form.cleaned_data["source"], category=form.cleaned_data["category"], actor=request.user
            )
        except services.GiftImportError as exc:
            errors = exc.errors
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)s questions were imported.") % {"n": len(created)})
            return redirect("certification:gift_import")
    return TemplateResponse(
        request,
        "certification/gift_import.html",
        {"form": form, "errors": errors, "categories": QuestionCategory.objects.select_related("line")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def gift_export(request: HttpRequest) -> HttpResponse:
    _editor_required(request)
    questions = (
        Question.objects.select_related("category")
        .prefetch_related(Prefetch("choices"))
        .order_by("category_id", "name")
    )
    category = request.GET.get("category", "")
    if category:
        if not category.isdigit():
            raise Http404
        questions = questions.filter(category_id=int(category))
    response = HttpResponse(gift.export(questions), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="questions.gift.txt"'
    return response
