"""Every write of the certification app: attempts, grading, exceptions, certificates.

Each service runs in a transaction, locks the rows it changes and leaves an audit entry for
decisions people make. The deadline is always the server's.
"""

from __future__ import annotations

import calendar
import datetime
import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from trainingsite.errors import ServiceError
from trainingsite.permissions import can_lead_line

from . import grading, pdf
from .errors import CertificationError
from .models import (
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Certificate,
    Question,
    Quiz,
    QuizOverride,
)
from .permissions import can_take_quiz
from .tasks import store_certificate_pdf

logger = logging.getLogger(__name__)
User = get_user_model()


def late_message() -> str:
    return _("Time is up: this answer arrived after the deadline and was not saved. Your attempt was graded.")


def grace() -> datetime.timedelta:
    """Network allowance after the deadline: answers sent in the last second still count."""
    return datetime.timedelta(seconds=getattr(settings, "CERTIFICATION_GRACE_SECONDS", 60))


# --- mentoring: the only place this app calls into it -------------------------------------------


def _mentoring(action: str, *, user, programme, when: datetime.datetime | None = None):
    """Call mentoring's certify or look up the enrolment; None when mentoring is not installed yet."""
    try:
        from mentoring import selectors as mentoring_selectors
        from mentoring import services as mentoring_services
    except ImportError:
        return None
    if action == "certify":
        fn = getattr(mentoring_services, "enrolment_certify", None)
        return fn(user=user, programme=programme, when=when) if fn else None
    fn = getattr(mentoring_selectors, "enrolment_for", None)
    return fn(user=user, programme=programme) if fn else None


# --- attempts --------------------------------------------------------------------------------------


def quiz_allowance(*, quiz: Quiz, user) -> tuple[int, int]:
    """(attempts allowed, extra minutes) for this person, team leads' exceptions included."""
    extra = QuizOverride.objects.filter(quiz=quiz, user=user).aggregate(
        minutes=Sum("extra_minutes"), attempts=Sum("extra_attempts")
    )
    return quiz.attempts_allowed + (extra["attempts"] or 0), extra["minutes"] or 0


def _draw_questions(quiz: Quiz) -> list[int]:
    """The ids of this attempt's questions, in the order they will be asked."""
    chosen: list[int] = []
    seen: set[int] = set()
    for section in quiz.sections.prefetch_related("fixed_questions"):
        fixed = [q.pk for q in section.fixed_questions.all() if q.is_active and q.pk not in seen]
        if fixed:
            picked = fixed
        elif section.category_id:
            pool = list(
                Question.objects.filter(category_id=section.category_id, is_active=True)
                .exclude(pk__in=seen)
                .values_list("pk", flat=True)
            )
            if len(pool) < section.draw_count:
                raise CertificationError(
                    _("The quiz is not ready: a section needs %(n)s questions, the bank has %(m)s.")
                    % {"n": section.draw_count, "m": len(pool)},
                    code="quiz_not_ready",
                )
            picked = grading._rng.sample(pool, section.draw_count)  # a random sample in random order
        else:
            picked = []
        chosen.extend(picked)
        seen.update(picked)
    if not chosen:
        raise CertificationError(_("The quiz is not ready: it has no questions."), code="quiz_not_ready")
    if quiz.shuffle_questions:
        grading._rng.shuffle(chosen)
    return chosen


