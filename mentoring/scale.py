"""The mentoring part of `load_scale`: every newcomer enrolled with a mentor of their line.

Goes through `services.enrolment_create` (a hundred or so calls), so every enrolment has its stages,
its audit entry and passes the capacity rules exactly as a team lead's would.
"""

from __future__ import annotations

from collections import defaultdict

from . import services
from .services import MentoringError


def build(*, newcomers: list, mentors: list, leads: list, programmes: list, stdout) -> int:
    lead_of = {lead.profile.line_id: lead for lead in leads}
    mentors_of: dict[int, list] = defaultdict(list)
    for mentor in mentors:
        mentors_of[mentor.profile.line_id].append(mentor)
    # A newcomer's programme: their group's if it has one, else their line's general one.
    programmes_of: dict[tuple, list] = defaultdict(list)
    for programme in programmes:
        programmes_of[(programme.line_id, programme.group_id)].append(programme)
    made = skipped = 0
    for n, learner in enumerate(newcomers):
        line_id = learner.profile.line_id
        candidates = mentors_of.get(line_id)
        own = programmes_of.get((line_id, learner.profile.group_id)) or programmes_of.get((line_id, None))
        if not candidates or not own or line_id not in lead_of:
            skipped += 1
            continue
        try:
            services.enrolment_create(
                actor=lead_of[line_id],
                learner=learner,
                programme=own[n % len(own)],
                mentor=candidates[n % len(candidates)],
            )
            made += 1
        except MentoringError:
            skipped += 1
    stdout.write(
        f"Mentoring: {made} newcomers enrolled with a mentor ({skipped} without a programme or mentor)."
    )
    return made
