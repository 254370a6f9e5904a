"""Signal receivers, connected in CoursesConfig.ready()."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import catalogue
from .models import LessonPage
from .services import lesson_record_publication

# Saves that touch only these fields (a draft, a lock) leave what readers see unchanged.
DRAFT_ONLY_FIELDS = frozenset(
    {
        "draft_title",
        "has_unpublished_changes",
        "latest_revision",
        "latest_revision_id",
        "latest_revision_created_at",
        "locked",
        "locked_at",
        "locked_by",
        "locked_by_id",
    }
)


@receiver(page_published, sender=LessonPage, dispatch_uid="courses_lesson_published")
def lesson_published(sender, instance: LessonPage, revision=None, **kwargs) -> None:
    lesson_record_publication(lesson=instance, revision=revision)


def page_saved(sender, instance: Page, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    catalogue.bump()


def connect_catalogue_invalidation() -> None:
    """Every page type (Wagtail's and other apps' too: a page anywhere may move into the library),
    view restrictions and sites bump the library's token when they change."""
    for model in apps.get_models():
        if issubclass(model, Page):
            uid = f"courses_catalogue_{model._meta.label_lower}"
            post_save.connect(page_saved, sender=model, dispatch_uid=f"{uid}_save")
            post_delete.connect(catalogue.bump, sender=model, dispatch_uid=f"{uid}_delete")
    for signal in (page_unpublished, post_page_move):
        signal.connect(catalogue.bump, dispatch_uid=f"courses_catalogue_{id(signal)}")
    for model in (PageViewRestriction, Site):
        uid = f"courses_catalogue_{model._meta.label_lower}"
        post_save.connect(catalogue.bump, sender=model, dispatch_uid=f"{uid}_save")
        post_delete.connect(catalogue.bump, sender=model, dispatch_uid=f"{uid}_delete")
    m2m_changed.connect(
        catalogue.bump, sender=PageViewRestriction.groups.through, dispatch_uid="courses_catalogue_groups"
    )
