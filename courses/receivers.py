"""Signal receivers, connected in CoursesConfig.ready()."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import LessonPage
from .services import lesson_record_publication


@receiver(page_published, sender=LessonPage, dispatch_uid="courses_lesson_published")
def lesson_published(sender, instance: LessonPage, revision=None, **kwargs) -> None:
    lesson_record_publication(lesson=instance, revision=revision)
