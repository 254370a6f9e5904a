"""Demo training paths: newcomers in every stage, with logs, ticked points, questions and history.

Everything is made through the real services (so every rule holds and every step is audited) on a
clock moved back in time, so that the history reads like weeks of real work. Idempotent: a learner
already enrolled in the programme is left alone.
"""

from __future__ import annotations

import contextlib
import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import LessonPage, LessonProgress, ProgrammePage
from courses.selectors import is_study_complete
from trainingsite.roles import Role

from . import selectors, services
from .models import Enrolment, Shift, Stage

User = get_user_model()

QUESTIONS = [
    (
        "Что делать, если владелец ящика не помнит дату регистрации?",
        "Собираем другие признаки: папки, фильтры, контакты, старые пароли. Решаем по совокупности.",
    ),
    ("Можно ли сообщить, к какому телефону привязан ящик?", "Нет: это чужие данные, даже частично."),
    ("Когда передавать обращение на вторую линию?", None),
]
FEEDBACK = [
    "Хорошо уточняешь данные, но не забывай вежливое завершение.",
    "Два ответа ушли без проверки баланса — вернись к процедуре «Нет связи».",
    "Отличная смена: всё по шаблонам, клиенты довольны.",
]
OBSERVED_QUESTIONS = [
    "Почему обращение о взломе сразу ушло на вторую линию?",
    "Как понять, что клиент прислал достаточно данных для восстановления?",
    "",
]


class Clock:
    """The demo's "now": services and the audit log see this time while it is frozen."""

    def __init__(self, start: datetime.datetime, *, limit: datetime.datetime) -> None:
        self.now = start
        self.limit = limit  # never past the real now: nothing in the demo happens in the future

    def advance(self, days: float = 0, hours: float = 0) -> None:
        self.now = min(self.now + datetime.timedelta(days=days, hours=hours), self.limit)

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        with mock.patch("django.utils.timezone.now", return_value=self.now):
            yield


@dataclass(frozen=True)
class Scenario:
    learner: str
    mentor: str
    lead: str
    programme: str
    target: Stage
    started_days_ago: int
    sent_back: bool = False  # a sign-off request of the joint review was sent back once
    withdrawn: bool = False  # a team lead withdrew the observation sign-off
    request_pending: bool = True  # the current stage has an open sign-off request when it can
    ready: bool = False  # the current stage's work is complete and waits for the mentor's sign-off


def _users(usernames) -> dict[str, object]:
    return {u.username: u for u in User.objects.filter(username__in=usernames).select_related("profile")}


def _crowd(line_code: str, *, newcomers: bool, group: str | None = None) -> list[str]:
    """Demo people of a line by role, in a stable order (the organisation demo made them)."""
    qs = User.objects.filter(is_active=True, profile__line__code=line_code).exclude(
        username__in=["newcomer", "newcomer2", "mentor", "mentor2", "lead", "lead2", "editor"]
    )
    if group:
        qs = qs.filter(profile__group__code=group)
    if newcomers:
        qs = qs.exclude(
            groups__name__in=[Role.MENTOR.value, Role.TEAM_LEAD.value, Role.EDITOR.value]
        ).order_by("-profile__hire_date", "username")[:10]
    else:
        qs = qs.filter(groups__name=Role.MENTOR.value).order_by("username")
    return list(qs.values_list("username", flat=True))


