"""Passing the quiz against the real mentoring app (merged from its branch)."""

from certification import services
from mentoring.models import Stage
from tests.certification.helpers import all_answers, as_querydict
from tests.factories.certification import question, quiz
from tests.factories.mentoring import enrolment_at, programme, stage_of


def pass_quiz(prog, user, category):
    q = quiz(
        programme_page=prog,
        questions=[question(category=category, name=f"q{n}") for n in range(3)],
    )
    attempt = services.attempt_start(quiz=q, user=user)
    services.attempt_answer_all(attempt=attempt, user=user, data=as_querydict(all_answers(attempt)))
    return services.attempt_finish(attempt=attempt, user=user)


def test_passing_at_the_certification_stage_completes_it(line, newcomer, mentor, team_lead, category):
    prog = programme(line=line)
    enrolment = enrolment_at(Stage.CERTIFICATION, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    attempt = pass_quiz(prog, newcomer, category)
    assert attempt.passed
    assert stage_of(enrolment, Stage.CERTIFICATION).is_done
    assert attempt.certificate.mentor_name == mentor.profile.full_name


def test_passing_before_earlier_stages_are_signed_off_leaves_the_stage_open(
    line, newcomer, mentor, team_lead, category
):
    prog = programme(line=line)
    enrolment = enrolment_at(Stage.SUPERVISED, lead=team_lead, learner=newcomer, mentor=mentor, prog=prog)
    attempt = pass_quiz(prog, newcomer, category)
    assert attempt.passed
    assert not stage_of(enrolment, Stage.CERTIFICATION).is_done
