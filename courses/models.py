from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageQuerySet, Revision
from wagtail.search import index
from wagtail.url_routing import RouteResult

from .blocks import LessonStreamBlock
from .forms import LessonPageForm

if TYPE_CHECKING:
    from trainingsite.models import Line


class CataloguedPage:
    """View restrictions from the per-process catalogue: Wagtail's check on every page served
    otherwise costs two queries (ancestors, then restrictions) even where there is none."""

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        from .catalogue import catalogue

        library = catalogue()
        if library.has_aliases or self.alias_of_id or not self.pk:
            return super().get_view_restrictions()
        ids = [restriction.id for restriction in library.applicable_restrictions(self)]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)


class TrainingLibraryPage(CataloguedPage, Page):
    """The root of all study material; the Site's root page, served at /library/."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.ProgrammePage"]
    max_count = 1
    page_description = _("The training library: every programme lives under it.")
    template = "courses/library_page.html"

    def route(self, request, path_components):
        """Find the page for a URL from the catalogue's table of URLs, then load only that page,
        instead of one query per level of the tree.

        Nothing below the library routes specially (no RoutablePageMixin), so the page whose
        materialised URL matches is exactly what Wagtail's level-by-level walk would find.
        """
        from .catalogue import catalogue, page_model

        if not path_components:
            # This instance may be the catalogue's, shared by every request: serve a fresh one.
            return (
                RouteResult(type(self).objects.get(pk=self.pk)) if self.live else super().route(request, [])
            )
        url_path = f"{self.url_path}{'/'.join(path_components)}/"
        found = catalogue().routes.get(url_path)
        if found is None:
            raise Http404
        pk, content_type_id = found
        model = page_model(content_type_id)
        related = getattr(model, "route_select_related", ())
        # The catalogue may be a moment ahead of its token, never behind it: check the page itself.
        page = model.objects.select_related(*related).filter(pk=pk).first()
        if page is None or not page.live or page.url_path != url_path:
            raise Http404
        return RouteResult(page)

    def get_context(self, request, *args, **kwargs):
        from .context import library_context

        return {**super().get_context(request, *args, **kwargs), **library_context(request, self)}

    class Meta:
        verbose_name = _("training library")


class ProgrammeQuerySet(PageQuerySet):
    def for_line(self, line: Line) -> ProgrammeQuerySet:
        return self.filter(line=line)


class ProgrammePage(CataloguedPage, Page):
    """A training programme for a line (and optionally a group), with its stage rules."""

    line = models.ForeignKey(
        "trainingsite.Line", on_delete=models.PROTECT, related_name="programmes", verbose_name=_("line")
    )
    group = models.ForeignKey(
        "trainingsite.SupportGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("group"),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    # Stage rules, read by mentoring and certification.
    min_observation_hours = models.PositiveSmallIntegerField(
        _("minimum observation hours"),
        default=12,
        help_text=_("Hours of watching the mentor work before sign-off, e.g. 12 = two 6-hour shifts."),
    )
    min_supervised_requests = models.PositiveIntegerField(
        _("minimum supervised requests"),
        default=50,
        help_text=_("Requests the newcomer must handle under supervision before sign-off."),
    )
    max_correction_rate = models.PositiveSmallIntegerField(
        _("maximum correction rate (%)"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of supervised requests the mentor had to correct, over the recent shifts."),
    )
    correction_window_shifts = models.PositiveSmallIntegerField(
        _("recent shifts counted"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("How many of the latest supervised shifts the correction rate is measured over."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), default=12, validators=[MinValueValidator(1)]
    )

    objects = PageManager.from_queryset(ProgrammeQuerySet)()
    # Loaded with the page when it is served (see TrainingLibraryPage.route): the template shows them.
    route_select_related = ("line", "group")

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("line"), FieldPanel("group")]),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_observation_hours"), FieldPanel("min_supervised_requests")]),
                FieldRowPanel([FieldPanel("max_correction_rate"), FieldPanel("correction_window_shifts")]),
                FieldPanel("certificate_validity_months"),
            ],
            heading=_("Stage rules"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.FilterField("line_id")]
    parent_page_types = ["courses.TrainingLibraryPage"]
    subpage_types = ["courses.ModulePage", "courses.LessonPage"]
    page_description = _(
        "A training programme for a line or group: its lessons in order and its stage rules."
    )

    template = "courses/programme_page.html"

    def get_context(self, request, *args, **kwargs):
        from .context import programme_context

        return {**super().get_context(request, *args, **kwargs), **programme_context(request, self)}

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class ModulePage(CataloguedPage, Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.ProgrammePage"]
    subpage_types = ["courses.LessonPage"]
    page_description = _("A group of lessons inside a programme.")
    template = "courses/module_page.html"

    def get_context(self, request, *args, **kwargs):
        from .context import module_context

        return {**super().get_context(request, *args, **kwargs), **module_context(request, self)}

    class Meta:
        verbose_name = _("module")


class LessonQuerySet(PageQuerySet):
    def in_programme(self, programme: ProgrammePage) -> LessonQuerySet:
        return self.descendant_of(programme)


class LessonPage(CataloguedPage, Page):
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences for lists."))
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Required lessons must be studied to finish the study stage."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("time to study (minutes)"), default=10)
    # Set when a revision is published as a substantive change (not a typo fix): learners who studied
    # an earlier revision see "changed since you studied it".
    last_substantive_revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    substantive_change_at = models.DateTimeField(null=True, blank=True, editable=False)
    minor_change = models.BooleanField(
        _("minor change"),
        default=False,
        help_text=_("A typo or wording fix: publishing it does not flag the lesson as changed for learners."),
    )

    objects = PageManager.from_queryset(LessonQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("required"), FieldPanel("estimated_minutes")]),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("minor_change")],
            heading=_("This publication"),
            help_text=_(
                "Leave unticked when the lesson's meaning changed: everyone who studied it "
                "will be asked to look at the changes."
            ),
        ),
    ]
    settings_panels = [*Page.settings_panels]
    base_form_class = LessonPageForm
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["courses.ProgrammePage", "courses.ModulePage"]
    subpage_types: list[str] = []
    page_description = _("A lesson: text, response templates, procedures and the key points for review.")
    template = "courses/lesson_page.html"

    def get_context(self, request, *args, **kwargs):
        from .context import study_context

        return {**super().get_context(request, *args, **kwargs), **study_context(request, self)}

    def contents(self) -> list[tuple[str, str]]:
        """(anchor, text) of the lesson's section headings, for its table of contents."""
        # Raw data: reading headings must not load the images and documents of other blocks.
        return [
            (f"section-{block['id']}", block["value"]["text"])
            for block in self.body.raw_data
            if block["type"] == "heading" and block["value"].get("level", "h2") == "h2"
        ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")


class LessonProgress(models.Model):
    """A learner studied a lesson; which revision they studied is what makes "changed since" work."""

    # A record, not content: Wagtail's usage listings need not show it, and indexing its
    # references on every save cost queries on the busiest paths.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("user"),
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson")
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("revision studied")
    )
    studied_at = models.DateTimeField(_("studied at"))

    class Meta:
        verbose_name = _("lesson studied")
        verbose_name_plural = _("lessons studied")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_one_per_user_lesson")
        ]
        indexes = [models.Index(fields=["lesson", "user"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.lesson}"


class LibraryVersion(models.Model):
    """One row whose token changes whenever the library's pages, view restrictions or sites change.

    Every app process keeps its own copy of the published tree (`courses.catalogue`); reading this
    token is how a process learns that an editor, in another process, changed something."""

    token = models.CharField(max_length=32, blank=True, editable=False)

    def __str__(self) -> str:
        return self.token
