"""Background work of the certification app (django-tasks: run at once in development, by
`manage.py db_worker` in production)."""

from django_tasks import task


@task()
def store_certificate_pdf(certificate_id: int) -> None:
    """Lay the certificate's frozen page out as its stored PDF. A finished quiz does not wait for
    WeasyPrint: when a whole line finishes at the deadline, 570 renders would queue on the app's CPU."""
    from .services import certificate_store_pdf  # services enqueue this task: import at run time

    certificate_store_pdf(certificate_id=certificate_id)
