"""The training path of a learner: an enrolment, its stages, and what each stage records.

Nothing here is ever deleted: a withdrawn sign-off keeps its row (with who withdrew it and why), a
sent-back request keeps its comment, and every decision is also an audit entry on the enrolment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    STUDY = "study", _("Study")
    JOINT_REVIEW = "joint_review", _("Joint review")
    OBSERVATION = "observation", _("Observation")
    SUPERVISED = "supervised", _("Supervised work")
    CERTIFICATION = "certification", _("Certification")


# Stages a person signs off. Study completes when the lessons are studied, certification when the
# quiz is passed: nobody's word replaces those.
SIGNED_STAGES = frozenset({Stage.JOINT_REVIEW, Stage.OBSERVATION, Stage.SUPERVISED})


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def active(self) -> EnrolmentQuerySet:
        return self.filter(status=Enrolment.Status.ACTIVE)

    def in_lines(self, lines) -> EnrolmentQuerySet:
        return self.filter(learner__profile__line__in=lines)


class Enrolment(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    class Kind(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding")
        REFRESHER = "refresher", _("Refresher")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentee_enrolments",
        verbose_name=_("mentor"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ONBOARDING)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    current_stage = models.CharField(
        _("current stage"), max_length=20, choices=Stage.choices, default=Stage.STUDY
    )
    stage_started_at = models.DateTimeField(_("current stage since"))
    # A refresher studies these lessons (what changed on the host line) instead of the programme's.
    lessons = models.ManyToManyField(
        "courses.LessonPage", blank=True, related_name="+", verbose_name=_("lessons to study")
    )
    created_at = models.DateTimeField(_("enrolled at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("enrolled by"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor__isnull=True) | ~Q(mentor=F("learner")),
                name="enrolment_mentor_is_not_learner",
            ),
            models.UniqueConstraint(
                fields=["learner", "programme", "kind"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(status="completed", completed_at__isnull=False)
                | ~Q(status="completed") & Q(completed_at__isnull=True),
                name="enrolment_completed_at_iff_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["status", "current_stage"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner.profile.full_name}: {self.programme.title}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def stage_sequence(self) -> tuple[Stage, ...]:
        return stage_sequence(self.kind)


def stage_sequence(kind: str) -> tuple[Stage, ...]:
    if kind == Enrolment.Kind.REFRESHER:
        return (Stage.STUDY, Stage.JOINT_REVIEW, Stage.SUPERVISED)
    return tuple(Stage)


class StageProgress(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        PENDING = "pending", _("Not started")
        OPEN = "open", _("In progress")
        DONE = "done", _("Done")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="stages", verbose_name=_("enrolment")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["enrolment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "stage"], name="stage_once_per_enrolment"),
            models.UniqueConstraint(fields=["enrolment", "position"], name="stage_position_unique"),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False)
                | ~Q(status="done") & Q(completed_at__isnull=True),
                name="stage_completed_at_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.get_stage_display()}"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_signed(self) -> bool:
        return self.stage in SIGNED_STAGES


class StageSignOff(models.Model):
    """A person's sign-off of a stage. Withdrawing it fills the withdrawal fields; the row stays."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    stage = models.ForeignKey(
        StageProgress, on_delete=models.PROTECT, related_name="sign_offs", verbose_name=_("stage")
    )
    # Copied from the enrolment so that the database itself refuses a self sign-off.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("learner")
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed off by")
    )
    signed_at = models.DateTimeField(_("signed off at"))
    note = models.TextField(_("note"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage"], condition=Q(withdrawn_at__isnull=True), name="signoff_once_per_stage"
            ),
            models.CheckConstraint(condition=~Q(signed_by=F("learner")), name="signoff_not_by_learner"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_by__isnull=False) & ~Q(withdraw_reason=""),
                name="signoff_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return str(self.stage)


class SignOffRequest(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the mentor")
        ACCEPTED = "accepted", _("Signed off")
        SENT_BACK = "sent_back", _("Sent back")

    stage = models.ForeignKey(
        StageProgress, on_delete=models.PROTECT, related_name="requests", verbose_name=_("stage")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked at"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    resolved_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("sign-off request")
        verbose_name_plural = _("sign-off requests")
        ordering = ["requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage"], condition=Q(status="open"), name="signoff_request_one_open_per_stage"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent_back") | ~Q(comment=""), name="signoff_request_send_back_comment"
            ),
        ]

    def __str__(self) -> str:
        return str(self.stage)


class ReviewPoint(models.Model):
    """A key point of the programme gone over in the joint review (ticked or, later, unticked)."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="review_points", verbose_name=_("enrolment")
    )
    # The key point's stable key from courses.selectors.programme_key_points; the text is copied so
    # the record still reads right after an editor rewrites the lesson.
    key = models.CharField(_("key"), max_length=200)
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("lesson")
    )
    point = models.CharField(_("key point"), max_length=300)
    ticked = models.BooleanField(_("covered"), default=True)
    note = models.TextField(_("note"), blank=True)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ticked by")
    )
    ticked_at = models.DateTimeField(_("ticked at"))

    class Meta:
        verbose_name = _("reviewed key point")
        verbose_name_plural = _("reviewed key points")
        constraints = [models.UniqueConstraint(fields=["enrolment", "key"], name="review_point_once")]

    def __str__(self) -> str:
        return self.point


class ReviewQuestion(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="questions", verbose_name=_("enrolment")
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asked_at = models.DateTimeField(_("asked at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["asked_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="review_question_not_empty"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""), name="review_answer_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]


class Shift(models.TextChoices):
    # From the domain brief: two 6-hour weekday shifts, one 8-hour weekend shift.
    DAY = "day", _("Day shift 09:00–15:00")
    EVENING = "evening", _("Evening shift 15:00–21:00")
    WEEKEND = "weekend", _("Weekend shift (8 hours)")


class ObservationEntry(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="observations", verbose_name=_("enrolment")
    )
    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=20, choices=Shift.choices)
    hours = models.DecimalField(_("hours"), max_digits=3, decimal_places=1)
    requests_observed = models.PositiveIntegerField(_("requests observed"))
    questions = models.TextField(_("questions asked"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    logged_at = models.DateTimeField(_("logged at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("observation session")
        verbose_name_plural = _("observation sessions")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date", "shift"], name="observation_once_per_shift"),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=12), name="observation_hours_range"
            ),
            models.CheckConstraint(
                condition=~Q(confirmed_by=F("logged_by")), name="observation_not_self_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()}"


class SupervisedShift(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="supervised_shifts", verbose_name=_("enrolment")
    )
    date = models.DateField(_("date"))
    shift = models.CharField(_("shift"), max_length=20, choices=Shift.choices)
    requests_handled = models.PositiveIntegerField(_("requests handled"))
    requests_corrected = models.PositiveIntegerField(_("requests corrected"))
    feedback = models.TextField(_("feedback"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("supervised shift")
        verbose_name_plural = _("supervised shifts")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "date", "shift"], name="supervised_once_per_shift"),
            models.CheckConstraint(condition=Q(requests_handled__gt=0), name="supervised_handled_positive"),
            models.CheckConstraint(
                condition=Q(requests_corrected__lte=F("requests_handled")),
                name="supervised_corrected_within_handled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()}"
