from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trainingsite import demo as org_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisation (lines, people, materials, quizzes, rotations). Safe to run twice; "
        "refuses a database holding non-demo data unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Load even though the database holds non-demo data."
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        foreign = org_demo.foreign_data()
        if foreign and not force:
            raise CommandError(
                "This database holds data that is not from the demo ("
                + "; ".join(foreign)
                + "). Run with --force to add the demo organisation anyway."
            )
        accounts: list[tuple[str, str, str]] = []
        with transaction.atomic():
            # Each app may have a `demo` module with `load(stdout=...)`; they run in the order of
            # INSTALLED_APPS, which is our dependency order.
            for config in apps.get_app_configs():
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                accounts.extend(module.load(stdout=self.stdout) or [])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready. Logins (password for all: {org_demo.DEMO_PASSWORD}):"
            )
        )
        width = max(len(role) for role, *_ in accounts)
        for role, login, name in accounts:
            self.stdout.write(f"  {role:<{width}}  {login:<10}  {name}")
