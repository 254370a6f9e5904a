"""Benchmark: one certificate PDF, and a whole first line (570 certificates) printed as one PDF.

Run: .venv/bin/python bench/certification_pdf.py   (no database needed: certificates are built in memory,
their PDFs stored in a temporary MEDIA_ROOT as certificate_issue stores them)
Target (/work/shared/benchmarks.md): 570 certificates in one PDF in under 5 s; one certificate well
under WeasyPrint's 143 ms. Printed, never asserted. CPU time is printed next to wall time because
other work on a shared 2-core machine inflates the wall figure.

The print joins the PDFs stored at issue ("merged from stored PDFs"); "rendered as one document" is
the same print when no certificate has a stored PDF (WeasyPrint lays out all 570 pages).
"""

from __future__ import annotations

import datetime
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings.test")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import translation  # noqa: E402

from certification import pdf, services  # noqa: E402
from certification.models import Certificate  # noqa: E402

FIRST = ["Анна", "Игорь", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Павел", "Вера", "Артём"]
LAST = ["Смирнова", "Кузнецов", "Иванова", "Морозов", "Васильева", "Орлов", "Щербакова", "Ёлкин", "Попова"]


def certificate(n: int, rng: random.Random) -> Certificate:
    issued = datetime.date(2026, 11, 1) + datetime.timedelta(days=n % 20)
    return Certificate(
        code=services.new_code(),
        holder_name=" ".join([rng.choice(LAST), rng.choice(FIRST), rng.choice(["Игоревна", "Петрович"])]),
        programme_title="Основы работы первой линии",
        line_name="Первая линия",
        mentor_name="Кузнецов Игорь Петрович",
        score_percent=80 + n % 20,
        issued_on=issued,
        valid_until=services.add_months(issued, 12),
    )


def timed(function):
    start, start_cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - start, time.process_time() - start_cpu


def pages(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    rng = random.Random(570)
    media = tempfile.TemporaryDirectory()
    with translation.override("ru"), override_settings(MEDIA_ROOT=media.name):
        one = certificate(0, rng)
        one.page_html = pdf.render_page_html(
            certificate=one, verify_url=services.verify_url(one.code), language="ru"
        )
        content, cold, cold_cpu = timed(lambda: pdf.render_pdf([one.page_html]))
        # Warm: fonts and the stylesheet are loaded once per thread.
        runs = [timed(lambda: pdf.render_pdf([one.page_html]))[1:] for _ in range(10)]
        warm, warm_cpu = (min(run[i] for run in runs) for i in (0, 1))

        certificates = [certificate(n, rng) for n in range(570)]
        start = time.perf_counter()
        for c in certificates:
            c.page_html = pdf.render_page_html(
                certificate=c, verify_url=services.verify_url(c.code), language="ru"
            )
        templating = time.perf_counter() - start
        # What certificate_issue stores: each certificate's own PDF.
        start, start_cpu = time.perf_counter(), time.process_time()
        for c in certificates:
            c.pdf.save(f"{c.code[:16]}.pdf", ContentFile(pdf.render_pdf([c.page_html])), save=False)
        issuing, issuing_cpu = time.perf_counter() - start, time.process_time() - start_cpu

        joined, joining, joining_cpu = timed(lambda: services.certificates_print(certificates=certificates))
        for c in certificates:
            c.pdf = None
        rendered, rendering, rendering_cpu = timed(
            lambda: services.certificates_print(certificates=certificates)
        )

        # Reference in the same run (machine load varies): 100 plain one-paragraph pages, the kind of
        # document behind the peer figure of 0.63 s in docs/benchmarks.
        plain = [f'<section class="certificate"><p>Сертификат №{n}</p></section>' for n in range(100)]
        _, reference, reference_cpu = timed(lambda: pdf.render_pdf(plain))
    media.cleanup()

    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores); wall / CPU")
    print(f"one certificate, cold process:        {cold * 1000:7.0f} ms / {cold_cpu * 1000:.0f} ms CPU")
    print(
        f"one certificate, warm (best of 10):   {warm * 1000:7.0f} ms / {warm_cpu * 1000:.0f} ms CPU"
        f"  ({len(content) / 1024:.0f} KiB; peer figure 143 ms)"
    )
    print(f"570 pages frozen at issue:            {templating:7.2f} s  templating (done once, at issue)")
    print(f"570 PDFs rendered one by one:         {issuing:7.2f} s / {issuing_cpu:.2f} s CPU (at issue)")
    print(f"reference, 100 plain pages:           {reference:7.2f} s / {reference_cpu:.2f} s CPU (peer 0.63)")
    for label, result, wall, cpu in (
        ("570 merged from stored PDFs:", joined, joining, joining_cpu),
        ("570 rendered as one document:", rendered, rendering, rendering_cpu),
    ):
        print(
            f"{label:38}{wall:7.2f} s / {cpu:.2f} s CPU"
            f"  ({pages(result)} pages, {len(result) / 1024 / 1024:.1f} MiB; target < 5 s)"
        )


if __name__ == "__main__":
    main()
