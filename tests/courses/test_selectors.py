from django.db.models import Q
from wagtail import hooks

from courses.models import LessonProgress
from courses.selectors import (
    ASSIGNED_PROGRAMMES_HOOK,
    changed_lessons_for,
    is_study_complete,
    lessons_changed_since_studied,
    programme_key_points,
    programme_outline,
    programmes_for,
    programmes_progress,
)
from courses.services import lesson_mark_studied
from tests.factories import SupportGroupFactory, make_lesson, make_programme, person, publish_change
from trainingsite.roles import Role


def test_programmes_for_a_first_line_agent_are_their_lines(newcomer, programme, other_line):
    make_programme(line=other_line)
    assert list(programmes_for(newcomer)) == [programme]


def test_programmes_for_a_group_member_include_the_lines_and_their_groups(other_line, group):
    general = make_programme(line=other_line, title="Second line: general")
    own = make_programme(line=other_line, group=group)
    make_programme(line=other_line, group=SupportGroupFactory(line=other_line, code="web"))
    agent = person(roles=[Role.AGENT], line=other_line, group=group)
    assert list(programmes_for(agent)) == [general, own]


def test_programmes_for_without_a_line_is_empty(line, programme):
    assert list(programmes_for(person(roles=[Role.AGENT], line=line, username="x"))) == [programme]
    nobody = person(roles=[Role.AGENT], line=line, username="y")
    nobody.profile.line = None
    nobody.profile.save()
    assert list(programmes_for(nobody)) == []


def test_programmes_for_can_be_widened_by_another_app(newcomer, programme, other_line):
    extra = make_programme(line=other_line)

    def enrolments(user):
        return Q(pk=extra.pk)

    with hooks.register_temporarily(ASSIGNED_PROGRAMMES_HOOK, enrolments):
        assert list(programmes_for(newcomer)) == [programme, extra]


def test_programmes_progress_counts_required_and_optional(newcomer, lessons, programme):
    first, required, optional = lessons
    lesson_mark_studied(user=newcomer, lesson=optional)
    [progress] = programmes_progress(user=newcomer, programmes=[programme])
    assert (progress.total, progress.studied, progress.percent) == (3, 1, 33)
    assert (progress.required_total, progress.required_studied) == (2, 0)
    assert progress.outstanding_required == (first, required)
    assert progress.next_lesson == first
    assert not progress.study_complete
    lesson_mark_studied(user=newcomer, lesson=first)
    lesson_mark_studied(user=newcomer, lesson=required)
    assert is_study_complete(user=newcomer, programme=programme)


def test_continue_where_you_left_off_follows_the_latest_studied_lesson(newcomer, lessons, programme):
    first, second, third = lessons
    lesson_mark_studied(user=newcomer, lesson=second)
    [progress] = programmes_progress(user=newcomer, programmes=[programme])
    assert progress.continue_lesson == third
    lesson_mark_studied(user=newcomer, lesson=third)
    [progress] = programmes_progress(user=newcomer, programmes=[programme])
    assert progress.continue_lesson == first  # nothing after the latest: back to the first gap


def test_unpublished_lessons_do_not_count(newcomer, programme, lessons):
    make_lesson(parent=programme, publish=False)
    [progress] = programmes_progress(user=newcomer, programmes=[programme])
    assert progress.total == 3


def test_programme_outline_groups_lessons_by_module(newcomer, lessons, programme, module):
    _, sections = programme_outline(user=newcomer, programme=programme)
    assert [s.module for s in sections] == [None, module]
    assert [[status.lesson for status in s.lessons] for s in sections] == [[lessons[0]], lessons[1:]]


def test_lessons_changed_since_studied_for_rotation(newcomer, lessons, line):
    first, second, third = lessons
    lesson_mark_studied(user=newcomer, lesson=first)
    lesson_mark_studied(user=newcomer, lesson=second)
    publish_change(second)
    publish_change(first, minor=True)
    changed = lessons_changed_since_studied(user=newcomer, line=line, include_never_studied=False)
    assert [item.lesson for item in changed] == [second]
    everything = lessons_changed_since_studied(user=newcomer, line=line)
    assert [(item.lesson, item.never_studied) for item in everything] == [(second, False), (third, True)]


def test_changed_lessons_for_includes_self_study_outside_the_programme(agent_of_other_line, lesson):
    lesson_mark_studied(user=agent_of_other_line, lesson=lesson)
    assert not changed_lessons_for(agent_of_other_line).exists()
    publish_change(lesson)
    assert [p.lesson_id for p in changed_lessons_for(agent_of_other_line)] == [lesson.pk]


def test_progress_without_a_revision_compares_by_date(newcomer, lesson):
    # The studied revision was purged (Wagtail's purge_revisions): fall back to dates.
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    LessonProgress.objects.filter(pk=progress.pk).update(revision=None)
    assert not changed_lessons_for(newcomer).exists()
    publish_change(lesson)
    assert changed_lessons_for(newcomer).count() == 1


def test_programme_key_points_lists_every_lessons_points(lessons, programme):
    points = programme_key_points(programme)
    assert [p.point for p in points] == ["Balance first"] * 3
    assert len({p.key for p in points}) == 1  # same block ids in the factory body: keys are per block
    assert [p.lesson for p in points] == lessons
