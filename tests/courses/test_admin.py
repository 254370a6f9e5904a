"""Study records in the Wagtail admin: readable by administrators, never written there."""

import pytest
from django.urls import reverse

from courses.models import LessonProgress
from courses.services import lesson_mark_studied
from tests.factories import person
from trainingsite.roles import Role


@pytest.fixture
def admin(line):
    return person(roles=[], line=line, username="boss", is_superuser=True, is_staff=True)


def test_admin_lists_and_exports_study_records(client, admin, newcomer, lesson):
    lesson_mark_studied(user=newcomer, lesson=lesson)
    client.force_login(admin)
    listing = client.get(reverse("wagtailsnippets_courses_lessonprogress:list"))
    assert listing.status_code == 200
    assert "Password recovery" in listing.text
    export = client.get(reverse("wagtailsnippets_courses_lessonprogress:list"), {"export": "csv"})
    assert export.status_code == 200
    assert "Password recovery" in export.getvalue().decode()


def test_nobody_adds_or_edits_study_records_in_the_admin(client, admin, newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    client.force_login(admin)
    # Wagtail answers a refused admin action by sending the user back to the dashboard.
    refused = (302, 403)
    forged = {"studied_at": "2020-01-01 00:00"}
    add = client.post(reverse("wagtailsnippets_courses_lessonprogress:add"), forged)
    assert add.status_code in refused
    assert add.get("Location", reverse("wagtailadmin_home")) == reverse("wagtailadmin_home")
    edit = reverse("wagtailsnippets_courses_lessonprogress:edit", args=[progress.pk])
    assert client.post(edit, forged).status_code in refused
    delete = reverse("wagtailsnippets_courses_lessonprogress:delete", args=[progress.pk])
    assert client.post(delete).status_code in refused
    assert LessonProgress.objects.get().studied_at == progress.studied_at


def test_editors_do_not_see_study_records(client, editor):
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_courses_lessonprogress:list"))
    assert response.status_code in (302, 403)
    assert person(roles=[Role.EDITOR], username="ed2").has_perm("courses.view_lessonprogress") is False