def attempt_start(*, quiz: Quiz, user, now: datetime.datetime | None = None) -> Attempt:
    """Start an attempt, or return the one already in progress (several tabs resume the same one)."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # Lock the person's row: two tabs starting at once are serialised here, so the attempt
            # count below cannot be read twice. The partial unique constraint backs this up.
            User.objects.select_for_update().get(pk=user.pk)
            quiz = Quiz.objects.get(pk=quiz.pk)
            if not quiz.is_active:
                raise CertificationError(_("This quiz is closed."), code="quiz_closed")
            if not can_take_quiz(user, quiz):
                raise CertificationError(
                    _("This quiz is not part of your training programmes."), code="not_assigned"
                )
            # One read of the person's attempts: an overdue one is closed first, an open one resumed.
            previous = list(Attempt.objects.filter(quiz=quiz, user=user).order_by("-number"))
            overdue_before = now - grace()
            for i, earlier in enumerate(previous):
                if earlier.is_open and earlier.deadline < overdue_before:
                    previous[i] = attempt_finish(attempt=earlier, user=None, now=now, by_deadline=True)
            current = next((a for a in previous if a.is_open), None)
            if current:
                return current
            if (
                any(a.passed for a in previous)
                and Certificate.objects.filter(user=user, programme_id=quiz.programme_id)
                .valid_on(timezone.localdate(now))
                .exists()
            ):
                raise CertificationError(
                    _("You have already passed this quiz and your certificate is valid."),
                    code="already_passed",
                )
            allowed, extra_minutes = quiz_allowance(quiz=quiz, user=user)
            if len(previous) >= allowed:
                raise CertificationError(
                    _("You have used all %(n)s attempts at this quiz.") % {"n": allowed},
                    code="no_attempts_left",
                )
            if previous and quiz.delay_minutes:
                ready_at = previous[0].finished_at + datetime.timedelta(minutes=quiz.delay_minutes)
                if now < ready_at:
                    raise CertificationError(
                        _("You can try again from %(time)s.")
                        % {"time": timezone.localtime(ready_at).strftime("%d.%m.%Y %H:%M")},
                        code="too_soon",
                    )
            order = {pk: i for i, pk in enumerate(_draw_questions(quiz))}
            questions = sorted(
                Question.objects.filter(pk__in=order).prefetch_related("choices"), key=lambda q: order[q.pk]
            )
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=(previous[0].number + 1) if previous else 1,
                started_at=now,
                deadline=now + datetime.timedelta(minutes=quiz.time_limit_minutes + extra_minutes),
                pass_mark_percent=quiz.pass_mark_percent,
                review_policy=quiz.review_policy,
                max_score=sum((q.points for q in questions), Decimal(0)),
            )
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    question=question,
                    question_version=question.version,
                    snapshot=grading.snapshot_question(question, shuffle_choices=quiz.shuffle_choices),
                )
                for position, question in enumerate(questions, start=1)
            )
            return attempt
    except IntegrityError:
        # Another tab won the race for the single open attempt: resume that one.
        current = Attempt.objects.filter(quiz=quiz, user=user, status=AttemptStatus.OPEN).first()
        if current:
            return current
        raise CertificationError(_("The attempt could not be started; try again."), code="conflict") from None


def _lock_attempt(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("quiz").get(pk=attempt.pk)


def attempt_answer(
    *, attempt: Attempt | int, user, position: int, data, now: datetime.datetime | None = None
) -> AttemptQuestion:
    """Store (autosave) one answer. Late answers are refused and the attempt is closed.

    The hot path of a quiz (every change of every learner), so it reads only the columns it needs:
    4 queries including the lock. Raises Attempt.DoesNotExist for someone else's attempt.
    """
    now = now or timezone.now()
    attempt_id = attempt if isinstance(attempt, int) else attempt.pk
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update()
            .only("id", "user_id", "status", "deadline")
            .get(pk=attempt_id, user_id=user.pk)
        )
        if not attempt.is_open:
            raise CertificationError(
                _("This attempt is finished; answers can no longer change."), code="finished"
            )
        late = now > attempt.deadline + grace()
        if not late:
            item = (
                AttemptQuestion.objects.select_for_update()
                .only("id", "position", "snapshot", "response", "answered_at")
                .filter(attempt_id=attempt.pk, position=position)
                .first()
            )
            if item is None:
                raise CertificationError(_("There is no such question in this attempt."), code="no_question")
            response = grading.parse_response(item.snapshot, data, f"q{position}")
            item.response = response
            item.answered_at = now
            item.save(update_fields=["response", "answered_at"])
            return item
    # Outside the refused write: close and grade with what was saved in time.
    attempt_finish(attempt=attempt, user=None, now=now, by_deadline=True)
    raise CertificationError(
        late_message(),
        code="late",
    )


def attempt_answer_all(*, attempt: Attempt, user, data, now: datetime.datetime | None = None) -> int:
    """The no-JavaScript path: save every answer of the page form. All or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_attempt(attempt)
        if locked.user_id != user.pk:
            raise CertificationError(_("This is not your attempt."), code="not_yours")
        if not locked.is_open:
            raise CertificationError(
                _("This attempt is finished; answers can no longer change."), code="finished"
            )
        if now > locked.deadline + grace():
            late = True
        else:
            late = False
            items = list(AttemptQuestion.objects.select_for_update().filter(attempt=locked))
            for item in items:
                item.response = grading.parse_response(item.snapshot, data, f"q{item.position}")
                item.answered_at = now
            AttemptQuestion.objects.bulk_update(items, ["response", "answered_at"])
            return len(items)
    if late:
        attempt_finish(attempt=attempt, user=None, now=now, by_deadline=True)
        raise CertificationError(
            late_message(),
            code="late",
        )
    return 0