def _scenarios() -> list[Scenario]:
    first_newcomers = _crowd("first", newcomers=True)
    first_mentors = _crowd("first", newcomers=False)
    web_newcomers = _crowd("second", newcomers=True, group="web")
    web_mentors = _crowd("second", newcomers=False, group="web")
    # People still studying are the ones to show in the study stage; the others go further.
    programme = ProgrammePage.objects.live().filter(slug="first-line-basics").first()
    if programme is not None:
        done = {
            u.username
            for u in User.objects.filter(username__in=first_newcomers)
            if is_study_complete(user=u, programme=programme)
        }
        first_newcomers.sort(key=lambda username: username in done)
    plan = [
        # The demo accounts: mid-path with their mentors.
        Scenario("newcomer", "mentor", "lead", "first-line-basics", Stage.OBSERVATION, 24, sent_back=True),
        # newcomer2 is still on the lessons (the courses demo has them part-way through).
        Scenario("newcomer2", "mentor2", "lead2", "second-line-access", Stage.STUDY, 5),
    ]
    # mentor2's other mentee waits for the joint review's sign-off.
    for username in _crowd("second", newcomers=True, group="access")[:1]:
        plan.append(
            Scenario(username, "mentor2", "lead2", "second-line-access", Stage.JOINT_REVIEW, 12, ready=True)
        )
    # The first line's crowd: every stage, spread over the mentors within their capacity.
    stages = [
        (Stage.STUDY, 3, {}),
        (Stage.STUDY, 45, {"request_pending": False}),  # stuck: a month and a half on the lessons
        (Stage.JOINT_REVIEW, 8, {}),
        (Stage.SUPERVISED, 30, {"ready": True}),
        (Stage.OBSERVATION, 35, {"withdrawn": True}),
        (Stage.CERTIFICATION, 40, {}),
        (Stage.JOINT_REVIEW, 20, {"sent_back": True, "request_pending": False}),
        (Stage.SUPERVISED, 33, {}),
        (Stage.CERTIFICATION, 50, {}),
        (Stage.OBSERVATION, 17, {}),
    ]
    # "mentor" (capacity 4) takes three of them besides the demo newcomer; the others two each.
    others = [m for m in first_mentors for _ in range(2)]
    mentors = ["mentor", *others[:1], "mentor", "mentor", *others[1:]]
    for username, mentor, (stage, days, extra) in zip(first_newcomers, mentors, stages, strict=False):
        plan.append(Scenario(username, mentor, "lead", "first-line-basics", stage, days, **extra))
    for username, mentor in zip(web_newcomers, web_mentors, strict=False):
        plan.append(Scenario(username, mentor, "lead2", "second-line-web", Stage.SUPERVISED, 28))
    return plan


def load(*, stdout, today: datetime.date | None = None) -> list[tuple[str, str, str]]:
    programmes = {
        p.slug: p
        for p in ProgrammePage.objects.live().filter(
            slug__in=["first-line-basics", "second-line-access", "second-line-web"]
        )
    }
    if not programmes:
        stdout.write("Mentoring: no demo programme found (courses demo not loaded); no training paths added.")
        return []
    scenarios = _scenarios()
    people = _users(
        {s.learner for s in scenarios} | {s.mentor for s in scenarios} | {s.lead for s in scenarios}
    )
    created = 0
    for scenario in scenarios:
        programme = programmes.get(scenario.programme)
        learner, mentor, lead = (people.get(n) for n in (scenario.learner, scenario.mentor, scenario.lead))
        if programme is None or learner is None or mentor is None or lead is None:
            continue
        if Enrolment.objects.filter(learner=learner, programme=programme).exists():
            continue
        with services.emails_muted():
            _play(scenario, learner=learner, mentor=mentor, lead=lead, programme=programme)
        created += 1
    missing = {"first-line-basics", "second-line-access", "second-line-web"} - set(programmes)
    stdout.write(
        f"Mentoring: {created} training paths added ({Enrolment.objects.count()} in all)."
        + (f" Programmes not found, skipped: {', '.join(sorted(missing))}." if missing else "")
    )
    return []


