"""The per-process catalogue of the library: reused while the library's token is unchanged, reloaded
by the next request of any process once an editor changes a page, a view restriction or a site."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from courses import catalogue as catalogue_module
from courses.catalogue import catalogue, current_token
from courses.models import LessonPage, LibraryVersion
from tests.factories import make_lesson, make_module, publish_change


def another_process_changed_the_library() -> None:
    """What an editor's publication in another app process leaves in this one's database: a new token,
    and this process's copy untouched (its receivers never ran)."""
    LibraryVersion.objects.update_or_create(pk=1, defaults={"token": "written-by-another-process"})


@pytest.fixture
def reader(client, newcomer):
    client.force_login(newcomer)
    return client


def test_catalogue_is_reused_while_the_token_is_unchanged(lessons):
    first = catalogue()
    with CaptureQueriesContext(connection) as context:
        again = catalogue()
    assert again is first
    assert len(context) == 1  # the token, nothing of the tree


def test_reloading_the_catalogue_costs_the_same_whatever_the_library_size(programme, module, lessons):
    def reload_queries() -> int:
        catalogue_module._cached = None
        with CaptureQueriesContext(connection) as context:
            catalogue()
        return len(context)

    small = reload_queries()
    for n in range(30):
        make_lesson(parent=module if n % 2 else programme, title=f"More {n}")
    assert reload_queries() == small


def test_catalogue_lists_live_lessons_of_each_programme_in_tree_order(programme, lessons, module):
    draft = make_lesson(parent=module, title="Draft", publish=False)
    listed = catalogue().programme_lessons(programme)
    assert [lesson.pk for lesson in listed] == [lesson.pk for lesson in lessons]
    assert draft.pk not in {lesson.pk for lesson in listed}


def test_a_title_changed_by_another_process_shows_on_the_next_request(reader, programme, lessons):
    first = lessons[0]
    assert "Lines and SLA" in reader.get(programme.url).text
    # Written behind this process's back: no signal here, so the cached copy still has the old title...
    LessonPage.objects.filter(pk=first.pk).update(title="Lines, SLA and queues")
    assert "Lines, SLA and queues" not in reader.get(programme.url).text
    # ...until the other process's new token is read by the next request.
    another_process_changed_the_library()
    assert "Lines, SLA and queues" in reader.get(programme.url).text


def test_publishing_a_change_bumps_the_token(lesson):
    before = current_token()
    publish_change(lesson)
    assert current_token() != before


def test_saving_a_draft_leaves_the_token_alone(lesson):
    before = current_token()
    lesson.title = "Draft title"
    lesson.save_revision()
    assert current_token() == before


def test_a_lesson_published_in_the_admin_appears_for_readers(reader, programme, module, lessons):
    page = reader.get(programme.url).text
    assert "Escalation" not in page
    make_lesson(parent=module, title="Escalation")
    assert "Escalation" in reader.get(programme.url).text


def test_unpublishing_a_lesson_takes_it_off_the_programme_and_its_url(reader, programme, lesson, lessons):
    url = lesson.url
    assert reader.get(url).status_code == 200
    LessonPage.objects.get(pk=lesson.pk).unpublish()
    assert reader.get(url).status_code == 404
    assert "Password recovery" not in reader.get(programme.url).text


def test_moving_a_lesson_serves_it_at_its_new_url_only(reader, programme, module, lesson, lessons):
    old_url = lesson.url
    other = make_module(programme=programme, title="Other")
    LessonPage.objects.get(pk=lesson.pk).move(other, pos="last-child")
    moved = LessonPage.objects.get(pk=lesson.pk)
    assert reader.get(old_url).status_code == 404
    assert reader.get(moved.url).status_code == 200


def test_deleting_a_lesson_removes_its_url(reader, lesson, lessons):
    url = lesson.url
    assert reader.get(url).status_code == 200
    LessonPage.objects.get(pk=lesson.pk).delete()
    assert reader.get(url).status_code == 404


def test_a_view_restriction_added_applies_on_the_next_request(reader, programme, lesson, lessons):
    assert reader.get(lesson.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=programme, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Team leads")])
    assert reader.get(lesson.url).status_code == 403
    restriction.delete()
    assert reader.get(lesson.url).status_code == 200


def test_a_rolled_back_change_is_not_served(reader, programme, lessons):
    reader.get(programme.url)
    with transaction.atomic():
        make_lesson(parent=programme, title="Never published")
        assert "Never published" in reader.get(programme.url).text
        transaction.set_rollback(True)
    assert "Never published" not in reader.get(programme.url).text