def attempt_finish(
    *, attempt: Attempt, user, now: datetime.datetime | None = None, by_deadline: bool = False
) -> Attempt:
    """Grade and close. A second finish (another tab, a double click) returns the graded attempt as is."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock_attempt(attempt)
        if user is not None and attempt.user_id != user.pk:
            raise CertificationError(_("This is not your attempt."), code="not_yours")
        if not attempt.is_open:
            return attempt
        items = list(attempt.questions.select_for_update())
        total = Decimal(0)
        for item in items:
            item.score = grading.grade_points(item.snapshot, item.response)
            total += item.score
        AttemptQuestion.objects.bulk_update(items, ["score"])
        attempt.status = AttemptStatus.FINISHED
        attempt.finished_at = min(now, attempt.deadline) if by_deadline else now
        attempt.closed_by_deadline = by_deadline
        attempt.score = total.quantize(Decimal("0.01"))
        attempt.percent = (
            (100 * total / attempt.max_score).quantize(Decimal("0.01")) if attempt.max_score else Decimal(0)
        )
        attempt.passed = attempt.percent >= attempt.pass_mark_percent
        attempt.save(
            update_fields=["status", "finished_at", "closed_by_deadline", "score", "percent", "passed"]
        )
        log(
            instance=attempt,
            action="certification.attempt.finish",
            user=user,
            data={"percent": str(attempt.percent), "passed": attempt.passed, "by_deadline": by_deadline},
        )
        if attempt.passed:
            certificate_issue(attempt=attempt, when=now)
            try:
                # A savepoint: a refusal from mentoring must not undo the grade or the certificate.
                with transaction.atomic():
                    _mentoring("certify", user=attempt.user, programme=attempt.quiz.programme, when=now)
            except ServiceError as exc:
                logger.warning("Mentoring refused certification for attempt %s: %s", attempt.pk, exc)
    return attempt


def attempt_refresh(*, attempt: Attempt, now: datetime.datetime | None = None) -> Attempt:
    """On every access: an attempt left open past its deadline is closed and graded now."""
    now = now or timezone.now()
    if attempt.is_open and now > attempt.deadline + grace():
        return attempt_finish(attempt=attempt, user=None, now=now, by_deadline=True)
    return attempt


def attempts_close_overdue(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    closed = 0
    for pk in Attempt.objects.overdue(now, grace()).values_list("pk", flat=True):
        attempt = Attempt.objects.get(pk=pk)
        if attempt_finish(attempt=attempt, user=None, now=now, by_deadline=True).closed_by_deadline:
            closed += 1
    return closed


def quiz_override_grant(
    *, quiz: Quiz, user, actor, reason: str, extra_minutes: int = 0, extra_attempts: int = 0
) -> QuizOverride:
    reason = (reason or "").strip()
    with transaction.atomic():
        profile = type(user).objects.select_related("profile").get(pk=user.pk).profile
        if not can_lead_line(actor, profile.line) or actor.pk == user.pk:
            raise CertificationError(
                _("You can only make exceptions for people of your lines."), code="not_lead"
            )
        if not reason:
            raise CertificationError(_("Give a reason for the exception."), code="no_reason")
        if extra_minutes <= 0 and extra_attempts <= 0:
            raise CertificationError(
                _("Grant extra minutes, an extra attempt, or both."), code="nothing_granted"
            )
        override = QuizOverride(
            quiz=quiz,
            user=user,
            extra_minutes=extra_minutes,
            extra_attempts=extra_attempts,
            reason=reason,
            granted_by=actor,
        )
        override.full_clean()
        override.save()
        if extra_minutes:
            # An attempt already in progress gets the extra time too.
            for attempt in Attempt.objects.select_for_update().filter(
                quiz=quiz, user=user, status=AttemptStatus.OPEN
            ):
                attempt.deadline += datetime.timedelta(minutes=extra_minutes)
                attempt.save(update_fields=["deadline"])
        log(
            instance=override,
            action="certification.override.grant",
            user=actor,
            data={
                "person": user.pk,
                "quiz": quiz.pk,
                "extra_minutes": extra_minutes,
                "extra_attempts": extra_attempts,
                "reason": reason,
            },
        )
    return override


# --- certificates ---------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def verify_url(code: str) -> str:
    base = (
        getattr(settings, "CERTIFICATION_PUBLIC_BASE_URL", "")
        or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
        or "http://localhost:8000"
    )
    return base.rstrip("/") + reverse("certification:verify", kwargs={"code": code})


def new_code() -> str:
    """256 random bits, URL-safe: unguessable and not enumerable."""
    return secrets.token_urlsafe(32)


def certificate_issue(*, attempt: Attempt, when: datetime.datetime | None = None) -> Certificate:
    """Freeze what is printed and queue the PDF (rendered by the task worker once this commits; a
    download before then renders it). Idempotent per attempt."""
    when = when or timezone.now()
    with transaction.atomic():
        existing = Certificate.objects.filter(attempt=attempt).first()
        if existing:
            return existing
        user = User.objects.select_related("profile").get(pk=attempt.user_id)
        programme = attempt.quiz.programme.specific
        enrolment = _mentoring("enrolment", user=user, programme=programme)
        mentor = getattr(enrolment, "mentor", None)
        mentor_name = mentor.profile.full_name if mentor is not None else ""
        issued_on = timezone.localdate(when)
        certificate = Certificate(
            user=user,
            programme=programme,
            line=programme.line,
            attempt=attempt,
            code=new_code(),
            holder_name=user.profile.full_name,
            programme_title=programme.title,
            line_name=programme.line.name,
            mentor_name=mentor_name,
            score_percent=attempt.percent,
            issued_on=issued_on,
            valid_until=add_months(issued_on, programme.certificate_validity_months),
        )
        certificate.page_html = pdf.render_page_html(
            certificate=certificate, verify_url=verify_url(certificate.code)
        )
        certificate.save()
        log(
            instance=certificate,
            action="certification.certificate.issue",
            user=None,
            data={"attempt": attempt.pk},
        )
        # robust: a queue that cannot be reached must not undo a graded attempt; the PDF is then
        # rendered at the first download.
        transaction.on_commit(lambda: store_certificate_pdf.enqueue(certificate.pk), robust=True)
    return certificate


def certificate_store_pdf(*, certificate_id: int) -> Certificate:
    """Render the frozen page into the stored PDF unless it is there already. The row lock makes a
    download and the task worker, or two workers, render it once."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.has_stored_pdf:
            return certificate
        content = pdf.render_pdf([certificate.page_html], title=certificate.holder_name)
        certificate.pdf.save(f"{certificate.code[:16]}.pdf", ContentFile(content), save=False)
        certificate.save(update_fields=["pdf"])
    return certificate


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    reason = (reason or "").strip()
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not can_lead_line(actor, certificate.line):
            raise CertificationError(
                _("Only a team lead of the certificate's line can revoke it."), code="not_lead"
            )
        if certificate.revoked_at:
            raise CertificationError(_("This certificate is already revoked."), code="already_revoked")
        if not reason:
            raise CertificationError(_("Give a reason for revoking the certificate."), code="no_reason")
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.revoke_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        log(
            instance=certificate,
            action="certification.certificate.revoke",
            user=actor,
            data={"reason": reason},
        )
    return certificate


