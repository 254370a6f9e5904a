import pytest
from django.urls import reverse

from certification import analysis, services
from tests.certification.helpers import all_answers, as_querydict, right_answer
from tests.factories import person
from trainingsite.roles import Role


def test_cronbach_alpha_known_values():
    # Perfectly consistent items: alpha = 1.
    assert analysis.cronbach_alpha([[1, 1], [0, 0], [1, 1], [0, 0]]) == pytest.approx(1.0)
    # Textbook example (3 items, 4 people).
    m = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert analysis.cronbach_alpha(m) == pytest.approx(0.75)
    assert analysis.cronbach_alpha([[1, 0]]) is None


@pytest.fixture
def attempts(the_quiz, line):
    """Six learners: strong ones answer everything, weak ones only the single-choice question."""
    for n in range(6):
        user = person(username=f"learner{n}", roles=[Role.AGENT], line=line)
        attempt = services.attempt_start(quiz=the_quiz, user=user)
        data = {}
        for item in attempt.questions.all():
            strong = n < 3
            easy = item.snapshot["type"] == "single"
            data.update(right_answer(item, wrong=not (strong or easy)))
        services.attempt_answer_all(attempt=attempt, user=user, data=as_querydict(data))
        services.attempt_finish(attempt=attempt, user=user)


def test_facility_discrimination_and_flags(the_quiz, attempts):
    stats = analysis.quiz_statistics(the_quiz)
    assert stats.attempts == 6
    items = {i.name: i for i in stats.items}
    assert items["single"].facility == pytest.approx(100)
    assert any("Very easy" in f for f in items["single"].flags)
    assert items["short"].facility == pytest.approx(50)
    assert items["short"].discrimination > 90
    assert {t: n for t, _ok, n in items["single"].choices}["Right"] == 6
    assert stats.alpha is not None


def test_csv_export_and_page(client, editor, the_quiz, attempts, django_assert_max_num_queries):
    client.force_login(editor)
    url = reverse("certification:item_analysis", args=[the_quiz.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "Cronbach" in response.content.decode()
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert body.splitlines()[0].startswith("Question,Type,Versions")
    assert "single" in body


def test_item_analysis_is_for_editors_only(client, newcomer, the_quiz):
    client.force_login(newcomer)
    assert client.get(reverse("certification:item_analysis", args=[the_quiz.pk])).status_code == 403


def test_csv_neutralises_formulas():
    assert analysis._csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"


def test_no_attempts_gives_empty_stats(the_quiz):
    stats = analysis.quiz_statistics(the_quiz)
    assert stats.attempts == 0
    assert stats.alpha is None
    assert stats.items == []


def test_all_answers_helper_roundtrip(the_quiz, newcomer):
    attempt = services.attempt_start(quiz=the_quiz, user=newcomer)
    assert len(all_answers(attempt)) >= 5
