"""Reading, studying and comparing lessons in the browser (without JavaScript unless HTMX is named)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import LessonProgress
from courses.services import lesson_mark_studied
from tests.factories import make_lesson, make_programme, person, publish_change
from trainingsite.roles import Role

# Some tests reach the database only through request.getfixturevalue(); the mark makes
# pytest-django order them with the database tests, before the transactional ones.
pytestmark = pytest.mark.django_db


def restrict_to(page, role: Role) -> None:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=role.value))


def studied_url(lesson) -> str:
    return reverse("courses:lesson_studied", args=[lesson.pk])


# Reading
@pytest.mark.parametrize("page_name", ["library", "programme", "module", "lesson"])
def test_anonymous_visitors_are_sent_to_login(client, lessons, programme, module, lesson, page_name):
    from courses.models import TrainingLibraryPage

    page = {"library": TrainingLibraryPage.objects.get(), "programme": programme, "module": module}.get(
        page_name, lesson
    )
    response = client.get(page.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_people_without_a_role_get_403(client, line, lesson):
    client.force_login(person(roles=[], line=line))
    assert client.get(lesson.url).status_code == 403


@pytest.mark.parametrize("fixture", ["newcomer", "mentor", "team_lead", "editor", "agent_of_other_line"])
def test_every_member_of_staff_reads_lessons(client, request, lesson, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(lesson.url)
    assert response.status_code == 200
    assert "Password recovery" in response.text


def test_lesson_page_shows_blocks_and_a_mark_as_studied_button(client, newcomer, lesson):
    client.force_login(newcomer)
    response = client.get(lesson.url)
    assert "Balance first" in response.text  # a key point
    assert f'hx-post="{studied_url(lesson)}"' in response.text
    assert "Not studied yet" in response.text


def test_restricted_lesson_is_forbidden_to_people_outside_the_group(client, newcomer, team_lead, lesson):
    restrict_to(lesson, Role.TEAM_LEAD)
    client.force_login(newcomer)
    # 403, not Wagtail's redirect to the login page (which would send a signed-in reader back: a loop).
    assert client.get(lesson.url).status_code == 403
    client.force_login(team_lead)
    assert client.get(lesson.url).status_code == 200


def test_restricted_module_forbids_its_lessons_too(client, newcomer, module, lesson):
    restrict_to(module, Role.TEAM_LEAD)
    client.force_login(newcomer)
    assert client.get(module.url).status_code == 403
    assert client.get(lesson.url).status_code == 403


def test_unpublished_lesson_is_not_found(client, newcomer, module):
    draft = make_lesson(parent=module, publish=False)
    client.force_login(newcomer)
    assert client.get(f"{module.url}{draft.slug}/").status_code == 404


def test_programme_page_lists_lessons_by_module_with_status(client, newcomer, lessons, programme):
    lesson_mark_studied(user=newcomer, lesson=lessons[0])
    client.force_login(newcomer)
    response = client.get(programme.url)
    text = response.text
    assert text.index("Lines and SLA") < text.index("Access") < text.index("Password recovery")
    assert "1 of 3 lessons studied" in text
    assert "Your programme" in text
    assert "Continue where you left off" in text


def test_programme_page_hides_lessons_the_reader_may_not_read(client, newcomer, lessons, programme):
    restrict_to(lessons[2], Role.TEAM_LEAD)
    client.force_login(newcomer)
    response = client.get(programme.url)
    assert "Knowledge base" not in response.text
    assert "0 of 2 lessons studied" in response.text


# Studying
def test_mark_studied_with_htmx_swaps_the_study_panel(client, newcomer, lessons):
    client.force_login(newcomer)
    response = client.post(studied_url(lessons[0]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card study-panel" id="study-panel"')
    assert "1 of 3 lessons studied" in response.text
    assert "<html" not in response.text
    assert LessonProgress.objects.get(user=newcomer).revision_id == lessons[0].live_revision_id


def test_mark_studied_without_javascript_redirects_back_to_the_lesson(client, newcomer, lesson):
    client.force_login(newcomer)
    response = client.post(studied_url(lesson))
    assert response.status_code == 302
    assert response.url == lesson.url
    assert "Studied" in client.get(lesson.url).text


def test_mark_studied_needs_post(client, newcomer, lesson):
    client.force_login(newcomer)
    assert client.get(studied_url(lesson)).status_code == 405
    assert not LessonProgress.objects.exists()


def test_mark_studied_of_a_missing_lesson_is_404(client, newcomer, lesson):
    client.force_login(newcomer)
    response = client.post(reverse("courses:lesson_studied", args=[lesson.pk + 1000]))
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_mark_studied_of_an_unpublished_lesson_is_404(client, newcomer, module):
    draft = make_lesson(parent=module, publish=False)
    client.force_login(newcomer)
    assert client.post(studied_url(draft)).status_code == 404
    assert not LessonProgress.objects.exists()


def test_mark_studied_of_a_restricted_lesson_is_403(client, newcomer, lesson):
    restrict_to(lesson, Role.TEAM_LEAD)
    client.force_login(newcomer)
    assert client.post(studied_url(lesson)).status_code == 403
    assert not LessonProgress.objects.exists()


def test_mark_studied_by_someone_who_is_not_an_agent_is_403(client, editor, lesson):
    client.force_login(editor)
    assert client.post(studied_url(lesson)).status_code == 403
    assert not LessonProgress.objects.exists()


def test_mark_studied_anonymous_goes_to_login(client, lesson):
    response = client.post(studied_url(lesson))
    assert response.status_code == 302
    assert not LessonProgress.objects.exists()


def test_agent_studies_a_programme_of_another_line(client, agent_of_other_line, lesson):
    client.force_login(agent_of_other_line)
    assert client.post(studied_url(lesson)).status_code == 302
    assert LessonProgress.objects.filter(user=agent_of_other_line, lesson=lesson).exists()


# What changed
def test_changed_lesson_is_flagged_and_compared(client, newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    publish_change(lesson, text="Check the connection too.")
    client.force_login(newcomer)
    page = client.get(lesson.url).text
    assert "This lesson changed since you studied it." in page
    compare_url = reverse("courses:lesson_changes", args=[progress.pk])
    assert compare_url in page
    response = client.get(compare_url)
    assert response.status_code == 200
    assert "<del>balance first" in response.text.replace("Check the ", "")
    assert "<ins>connection too" in response.text.replace("Check the ", "")


def test_restudying_with_htmx_also_removes_the_changed_notice(client, newcomer, lesson):
    lesson_mark_studied(user=newcomer, lesson=lesson)
    changed = publish_change(lesson)
    client.force_login(newcomer)
    assert 'id="changed-notice"' in client.get(lesson.url).text
    response = client.post(studied_url(changed), HTTP_HX_REQUEST="true")
    assert '<div id="changed-notice" hx-swap-oob="true" hidden></div>' in response.text
    assert "Changed since you studied it" not in response.text


def test_restudying_clears_the_flag(client, newcomer, lesson):
    lesson_mark_studied(user=newcomer, lesson=lesson)
    changed = publish_change(lesson)
    client.force_login(newcomer)
    client.post(studied_url(changed))
    assert "This lesson changed since you studied it." not in client.get(lesson.url).text


def test_someone_elses_comparison_is_404_and_changes_nothing(client, newcomer, line, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    publish_change(lesson)
    other = person(roles=[Role.AGENT], line=line)
    client.force_login(other)
    assert client.get(reverse("courses:lesson_changes", args=[progress.pk])).status_code == 404
    assert not LessonProgress.objects.filter(user=other).exists()
    assert LessonProgress.objects.get(pk=progress.pk).revision_id == progress.revision_id


def test_comparison_needs_a_role(client, line, newcomer, lesson):
    progress = lesson_mark_studied(user=newcomer, lesson=lesson)
    client.force_login(person(roles=[], line=line))
    assert client.get(reverse("courses:lesson_changes", args=[progress.pk])).status_code == 403


# Search
def test_search_finds_lessons_by_their_body(client, newcomer, lesson):
    publish_change(lesson, text="Look in the spam folder.")
    client.force_login(newcomer)
    response = client.get(reverse("courses:search"), {"q": "spam"})
    assert response.status_code == 200
    assert "Password recovery" in response.text


def test_search_falls_back_to_titles_starting_with_the_words(client, newcomer, lesson):
    client.force_login(newcomer)
    response = client.get(reverse("courses:search"), {"q": "passw"})
    assert "Password recovery" in response.text
    assert "these titles start with them" in response.text


def test_search_shows_nothing_unpublished_or_restricted(client, newcomer, module, lesson):
    publish_change(lesson, text="Look in the spam folder.")
    restrict_to(lesson, Role.TEAM_LEAD)
    make_lesson(parent=module, title="Draft about spam", publish=False, body=[])
    client.force_login(newcomer)
    response = client.get(reverse("courses:search"), {"q": "spam"})
    assert "Password recovery" not in response.text
    assert "Draft about spam" not in response.text
    assert "Nothing found" in response.text


def test_search_shows_restricted_material_to_its_group(client, team_lead, lesson):
    publish_change(lesson, text="Look in the spam folder.")
    restrict_to(lesson, Role.TEAM_LEAD)
    client.force_login(team_lead)
    assert "Password recovery" in client.get(reverse("courses:search"), {"q": "spam"}).text


def test_search_is_for_staff(client, line):
    assert client.get(reverse("courses:search"), {"q": "x"}).status_code == 302
    client.force_login(person(roles=[], line=line))
    assert client.get(reverse("courses:search"), {"q": "x"}).status_code == 403


def test_header_links_to_materials_and_search_for_staff(client, newcomer):
    client.force_login(newcomer)
    text = client.get(reverse("learner_dashboard")).text
    assert 'href="/library/"' in text
    assert f'href="{reverse("courses:search")}"' in text


def test_lesson_page_shows_the_newly_published_body(client, newcomer, lesson):
    client.force_login(newcomer)
    assert "Check the balance first." in client.get(lesson.url).text
    publish_change(lesson, text="Check the number format.")
    text = client.get(lesson.url).text
    assert "Check the number format." in text
    assert "Check the balance first." not in text


def test_lessons_with_the_same_slug_in_two_programmes_route_to_their_own(client, newcomer, line, programme):
    from courses.models import LessonPage

    other = make_programme(line=line, title="Refresher", slug="refresher")
    for parent, title in ((programme, "Basics version"), (other, "Refresher version")):
        parent.add_child(instance=LessonPage(title=title, slug="same-slug", body=[]))
        LessonPage.objects.get(title=title).save_revision().publish()
    client.force_login(newcomer)
    assert "Basics version" in client.get(f"{programme.url}same-slug/").text
    assert "Refresher version" in client.get(f"{other.url}same-slug/").text
    assert client.get(f"{programme.url}no-such-lesson/").status_code == 404
    assert client.get(f"{programme.url}same-slug/extra/").status_code == 404


def test_search_ignores_nul_bytes(client, newcomer, lesson):
    # Found by the access walk: PostgreSQL refuses NUL bytes in text, so "q" with one was a 500 there.
    client.force_login(newcomer)
    response = client.get("/study/search/", {"q": "Password\x00"})
    assert response.status_code == 200
    assert "Password recovery" in response.content.decode()