def certificates_print(*, certificates: Iterable[Certificate]) -> bytes:
    """One PDF of the selected certificates in the given order, each exactly as issued.

    Joins the PDFs stored at issue: laying 570 pages out again takes WeasyPrint 10+ s of CPU,
    joining them well under one. Certificates whose stored PDF is missing are rendered from their
    frozen pages, consecutive ones as one document.
    """
    certificates = list(certificates)
    if not certificates:
        raise CertificationError(_("No certificates are selected."), code="empty")
    documents: list[bytes] = []
    unstored: list[Certificate] = []
    for certificate in certificates:
        stored = _stored_pdf(certificate)
        if stored is None:
            unstored.append(certificate)
            continue
        if unstored:
            documents.append(pdf.render_pdf([c.page_html for c in unstored]))
            unstored = []
        documents.append(stored)
    if unstored:
        documents.append(pdf.render_pdf([c.page_html for c in unstored]))
    return pdf.join_pdfs(documents)


def _stored_pdf(certificate: Certificate) -> bytes | None:
    if not certificate.pdf:
        return None
    try:
        with certificate.pdf.open("rb") as handle:
            content = handle.read()
    except OSError:
        logger.warning("Stored PDF of certificate %s is missing; rendering it again", certificate.pk)
        return None
    return content if content.startswith(b"%PDF-") else None