def _play(scenario: Scenario, *, learner, mentor, lead, programme: ProgrammePage) -> Enrolment:
    real_now = timezone.now()
    start = real_now - datetime.timedelta(days=scenario.started_days_ago, hours=3)
    clock = Clock(start, limit=real_now - datetime.timedelta(minutes=5))
    with clock.frozen():
        enrolment = services.enrolment_create(actor=lead, learner=learner, programme=programme, mentor=mentor)
    order = list(enrolment.stage_sequence)
    # A withdrawal needs something to withdraw: go one stage further, then the team lead takes the
    # observation sign-off back and the newcomer is in observation again.
    target = order.index(Stage.SUPERVISED) if scenario.withdrawn else order.index(scenario.target)
    # Each stage gets an equal share of the days since the start, ending a couple of days ago.
    step = max(1.0, (scenario.started_days_ago - 2) / (target + 1))

    def begin(index: int) -> None:
        clock.now = max(clock.now, start + datetime.timedelta(days=step * index))

    stages = [_study, _joint_review, _observation, _supervised]
    for index, play in enumerate(stages[: target + 1]):
        if index == 2 and Stage.OBSERVATION not in order:
            continue
        begin(index)
        play(enrolment, scenario, learner, mentor, clock, complete=index < target, step=step)
    if scenario.withdrawn:
        clock.advance(days=1)
        with clock.frozen():
            services.stage_withdraw(
                actor=lead,
                stage=enrolment.stages.get(stage=Stage.OBSERVATION),
                reason="Часы наблюдения записаны по сменам, которых не было в графике наставника.",
            )
    return enrolment


def _study(
    enrolment, scenario: Scenario, learner, mentor, clock: Clock, *, complete: bool, step: float
) -> None:
    programme = enrolment.programme
    lessons = list(LessonPage.objects.live().descendant_of(programme).filter(required=True).order_by("path"))
    count = len(lessons) if complete else len(lessons) // 2
    if not complete and LessonProgress.objects.filter(user=learner, lesson__in=lessons).exists():
        count = 0  # already part-way (the courses demo): leave their study as it is
    for i, lesson in enumerate(lessons[:count]):
        when = clock.now + datetime.timedelta(days=step * (i + 1) / (count + 1))
        LessonProgress.objects.get_or_create(
            user=learner, lesson=lesson, defaults={"studied_at": when, "revision": lesson.latest_revision}
        )
    clock.advance(days=step * 0.9)
    with clock.frozen():
        services.enrolment_study_sync(enrolment=enrolment)


def _ask_and_sign(
    enrolment, stage: Stage, learner, mentor, clock: Clock, *, sent_back: bool, note: str = ""
) -> None:
    progress = enrolment.stages.get(stage=stage)
    if sent_back:
        # The first request was early: the mentor sends it back, the newcomer tries again.
        with clock.frozen():
            services.stage_sign_off_request(actor=learner, stage=progress, note="Кажется, всё прошли.")
        clock.advance(hours=5)
        with clock.frozen():
            services.stage_send_back(
                actor=mentor,
                stage=progress,
                comment="Давай ещё раз проговорим случаи, когда обращение уходит на вторую линию.",
            )
        clock.advance(days=1)
    with clock.frozen():
        services.stage_sign_off_request(actor=learner, stage=progress, note=note)
    clock.advance(hours=3)
    with clock.frozen():
        services.stage_sign_off(actor=mentor, stage=progress, note="Готов к следующему этапу.")


