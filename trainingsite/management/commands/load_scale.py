"""Build an organisation the size of a large support centre, for query budgets and benchmarks."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from certification import scale as certification_scale
from courses import scale as courses_scale
from mentoring import scale as mentoring_scale
from rotation import scale as rotation_scale
from trainingsite import scale as organisation_scale


class Command(BaseCommand):
    help = (
        "Load a large organisation (by default 1,000 agents, 50 programmes of 10 lessons, 2,000 questions, "
        "100,000 finished attempts) for benchmarks. Refuses to run twice on the same database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--agents", type=int, default=1000)
        parser.add_argument("--programmes", type=int, default=50)
        parser.add_argument("--attempts", type=int, default=100_000)
        parser.add_argument(
            "--certificates", type=int, default=50, help="Passed attempts that get a real certificate (PDF)."
        )

    def handle(
        self, *args, agents: int, programmes: int, attempts: int, certificates: int, **options
    ) -> None:
        if min(agents, programmes) < 1 or min(attempts, certificates) < 0:
            raise CommandError(
                "--agents and --programmes must be at least 1; --attempts and --certificates not negative."
            )
        if organisation_scale.already_loaded():
            raise CommandError(
                "This database already holds the scale organisation (logins starting with "
                f"{organisation_scale.PREFIX!r}). Use a fresh database to load it again."
            )
        began = time.perf_counter()
        # The apps' builders run in dependency order, each taking what the earlier ones made.
        with transaction.atomic():
            people = organisation_scale.build(agents=agents, stdout=self.stdout)
            made = courses_scale.build(programmes=programmes, agents=people["agents"], stdout=self.stdout)
            mentoring_scale.build(
                newcomers=people["newcomers"],
                mentors=people["mentors"],
                leads=people["leads"],
                programmes=made,
                stdout=self.stdout,
            )
            certification_scale.build(
                programmes=made,
                agents=people["agents"],
                attempts=attempts,
                certificates=certificates,
                stdout=self.stdout,
            )
            rotation_scale.build(
                agents=people["agents"], mentors=people["mentors"], leads=people["leads"], stdout=self.stdout
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale organisation ready in {time.perf_counter() - began:.0f} s. "
                f"Logins {organisation_scale.PREFIX}00000 ... and {organisation_scale.PREFIX}lead-first, "
                f"password {organisation_scale.PASSWORD}."
            )
        )