# --- question bank ---------------------------------------------------------------------------------


class GiftImportError(CertificationError):
    def __init__(self, errors) -> None:
        super().__init__(_("The GIFT text has errors; nothing was imported."), code="gift_invalid")
        self.errors = errors


def questions_import_gift(*, source: str, category, actor) -> list[Question]:
    """Import every question or none: any error is reported by line and nothing is written."""
    from django.core.exceptions import ValidationError

    from . import gift
    from .models import Choice, QuestionCategory

    parsed, errors = gift.parse(source)
    if errors:
        raise GiftImportError(errors)
    created: list[Question] = []
    with transaction.atomic():
        categories: dict[str, QuestionCategory] = {}
        for item in parsed:
            target = category
            if item.category:
                if item.category not in categories:
                    categories[item.category], _created = QuestionCategory.objects.get_or_create(
                        name=item.category[:150], line=category.line
                    )
                target = categories[item.category]
            question = Question(
                category=target,
                name=item.name,
                type=item.type,
                text=item.text,
                explanation=item.explanation,
                statement_is_true=item.statement_is_true,
                accepted_answers="\n".join(item.accepted),
            )
            try:
                question.full_clean()
                question.validate_choices([(c.text, c.is_correct) for c in item.choices])
            except ValidationError as exc:
                errors.append(gift.GiftError(item.line, "; ".join(exc.messages)))
                continue
            question.save()
            Choice.objects.bulk_create(
                [
                    Choice(
                        question=question,
                        text=c.text,
                        is_correct=c.is_correct,
                        feedback=c.feedback,
                        sort_order=i,
                    )
                    for i, c in enumerate(item.choices)
                ]
            )
            created.append(question)
        if errors:
            transaction.set_rollback(True)
            raise GiftImportError(errors)
        log(
            instance=category,
            action="certification.questions.import",
            user=actor,
            data={"count": len(created), "questions": [q.pk for q in created]},
        )
    return created
