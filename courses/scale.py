"""The study-material part of `load_scale`: programmes of lessons under the library, and progress.

Pages go through Wagtail's add_child + save_revision().publish(), like an editor's work, so the tree
paths, revisions, search index and "changed since" bookkeeping are exactly what production has;
a few hundred pages take well under a minute. Progress rows are bulk-created.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from trainingsite.models import Line, SupportGroup

from .demo import callout, heading, key_points, procedure, text
from .models import LessonPage, LessonProgress, ProgrammePage, TrainingLibraryPage

PREFIX = "scale-"
LESSONS_PER_PROGRAMME = 10
# Share of programmes per line: most material is the first line's, like most people.
PROGRAMME_LINES = ["first"] * 6 + ["second"] * 3 + ["third"]


def _body(p: int, n: int) -> list[dict]:
    topic = f"Тема {p + 1}.{n + 1}"
    return [
        heading(topic),
        text(f"<p>{topic}: что сказать клиенту, что проверить и когда передавать обращение дальше.</p>"),
        procedure(
            f"Порядок действий ({topic})",
            [
                (f"Шаг {i}: уточните данные клиента", "Данные совпадают", "Передайте на вторую линию")
                for i in range(1, 4)
            ],
        ),
        callout("warning", "Важно", "<p>Не просите у клиента пароль.</p>"),
        key_points([(f"{topic}: ключевой момент {k}", "Обсудите с наставником.") for k in range(1, 3)]),
    ]


def build(*, programmes: int, stdout, agents: list, seed: int = 11) -> list[ProgrammePage]:
    """`programmes` programmes of LESSONS_PER_PROGRAMME lessons; each agent has studied part of
    a programme of their own line. Returns the programmes (specific pages)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible sample data, not secrets)
    library = TrainingLibraryPage.objects.get()
    lines = {line.code: line for line in Line.objects.all()}
    groups = list(SupportGroup.objects.filter(line=lines["second"]).order_by("code"))
    made: list[ProgrammePage] = []
    lessons_of: dict[int, list[LessonPage]] = {}
    for p in range(programmes):
        line = lines[PROGRAMME_LINES[p % len(PROGRAMME_LINES)]]
        group = groups[p % len(groups)] if line.code == "second" and groups else None
        programme = library.add_child(
            instance=ProgrammePage(
                title=f"Программа {p + 1}: {line.name}",
                slug=f"{PREFIX}programme-{p + 1:03d}",
                line=line,
                group=group,
                intro="<p>Программа обучения для нагрузочной проверки.</p>",
            )
        )
        programme.save_revision().publish()
        lessons = []
        for n in range(LESSONS_PER_PROGRAMME):
            lesson = programme.add_child(
                instance=LessonPage(
                    title=f"Урок {p + 1}.{n + 1}",
                    slug=f"lesson-{n + 1:02d}",
                    summary="Короткий урок по одной теме.",
                    required=n % 4 != 3,
                    body=_body(p, n),
                )
            )
            lesson.save_revision().publish()
            lessons.append(lesson)
        made.append(programme)
        lessons_of[programme.pk] = lessons
    # Live revisions as they are after publishing, read in one query.
    revision_of = dict(
        LessonPage.objects.filter(pk__in=[x.pk for ls in lessons_of.values() for x in ls]).values_list(
            "pk", "live_revision_id"
        )
    )
    now = timezone.now()
    rows = []
    by_line: dict[int, list[ProgrammePage]] = {}
    for programme in made:
        by_line.setdefault(programme.line_id, []).append(programme)
    for user in agents:
        own = by_line.get(user.profile.line_id)
        if not own:
            continue
        programme = own[user.pk % len(own)]
        for lesson in lessons_of[programme.pk][: rng.randint(0, LESSONS_PER_PROGRAMME)]:
            rows.append(
                LessonProgress(
                    user=user,
                    lesson=lesson,
                    revision_id=revision_of[lesson.pk],
                    studied_at=now - datetime.timedelta(days=rng.randint(1, 300)),
                )
            )
    LessonProgress.objects.bulk_create(rows, batch_size=2000)
    stdout.write(
        f"Courses: {len(made)} programmes, {len(made) * LESSONS_PER_PROGRAMME} lessons, "
        f"{len(rows)} lessons studied."
    )
    return made
