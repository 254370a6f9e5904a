"""Who may see the reports, the page's charts and tables, and the CSV exports."""

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

# Some tests reach the database only through request.getfixturevalue(); the mark makes
# pytest-django order them with the database tests, before the transactional ones.
pytestmark = pytest.mark.django_db

URL = reverse("reports:report")


@pytest.fixture
def lead_client(client, team_lead):
    client.login(username=team_lead.username, password=PASSWORD)
    return client


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_anonymous_is_sent_to_login(client):
    for url in (URL, reverse("reports:export", args=["stages"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["newcomer", "mentor", "editor"])
def test_people_who_lead_no_line_are_refused(client, request, who):
    user = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("reports:export", args=["certificates"])).status_code == 403


def test_page_shows_the_leads_figures_and_nothing_of_another_line(lead_client, figures):
    response = lead_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "First line quiz" in body
    assert "q1" in body
    assert "Stranger" not in body
    assert "Second line basics" not in body
    assert "28.0" in body  # median days from enrolment to certification


def test_another_lines_id_is_a_404(lead_client, figures, other_line):
    assert lead_client.get(URL, {"line": other_line.pk}).status_code == 404
    assert lead_client.get(URL, {"line": "abc"}).status_code == 404
    export = reverse("reports:export", args=["certificates"])
    assert lead_client.get(export, {"line": other_line.pk}).status_code == 404


def test_own_line_filter(lead_client, figures, line):
    response = lead_client.get(URL, {"line": line.pk, "weeks": "3"})
    assert response.status_code == 200
    assert response.context["chosen"] == line
    assert len(response.context["coverage"]) == 3


def test_bad_weeks_fall_back_to_the_default(lead_client, figures):
    assert len(lead_client.get(URL, {"weeks": "lots"}).context["coverage"]) == 8
    assert len(lead_client.get(URL, {"weeks": "500"}).context["coverage"]) == 12


def test_charts_are_inline_svg_with_text_alternatives_and_no_inline_style(lead_client, figures, line):
    from tests.factories import demand_for_minimum, shift_patterns

    demand_for_minimum(shift_patterns(line)["morning"], 2)  # so the coverage chart has weeks to draw
    body = lead_client.get(URL).content.decode()
    svgs = re.findall(r"<svg class=\"report-chart__svg\".*?</svg>", body, flags=re.S)
    assert len(svgs) == 5
    for svg in svgs:
        assert 'role="img"' in svg
        assert "<title id=" in svg
        assert "<desc id=" in svg
    assert "style=" not in body
    assert "<script>" not in body
    assert "Study: 1; Joint review: 1; Observation: 0; Supervised work: 1; Certification: 0" in body


def test_a_lead_without_lines_gets_an_explanation(client, db):
    from tests.factories import person
    from trainingsite.roles import Role

    lead = person(username="lonely", roles=[Role.TEAM_LEAD])
    client.login(username=lead.username, password=PASSWORD)
    response = client.get(URL)
    assert response.status_code == 200
    assert "You are not the team lead of any line yet" in response.content.decode()


def test_unknown_export_is_a_404(lead_client, figures):
    assert lead_client.get(reverse("reports:export", args=["salaries"])).status_code == 404


@pytest.mark.parametrize(
    ("table", "header", "first_row"),
    [
        ("stages", ["Stage", "Newcomers"], ["Study", "1"]),
        ("durations", ["Stage", "Median days", "Stages completed"], ["Study", "4.0", "5"]),
        (
            "quizzes",
            ["Quiz", "Attempts", "Passed", "Pass rate (%)", "Learners"],
            ["First line quiz", "4", "2", "50.0", "3"],
        ),
        (
            "questions",
            ["Question", "Text", "Quiz", "Asked", "Failed", "Failure rate (%)"],
            ["q1", "Question 1?", "First line quiz", "4", "2", "50.0"],
        ),
    ],
)
def test_csv_exports(lead_client, figures, table, header, first_row):
    response = lead_client.get(reverse("reports:export", args=[table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == header
    assert rows[1] == first_row


def test_durations_csv_ends_with_the_whole_path(lead_client, figures):
    rows = _csv(lead_client.get(reverse("reports:export", args=["durations"])))
    assert rows[-1] == ["Enrolment to certification", "28.0", "2"]


def test_certificates_csv_lists_only_own_lines_and_neutralises_formulas(lead_client, figures):
    figures["people"]["A"].certificates.filter(valid_until__isnull=False).update(
        holder_name='=HYPERLINK("x")'
    )
    rows = _csv(lead_client.get(reverse("reports:export", args=["certificates"])))
    assert rows[0] == ["Name", "Programme", "Line", "Valid until", "Days left"]
    assert len(rows) == 7
    assert {r[0] for r in rows[1:]} == {'\'=HYPERLINK("x")'}
    assert [r[4] for r in rows[1:]] == ["0", "30", "31", "60", "61", "90"]


def test_coverage_csv_keeps_negative_numbers_as_numbers(lead_client, line):
    from tests.factories import demand_for_minimum, shift_patterns

    shifts = shift_patterns(line)
    demand_for_minimum(shifts["morning"], 2)
    rows = _csv(lead_client.get(reverse("reports:export", args=["coverage"]), {"weeks": "1"}))
    assert rows[0][0] == "Line"
    assert rows[1][0] == line.name
    assert rows[1][-1] == "-2"  # nobody rostered: two short, written as a number, not "'-2"


def test_header_link_and_dashboard_panel_for_team_leads(lead_client, client, newcomer):
    body = lead_client.get(reverse("lead_dashboard")).content.decode()
    assert f'href="{URL}"' in body
    client.logout()
    client.login(username=newcomer.username, password=PASSWORD)
    assert f'href="{URL}"' not in client.get(reverse("learner_dashboard")).content.decode()
