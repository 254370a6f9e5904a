from django.core.management.base import BaseCommand

from certification.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Close and grade quiz attempts left open past their deadline (run every minute or so)."

    def handle(self, *args, **options) -> None:
        closed = attempts_close_overdue()
        if options["verbosity"]:
            self.stdout.write(f"Closed {closed} overdue attempt(s).")
