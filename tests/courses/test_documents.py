"""Lesson documents are served only to people who may read a lesson that uses them."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from courses.permissions import can_download_document, document_pages
from tests.factories import body, make_lesson, person
from trainingsite.roles import Role

Document = get_document_model()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_document(title: str = "Price list") -> Document:
    document = Document(title=title)
    document.file.save("price-list.txt", ContentFile(b"secret tariff"), save=False)
    document.save()
    return document


def with_document(document) -> list[dict]:
    return [
        *body(),
        {
            "type": "document",
            "value": {"document": document.pk, "title": "Download"},
            "id": "1b0e7c52-0000-4000-8000-0000000000d1",
        },
    ]


def download(client, document):
    response = client.get(document.url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


def test_serve_method_passes_every_download_through_the_check(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"


def test_reader_of_the_lesson_downloads_it(client, newcomer, module):
    document = make_document()
    make_lesson(parent=module, body=with_document(document))
    client.force_login(newcomer)
    response, content = download(client, document)
    assert response.status_code == 200
    assert content == b"secret tariff"


def test_anonymous_visitor_is_sent_to_login(client, module):
    document = make_document()
    make_lesson(parent=module, body=with_document(document))
    response, content = download(client, document)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/documents/")
    assert b"secret tariff" not in content


def test_person_without_a_role_gets_403(client, line, module):
    document = make_document()
    make_lesson(parent=module, body=with_document(document))
    client.force_login(person(username="outsider", roles=[], line=line))
    response, content = download(client, document)
    assert response.status_code == 403
    assert b"secret tariff" not in content


def test_document_used_only_in_a_restricted_lesson_is_refused_to_others(client, newcomer, team_lead, module):
    document = make_document()
    lesson = make_lesson(parent=module, body=with_document(document))
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name=Role.TEAM_LEAD.value))
    assert [p.pk for p in document_pages(document)] == [lesson.pk]

    client.force_login(newcomer)
    response, content = download(client, document)
    assert response.status_code == 403
    assert b"secret tariff" not in content

    client.force_login(team_lead)
    assert download(client, document)[0].status_code == 200


def test_document_also_used_in_an_open_lesson_is_served(client, newcomer, module):
    document = make_document()
    restricted = make_lesson(parent=module, body=with_document(document))
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    make_lesson(parent=module, body=with_document(document))
    client.force_login(newcomer)
    assert download(client, document)[0].status_code == 200


def test_document_used_only_in_an_unpublished_lesson_is_refused(client, newcomer, editor, module):
    document = make_document()
    draft = make_lesson(parent=module, publish=False, body=with_document(document))
    assert draft.live is False
    client.force_login(newcomer)
    assert download(client, document)[0].status_code == 403
    # Editors pick and upload documents in the admin: they may open any of them.
    assert can_download_document(editor, document)
    client.force_login(editor)
    assert download(client, document)[0].status_code == 200


def test_password_restriction_passed_in_the_session_opens_the_document(newcomer, module):
    document = make_document()
    lesson = make_lesson(parent=module, body=with_document(document))
    restriction = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    assert not can_download_document(newcomer, document)
    assert can_download_document(newcomer, document, passed=[restriction.pk])


def test_inactive_person_is_refused(client, newcomer, module):
    document = make_document()
    make_lesson(parent=module, body=with_document(document))
    newcomer.is_active = False
    newcomer.save()
    assert not can_download_document(newcomer, document)
