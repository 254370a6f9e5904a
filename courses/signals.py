"""Signals other apps listen to, so that courses never imports the apps built on it."""

from django.dispatch import Signal

# Sent after the transaction commits, with sender=LessonProgress, user=, lesson=, progress=.
lesson_studied = Signal()
