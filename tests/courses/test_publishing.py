"""Publishing a lesson: substantive changes flag earlier learners, minor ones do not."""

from django.urls import reverse
from wagtail.models import PageLogEntry
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from courses.forms import LessonPageForm
from courses.models import LessonPage
from courses.selectors import is_changed_since, lessons_changed_since_studied
from courses.services import lesson_mark_studied
from tests.factories import publish_change


def test_first_publication_is_the_substantive_revision(lesson):
    assert lesson.last_substantive_revision_id == lesson.live_revision_id
    assert lesson.substantive_change_at is not None


def test_substantive_change_flags_people_who_studied_the_earlier_revision(newcomer, lesson, line):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    changed = publish_change(lesson)
    assert changed.last_substantive_revision_id == changed.live_revision_id
    assert is_changed_since(lesson=changed, progress=progress)
    changed_lessons = lessons_changed_since_studied(user=newcomer, line=line, include_never_studied=False)
    assert [item.lesson.pk for item in changed_lessons] == [lesson.pk]
    assert PageLogEntry.objects.filter(page=lesson, action="courses.lesson.substantive_change").count() == 2


def test_minor_change_flags_nobody_and_is_reset_for_the_next_publication(newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    changed = publish_change(lesson, text="Check the balance first!", minor=True)
    assert changed.last_substantive_revision_id == lesson.last_substantive_revision_id
    assert changed.live_revision_id != lesson.live_revision_id
    assert not is_changed_since(lesson=changed, progress=progress)
    assert changed.minor_change is False
    assert PageLogEntry.objects.filter(page=lesson, action="courses.lesson.minor_change").exists()


def test_minor_change_box_starts_unticked_even_after_a_minor_publication(lesson):
    publish_change(lesson, minor=True)
    page = LessonPage.objects.get(pk=lesson.pk).latest_revision.as_object()
    assert page.minor_change is True  # the revision remembers the tick...
    form_class = LessonPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, LessonPageForm)
    form = form_class(instance=page, for_user=None)
    assert form.initial["minor_change"] is False  # ...the editor's form does not


def admin_form_data(client, lesson: LessonPage, text: str) -> dict:
    """The edit form as the admin renders it; the StreamField is drawn by JavaScript, so its data is
    built the way the browser would post it."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert 'name="minor_change"' in html
    data = querydict_from_html(html, form_id="page-edit-form").dict()
    data.update(
        nested_form_data(
            {
                "body": streamfield(
                    [("heading", {"text": "Why", "level": "h2"}), ("rich_text", rich_text(f"<p>{text}</p>"))]
                )
            }
        )
    )
    data["action-publish"] = "action-publish"
    return data


def test_editor_publishes_a_minor_change_from_the_admin(client, editor, newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    client.force_login(editor)
    data = admin_form_data(client, lesson, "Check the balance first.")
    assert "minor_change" not in data  # unticked
    data["title"] = "Password recovery (typo fixed)"
    data["minor_change"] = "on"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    changed = LessonPage.objects.get(pk=lesson.pk)
    assert changed.title == "Password recovery (typo fixed)"
    assert not is_changed_since(lesson=changed, progress=progress)


def test_editor_publishes_a_substantive_change_from_the_admin(client, editor, newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    client.force_login(editor)
    data = admin_form_data(client, lesson, "Check the number format: country and city code.")
    assert client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data).status_code == 302
    assert is_changed_since(lesson=LessonPage.objects.get(pk=lesson.pk), progress=progress)
