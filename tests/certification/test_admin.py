import pytest
from django.urls import reverse

from certification.models import Certificate, Question, QuestionType
from tests.factories import person
from trainingsite.roles import Role


@pytest.fixture
def admin_user(line):
    user = person(username="root", roles=[Role.EDITOR], line=line)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize(
    "model", ["question", "questioncategory", "quiz", "attempt", "certificate", "quizoverride"]
)
def test_admin_listings_open(client, admin_user, bank, the_quiz, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"wagtailsnippets_certification_{model}:list"))
    assert response.status_code == 200


def test_admin_question_form_checks_choices_together(client, admin_user, category):
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_certification_question:add")
    assert client.get(url).status_code == 200
    data = {
        "category": category.pk,
        "type": QuestionType.SINGLE,
        "name": "two right",
        "text": "?",
        "points": "1",
        "is_active": "on",
        "statement_is_true": "on",
        "accepted_answers": "",
        "explanation": "",
        "choices-TOTAL_FORMS": "2",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        "choices-0-text": "A",
        "choices-0-is_correct": "on",
        "choices-0-feedback": "",
        "choices-0-ORDER": "1",
        "choices-1-text": "B",
        "choices-1-is_correct": "on",
        "choices-1-feedback": "",
        "choices-1-ORDER": "2",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "exactly one right" in response.content.decode()
    assert not Question.objects.filter(name="two right").exists()
    data["choices-1-is_correct"] = ""
    response = client.post(url, data)
    assert response.status_code == 302
    question = Question.objects.get(name="two right")
    assert question.choices.count() == 2
    assert question.version == 1


def test_certificates_are_read_only_in_admin(client, admin_user, the_quiz, newcomer):
    from certification import services
    from tests.certification.helpers import all_answers, as_querydict

    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    services.attempt_answer_all(attempt=attempt, user=newcomer, data=as_querydict(all_answers(attempt)))
    certificate = services.attempt_finish(attempt=attempt, user=newcomer).certificate
    client.force_login(admin_user)
    edit = client.get(reverse("wagtailsnippets_certification_certificate:edit", args=[certificate.pk]))
    assert edit.status_code in (302, 403)
    delete = client.post(reverse("wagtailsnippets_certification_certificate:delete", args=[certificate.pk]))
    assert delete.status_code in (302, 403)
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    inspect = client.get(reverse("wagtailsnippets_certification_certificate:inspect", args=[certificate.pk]))
    assert inspect.status_code == 200


def test_admin_edit_makes_one_new_version_and_a_revision(client, admin_user, bank):
    question = bank[0]
    client.force_login(admin_user)
    url = reverse("wagtailsnippets_certification_question:edit", args=[question.pk])
    choices = list(question.choices.all())
    data = {
        "category": question.category_id,
        "type": question.type,
        "name": question.name,
        "text": "Reworded question",
        "points": "1",
        "is_active": "on",
        "statement_is_true": "on",
        "accepted_answers": "",
        "explanation": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(len(choices)),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i, choice in enumerate(choices):
        data.update(
            {
                f"choices-{i}-id": choice.pk,
                f"choices-{i}-text": choice.text,
                f"choices-{i}-is_correct": "on" if choice.is_correct else "",
                f"choices-{i}-feedback": choice.feedback,
                f"choices-{i}-ORDER": str(i + 1),
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "Reworded question"
    assert question.version == 2
    assert question.revisions.count() == 1
