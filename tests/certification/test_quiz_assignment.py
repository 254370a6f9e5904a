"""Found by the access walk: an agent of another line could open and start any line's quiz by id."""

import pytest
from django.urls import reverse

from certification import services
from certification.errors import CertificationError
from certification.models import Attempt


def test_agent_of_another_line_cannot_start_the_quiz(the_quiz, agent_of_other_line):
    with pytest.raises(CertificationError) as exc:
        services.attempt_start(quiz=the_quiz, user=agent_of_other_line)
    assert exc.value.code == "not_assigned"
    assert exc.value.message == "This quiz is not part of your training programmes."
    assert not Attempt.objects.exists()


def test_other_lines_quiz_is_404_and_start_refused_over_http(client, the_quiz, agent_of_other_line):
    client.force_login(agent_of_other_line)
    assert client.get(reverse("certification:quiz_detail", args=[the_quiz.pk])).status_code == 404
    response = client.post(reverse("certification:attempt_start", args=[the_quiz.pk]))
    assert response.status_code == 409
    assert "This quiz is not part of your training programmes." in response.content.decode()
    assert not Attempt.objects.exists()


def test_agent_of_the_line_still_starts_it(the_quiz, newcomer):
    assert services.attempt_start(quiz=the_quiz, user=newcomer).user == newcomer


def test_person_enrolled_on_another_lines_programme_may_take_its_quiz(
    the_quiz, programme_page, agent_of_other_line, other_team_lead, mentor
):
    # Someone moving lines is enrolled on the new line's path before their profile moves.
    from mentoring import services as mentoring_services

    programme_page.save_revision().publish()
    mentoring_services.enrolment_create(
        actor=other_team_lead, learner=agent_of_other_line, programme=programme_page, mentor=mentor
    )
    assert services.attempt_start(quiz=the_quiz, user=agent_of_other_line).user == agent_of_other_line
