"""Shared fixtures: the organisation and one person per role."""

import os

import pytest

from tests.factories import LineFactory, SupportGroupFactory, person
from trainingsite.roles import Role


@pytest.fixture
def line(db):
    return LineFactory(name="First line", code="first", level=1, response_minutes=5)


@pytest.fixture
def other_line(db):
    return LineFactory(name="Second line", code="second", level=2, response_minutes=10)


@pytest.fixture
def group(other_line):
    return SupportGroupFactory(line=other_line, name="Access recovery", code="access")


@pytest.fixture
def newcomer(line):
    return person(username="newcomer", roles=[Role.AGENT], line=line)


@pytest.fixture
def mentor(line):
    return person(username="mentor", roles=[Role.AGENT, Role.MENTOR], line=line, hire_date="2024-01-10")


@pytest.fixture
def team_lead(line):
    return person(username="lead", roles=[Role.TEAM_LEAD], line=line, leads=[line])


@pytest.fixture
def other_team_lead(other_line):
    return person(username="lead2", roles=[Role.TEAM_LEAD], line=other_line, leads=[other_line])


@pytest.fixture
def editor(line):
    return person(username="editor", roles=[Role.EDITOR], line=line)


@pytest.fixture
def agent_of_other_line(other_line):
    return person(username="agent2", roles=[Role.AGENT], line=other_line)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(items):
    # A transactional test (live_server, transactional_db) flushes every table afterwards, which would
    # also wipe what migrations created: the role groups, Wagtail's root page and collection, the
    # library. Serialized rollback restores that data for the tests that come after.
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        if "live_server" in names or "transactional_db" in names:
            names.append("django_db_serialized_rollback")
