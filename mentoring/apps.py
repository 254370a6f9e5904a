from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from courses.models import LessonProgress

        from .signals import on_lesson_studied

        # post_save covers every way progress is written; courses' own `lesson_studied` signal, once
        # it exists, is connected too (the receiver is idempotent, so both firing is harmless).
        post_save.connect(on_lesson_studied, sender=LessonProgress, dispatch_uid="mentoring_lesson_saved")
        try:
            from courses.signals import lesson_studied
        except ImportError:
            return
        lesson_studied.connect(on_lesson_studied, dispatch_uid="mentoring_lesson_studied")
