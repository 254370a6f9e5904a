from io import StringIO

import pytest
from wagtail.models import ModelLogEntry

from courses.models import LessonPage, ProgrammePage
from mentoring import demo
from mentoring.models import Enrolment, ObservationEntry, ReviewPoint, SignOffRequest, Stage, StageSignOff
from tests.factories.mentoring import key_points_body, library
from trainingsite import demo as org_demo
from trainingsite.models import Line, SupportGroup

PROGRAMMES = [
    ("first-line-basics", "first", None),
    ("second-line-access", "second", "access"),
    ("second-line-web", "second", "web"),
]


@pytest.fixture
def organisation(db):
    org_demo.load(stdout=StringIO())
    try:
        from courses import demo as courses_demo
    except ImportError:
        courses_demo = None
    if courses_demo is not None:
        courses_demo.load(stdout=StringIO())
    # The courses demo builds these; stand-ins with the same slugs when it is not on this branch.
    for slug, line_code, group_code in PROGRAMMES:
        if ProgrammePage.objects.filter(slug=slug).exists():
            continue
        line = Line.objects.get(code=line_code)
        group = SupportGroup.objects.get(line=line, code=group_code) if group_code else None
        page = library().add_child(instance=ProgrammePage(title=slug, slug=slug, line=line, group=group))
        for i in range(3):
            page.add_child(
                instance=LessonPage(title=f"L{i}", slug=f"l{i}", body=key_points_body([f"P{i}.1", f"P{i}.2"]))
            )


def test_demo_puts_newcomers_in_every_stage_with_history(organisation):
    out = StringIO()
    demo.load(stdout=out)
    assert "training paths added" in out.getvalue()
    stages = set(Enrolment.objects.active().values_list("current_stage", flat=True))
    assert stages == set(Stage)
    newcomer = Enrolment.objects.get(learner__username="newcomer")
    assert newcomer.mentor.username == "mentor"
    assert newcomer.current_stage not in (Stage.STUDY, Stage.CERTIFICATION)
    newcomer2 = Enrolment.objects.get(learner__username="newcomer2")
    assert newcomer2.mentor.username == "mentor2"
    assert Enrolment.objects.filter(mentor=newcomer2.mentor).count() == 2
    assert ObservationEntry.objects.filter(confirmed_at__isnull=False).exists()
    assert ObservationEntry.objects.filter(confirmed_at__isnull=True).exists()
    assert ReviewPoint.objects.exists()
    assert StageSignOff.objects.filter(withdrawn_at__isnull=False).exists()
    assert SignOffRequest.objects.filter(status=SignOffRequest.Status.SENT_BACK).exists()
    assert SignOffRequest.objects.filter(status=SignOffRequest.Status.OPEN).exists()
    assert ModelLogEntry.objects.filter(action="mentoring.stage.sign_off").count() >= 10


def test_demo_is_idempotent(organisation):
    demo.load(stdout=StringIO())
    counts = (Enrolment.objects.count(), ModelLogEntry.objects.count(), ObservationEntry.objects.count())
    demo.load(stdout=StringIO())
    assert (
        Enrolment.objects.count(),
        ModelLogEntry.objects.count(),
        ObservationEntry.objects.count(),
    ) == counts


def test_demo_skips_with_a_message_without_programmes(db):
    org_demo.load(stdout=StringIO())
    out = StringIO()
    demo.load(stdout=out)
    assert "no demo programme found" in out.getvalue()
    assert not Enrolment.objects.exists()


def test_demo_emails_nobody(organisation, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=StringIO())
    assert mailoutbox == []
