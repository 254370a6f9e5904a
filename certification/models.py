"""Question bank, quizzes, attempts and certificates.

The bank (categories, questions, quizzes) is edited in the Wagtail admin; attempts and certificates
are learner records written only by `services.py`. An attempt never reads the live bank after it
starts: each drawn question is frozen into `AttemptQuestion.snapshot`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index


class QuestionCategory(index.Indexed, models.Model):
    """A topic of the bank, per line (e.g. "First line: access recovery")."""

    name = models.CharField(_("name"), max_length=150)
    line = models.ForeignKey(
        "trainingsite.Line",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="question_categories",
        verbose_name=_("line"),
        help_text=_("Leave empty for topics every line shares."),
    )
    description = models.TextField(_("description"), blank=True)

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["line__level", "name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        constraints = [
            models.UniqueConstraint(fields=["line", "name"], name="question_category_unique_in_line"),
        ]

    def __str__(self) -> str:
        return f"{self.line.name}: {self.name}" if self.line_id else self.name


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "truefalse", _("True / false")
    ORDERING = "ordering", _("Ordering")
    SHORT = "short", _("Short answer")


class Question(RevisionMixin, index.Indexed, ClusterableModel):
    """A question of the bank. Every saved edit is a new `version` (and a Wagtail revision, so editors
    can compare wordings in the admin); attempts keep the frozen copy of the version they drew."""

    category = models.ForeignKey(
        QuestionCategory, on_delete=models.PROTECT, related_name="questions", verbose_name=_("category")
    )
    name = models.CharField(
        _("short name"), max_length=150, help_text=_("For editors' lists and item analysis.")
    )
    type = models.CharField(
        _("type"), max_length=12, choices=QuestionType.choices, default=QuestionType.SINGLE
    )
    text = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown in review when the quiz's review policy allows it.")
    )
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    statement_is_true = models.BooleanField(
        _("the statement is true"), default=True, help_text=_("For true / false questions only.")
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("For short-answer questions: one per line. Case and spaces are ignored."),
    )
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Retired questions are not drawn into new attempts.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("type")]),
        FieldPanel("name"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("is_active")]),
        MultiFieldPanel(
            [FieldPanel("statement_is_true"), FieldPanel("accepted_answers")],
            heading=_("True / false and short answer"),
        ),
        InlinePanel(
            "choices",
            heading=_("Choices"),
            label=_("Choice"),
            help_text=_(
                "Single and multiple choice: mark the right choices. Ordering: list the steps in the "
                "right order; learners see them shuffled."
            ),
        ),
        FieldPanel("explanation"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("text"),
        index.AutocompleteField("name"),
        index.FilterField("category_id"),
        index.FilterField("type"),
    ]

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A new version on every edit: attempts already taken hold a frozen copy of the one they drew,
        # and item analysis can tell answers to different wordings apart.
        update_fields = kwargs.get("update_fields")
        # Saving only the revision pointer (Wagtail does so after each edit) is not a new version.
        if self.pk is not None and (update_fields is None or set(update_fields) - {"latest_revision"}):
            self.version += 1
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)

    @property
    def revisions(self):
        return self._revisions

    def accepted_answer_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def validate_choices(self, choices: list[tuple[str, bool]]) -> None:
        """Per-type rules on (text, is_correct) pairs; raises ValidationError."""
        correct = sum(1 for _text, ok in choices if ok)
        if self.type == QuestionType.SINGLE:
            if len(choices) < 2 or correct != 1:
                raise ValidationError(
                    _("A single-choice question needs at least two choices, exactly one right.")
                )
        elif self.type == QuestionType.MULTIPLE:
            if len(choices) < 2 or correct < 1:
                raise ValidationError(
                    _("A multiple-choice question needs at least two choices, one or more right.")
                )
        elif self.type == QuestionType.ORDERING and len(choices) < 2:
            raise ValidationError(_("An ordering question needs at least two steps."))
        elif self.type == QuestionType.SHORT and not self.accepted_answer_list():
            raise ValidationError({"accepted_answers": _("Give at least one accepted answer.")})


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("right"), default=False)
    feedback = models.CharField(
        _("feedback"), max_length=500, blank=True, help_text=_("Shown in review to whoever picked it.")
    )

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")]), FieldPanel("feedback")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class ReviewPolicy(models.TextChoices):
    NOTHING = "nothing", _("Nothing")
    SCORE = "score", _("Score only")
    CORRECTNESS = "correctness", _("Score and which answers were right")
    ANSWERS = "answers", _("Score, correctness and the right answers")
    FULL = "full", _("Everything, with feedback and explanations")


REVIEW_LEVELS = [
    ReviewPolicy.NOTHING,
    ReviewPolicy.SCORE,
    ReviewPolicy.CORRECTNESS,
    ReviewPolicy.ANSWERS,
    ReviewPolicy.FULL,
]


class QuizQuerySet(models.QuerySet["Quiz"]):
    def active(self) -> QuizQuerySet:
        return self.filter(is_active=True)


class Quiz(ClusterableModel):
    """The certification quiz of a programme."""

    programme = models.OneToOneField(
        "courses.ProgrammePage", on_delete=models.PROTECT, related_name="quiz", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("instructions"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, validators=[MinValueValidator(1)]
    )
    delay_minutes = models.PositiveIntegerField(
        _("delay between attempts (minutes)"), default=60, help_text=_("0 lets a learner retry at once.")
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review_policy = models.CharField(
        _("after finishing, the learner sees"),
        max_length=12,
        choices=ReviewPolicy.choices,
        default=ReviewPolicy.CORRECTNESS,
    )
    is_active = models.BooleanField(_("open to learners"), default=True)

    objects = QuizQuerySet.as_manager()

    panels = [
        FieldPanel("programme"),
        FieldPanel("title"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark_percent")]),
                FieldRowPanel([FieldPanel("attempts_allowed"), FieldPanel("delay_minutes")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldPanel("review_policy"),
                FieldPanel("is_active"),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("sections", heading=_("Sections"), label=_("Section"), min_num=1),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=1, pass_mark_percent__lte=100), name="quiz_pass_mark_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def review_allows(self, level: str) -> bool:
        return REVIEW_LEVELS.index(self.review_policy) >= REVIEW_LEVELS.index(level)


class QuizSection(Orderable, ClusterableModel):
    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=150, blank=True)
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draw from category"),
    )
    draw_count = models.PositiveSmallIntegerField(_("questions to draw"), default=5)
    fixed_questions = ParentalManyToManyField(
        Question, blank=True, related_name="+", verbose_name=_("or these questions")
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("draw_count")]),
        FieldPanel("fixed_questions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title or str(self.category or "")


class QuizOverride(models.Model):
    """A team lead's exception for one person: extra minutes and/or an extra attempt, with a reason."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("quiz"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    created_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz exception")
        verbose_name_plural = _("quiz exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(extra_minutes__gt=0) | Q(extra_attempts__gt=0), name="override_grants_something"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.quiz}"


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    FINISHED = "finished", _("Finished")


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def open(self) -> AttemptQuerySet:
        return self.filter(status=AttemptStatus.OPEN)

    def finished(self) -> AttemptQuerySet:
        return self.filter(status=AttemptStatus.FINISHED)

    def overdue(self, now: datetime.datetime, grace: datetime.timedelta) -> AttemptQuerySet:
        return self.open().filter(deadline__lt=now - grace)


class Attempt(models.Model):
    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("quiz"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    started_at = models.DateTimeField(_("started"))
    deadline = models.DateTimeField(_("deadline"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    closed_by_deadline = models.BooleanField(_("closed at the deadline"), default=False)
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%)"))
    review_policy = models.CharField(_("review policy"), max_length=12, choices=ReviewPolicy.choices)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            # At most one attempt in progress per learner and quiz, whatever the number of tabs.
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(status="open"), name="attempt_one_open_per_quiz"
            ),
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(finished_at__isnull=False, score__isnull=False),
                name="attempt_finished_is_graded",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.number} — {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    def seconds_left(self, now: datetime.datetime | None = None) -> int:
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    def review_allows(self, level: str) -> bool:
        return REVIEW_LEVELS.index(self.review_policy) >= REVIEW_LEVELS.index(level)


class AttemptQuestion(models.Model):
    """One drawn question, frozen at start: its version, text, choices and the order shown.

    `snapshot` = {"type", "name", "text", "explanation", "points", "version",
    "choices": [{"id": opaque token, "text", "correct", "feedback", "rank"}] in the order shown
    ("rank" is the right position for ordering questions), "accepted": [...], "statement_is_true"}.
    Choice ids are random per attempt, so ids seen in one attempt mean nothing in another.
    """

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    question_version = models.PositiveIntegerField(_("question version"))
    snapshot = models.JSONField(_("frozen question"))
    response = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_question_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"

    @property
    def max_points(self) -> Decimal:
        return Decimal(self.snapshot["points"])


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid_on(self, day: datetime.date) -> CertificateQuerySet:
        return self.filter(revoked_at__isnull=True, valid_until__gte=day)

    def expiring_within(self, day: datetime.date, days: int) -> CertificateQuerySet:
        return self.valid_on(day).filter(valid_until__lte=day + datetime.timedelta(days=days))

    def in_lines(self, lines) -> CertificateQuerySet:
        return self.filter(line__in=lines)


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    """What is printed is frozen here at issue, and the PDF is stored: later edits never alter it."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    programme = models.ForeignKey(
        "courses.ProgrammePage", on_delete=models.PROTECT, related_name="+", verbose_name=_("programme")
    )
    line = models.ForeignKey(
        "trainingsite.Line", on_delete=models.PROTECT, related_name="+", verbose_name=_("line")
    )
    attempt = models.OneToOneField(
        Attempt, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=64, unique=True, editable=False)
    holder_name = models.CharField(_("name"), max_length=400)
    programme_title = models.CharField(_("programme"), max_length=255)
    line_name = models.CharField(_("line"), max_length=255)
    mentor_name = models.CharField(_("mentor"), max_length=400, blank=True)
    score_percent = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    page_html = models.TextField(editable=False, help_text="The certificate's page as printed at issue.")
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "holder_name"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="certificate_dates"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revocation_reason",
            ),
        ]
        indexes = [models.Index(fields=["line", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.holder_name} — {self.programme_title}"

    @property
    def has_stored_pdf(self) -> bool:
        """The PDF is laid out after the issue commits (certification.tasks); until then it is empty."""
        return bool(self.pdf) and self.pdf.storage.exists(self.pdf.name)

    def status_on(self, day: datetime.date | None = None) -> str:
        if self.revoked_at:
            return CertificateStatus.REVOKED
        if self.valid_until < (day or timezone.localdate()):
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return CertificateStatus(self.status).label