def _joint_review(
    enrolment, scenario: Scenario, learner, mentor, clock: Clock, *, complete: bool, step: float
):
    points = selectors.enrolment_key_points(enrolment)
    questions = QUESTIONS if complete else QUESTIONS[:2]
    for question, answer in questions:
        with clock.frozen():
            record = services.review_question_ask(actor=learner, enrolment=enrolment, question=question)
        clock.advance(hours=2)
        if answer or complete:
            with clock.frozen():
                services.review_question_answer(
                    actor=mentor, question=record, answer=answer or "Когда нужны права или знания группы."
                )
    ticked = (
        points if complete or scenario.sent_back or scenario.ready else points[: max(1, len(points) // 2)]
    )
    for i, point in enumerate(ticked):
        clock.advance(hours=1)
        with clock.frozen():
            services.review_point_tick(
                actor=mentor,
                enrolment=enrolment,
                key=point.key,
                note="Разобрали на живом обращении." if i % 3 == 0 else "",
            )
    if complete:
        _ask_and_sign(enrolment, Stage.JOINT_REVIEW, learner, mentor, clock, sent_back=scenario.sent_back)
    elif scenario.sent_back:
        # Everything covered, the newcomer asked, the mentor sent it back; a new question is open.
        progress = enrolment.stages.get(stage=Stage.JOINT_REVIEW)
        clock.advance(hours=2)
        with clock.frozen():
            services.stage_sign_off_request(actor=learner, stage=progress, note="Все пункты пройдены.")
        clock.advance(hours=4)
        with clock.frozen():
            services.stage_send_back(
                actor=mentor,
                stage=progress,
                comment="Разбери ещё раз эскалацию на вторую линию и спроси, что неясно.",
            )
        clock.advance(days=1)
        with clock.frozen():
            services.review_question_ask(
                actor=learner,
                enrolment=enrolment,
                question="Если клиент настаивает на срочности, можно ли ускорить?",
            )
    elif scenario.request_pending and not selectors.unmet_requirements(enrolment, Stage.JOINT_REVIEW):
        with clock.frozen():
            services.stage_sign_off_request(
                actor=learner, stage=enrolment.stages.get(stage=Stage.JOINT_REVIEW)
            )


def _observation(
    enrolment, scenario: Scenario, learner, mentor, clock: Clock, *, complete: bool, step: float
):
    required = enrolment.programme.min_observation_hours
    sessions = max(1, math.ceil(required / 6))
    if not complete:
        sessions = max(1, sessions - 1) if sessions > 1 else 1
    for i in range(sessions + (0 if complete else 1)):
        clock.advance(days=max(1, step / (sessions + 1)))
        shift = Shift.DAY if i % 2 == 0 else Shift.EVENING
        with clock.frozen():
            entry = services.observation_log(
                actor=learner,
                enrolment=enrolment,
                date=timezone.localdate(),
                shift=shift,
                hours=6,
                requests_observed=14 + 3 * i,
                questions=OBSERVED_QUESTIONS[i % len(OBSERVED_QUESTIONS)],
            )
        last = i == sessions
        if complete or not last:
            clock.advance(hours=6)
            with clock.frozen():
                services.observation_confirm(actor=mentor, entry=entry)
    if complete:
        _ask_and_sign(enrolment, Stage.OBSERVATION, learner, mentor, clock, sent_back=False)


def _supervised(enrolment, scenario: Scenario, learner, mentor, clock: Clock, *, complete: bool, step: float):
    programme = enrolment.programme
    per_shift = 20
    shifts = max(programme.correction_window_shifts, math.ceil(programme.min_supervised_requests / per_shift))
    if not complete and not scenario.ready:
        shifts = max(1, shifts - 1)
    for i in range(shifts):
        clock.advance(days=max(1, step / (shifts + 1)))
        # Early shifts need more corrections; the recent ones settle under the programme's maximum.
        corrected = 4 if i == 0 and shifts > programme.correction_window_shifts else 1 if i % 2 else 0
        with clock.frozen():
            services.supervised_shift_record(
                actor=mentor,
                enrolment=enrolment,
                date=timezone.localdate(),
                shift=Shift.DAY if i % 2 == 0 else Shift.EVENING,
                requests_handled=per_shift,
                requests_corrected=corrected,
                feedback=FEEDBACK[i % len(FEEDBACK)],
            )
    if complete:
        _ask_and_sign(enrolment, Stage.SUPERVISED, learner, mentor, clock, sent_back=False)
    elif scenario.ready and not selectors.unmet_requirements(enrolment, Stage.SUPERVISED):
        clock.advance(hours=2)
        with clock.frozen():
            services.stage_sign_off_request(
                actor=learner, stage=enrolment.stages.get(stage=Stage.SUPERVISED), note="Норма выполнена."
            )
