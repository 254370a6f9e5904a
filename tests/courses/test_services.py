import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry, PageViewRestriction

from courses.errors import StudyError
from courses.models import LessonProgress
from courses.selectors import is_changed_since
from courses.services import lesson_mark_studied
from courses.signals import lesson_studied
from tests.factories import make_lesson, person, publish_change
from trainingsite.roles import Role


def test_lesson_mark_studied_records_the_live_revision(newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    assert progress.revision_id == lesson.live_revision_id
    assert progress.user == newcomer
    assert ModelLogEntry.objects.filter(action="courses.lesson.studied", user=newcomer).count() == 1


def test_lesson_mark_studied_twice_changes_nothing(newcomer, lesson):
    first = lesson_mark_studied(user=newcomer, lesson=lesson)
    again = lesson_mark_studied(user=newcomer, lesson=lesson)
    assert again.pk == first.pk
    assert again.studied_at == first.studied_at
    assert LessonProgress.objects.count() == 1
    assert ModelLogEntry.objects.filter(action__startswith="courses.lesson.").count() == 1


def test_lesson_mark_studied_after_a_change_moves_to_the_new_revision(newcomer, lesson):
    old = lesson_mark_studied(user=newcomer, lesson=lesson)
    changed = publish_change(lesson)
    assert is_changed_since(lesson=changed, progress=old)
    progress = lesson_mark_studied(user=newcomer, lesson=changed)
    assert progress.pk == old.pk
    assert progress.revision_id == changed.live_revision_id
    assert not is_changed_since(lesson=changed, progress=progress)
    assert ModelLogEntry.objects.filter(action="courses.lesson.restudied").count() == 1


def test_lesson_mark_studied_sends_the_signal_after_commit(
    newcomer, lesson, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, user, lesson, progress, **kwargs):
        received.append((sender, user, lesson.pk, progress.pk))

    lesson_studied.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            progress = lesson_mark_studied(user=newcomer, lesson=lesson)
            assert received == []
        for callback in callbacks:
            callback()
    finally:
        lesson_studied.disconnect(receiver)
    assert received == [(LessonProgress, newcomer, lesson.pk, progress.pk)]


def test_lesson_mark_studied_refuses_an_unpublished_lesson(newcomer, module):
    draft = make_lesson(parent=module, publish=False)
    with pytest.raises(StudyError) as error:
        lesson_mark_studied(user=newcomer, lesson=draft)
    assert error.value.code == "not_live"
    assert not LessonProgress.objects.exists()


def test_lesson_mark_studied_refuses_a_restricted_lesson(newcomer, lesson):
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=Role.TEAM_LEAD.value))
    with pytest.raises(StudyError) as error:
        lesson_mark_studied(user=newcomer, lesson=lesson)
    assert error.value.code == "restricted"
    assert not LessonProgress.objects.exists()


def test_lesson_mark_studied_accepts_a_restriction_the_learner_passes(newcomer, lesson):
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=Role.AGENT.value))
    assert lesson_mark_studied(user=newcomer, lesson=lesson).pk


def test_lesson_mark_studied_refuses_someone_who_is_not_an_agent(editor, lesson):
    with pytest.raises(StudyError) as error:
        lesson_mark_studied(user=editor, lesson=lesson)
    assert error.value.code == "not_agent"
    assert not LessonProgress.objects.exists()


def test_lesson_mark_studied_refuses_a_deactivated_agent(line, lesson):
    gone = person(roles=[Role.AGENT], line=line, is_active=False)
    with pytest.raises(StudyError):
        lesson_mark_studied(user=gone, lesson=lesson)
    assert not LessonProgress.objects.exists()


def test_agents_may_study_material_beyond_their_own_programme(agent_of_other_line, lesson):
    assert lesson_mark_studied(user=agent_of_other_line, lesson=lesson).pk
