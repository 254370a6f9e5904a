"""Benchmark: one certificate PDF, and a whole first line (570 certificates) printed as one PDF.

Run: .venv/bin/python bench/certification_pdf.py   (no database needed: certificates are built in memory)
Target (docs/benchmarks): 570 certificates in one PDF in under 5 s. Printed, never asserted. CPU time is
printed next to wall time because other work on a shared 2-core machine inflates the wall figure.
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


def main() -> None:
    rng = random.Random(570)
    with translation.override("ru"):
        one = certificate(0, rng)
        start = time.perf_counter()
        one.page_html = pdf.render_page_html(certificate=one, verify_url=services.verify_url(one.code))
        content = pdf.render_pdf([one.page_html])
        single = time.perf_counter() - start
        # Warm: fonts and the stylesheet are loaded once per process.
        start = time.perf_counter()
        pdf.render_pdf([one.page_html])
        single_warm = time.perf_counter() - start

        certificates = [certificate(n, rng) for n in range(570)]
        start = time.perf_counter()
        for c in certificates:
            c.page_html = pdf.render_page_html(certificate=c, verify_url=services.verify_url(c.code))
        templating = time.perf_counter() - start
        start, start_cpu = time.perf_counter(), time.process_time()
        merged = services.certificates_print(certificates=certificates)
        printing, printing_cpu = time.perf_counter() - start, time.process_time() - start_cpu

        # Reference in the same run (machine load varies): 100 plain one-paragraph pages, the kind of
        # document behind the peer figure of 0.63 s in docs/benchmarks.
        plain = [f'<section class="certificate"><p>Сертификат №{n}</p></section>' for n in range(100)]
        start = time.perf_counter()
        pdf.render_pdf(plain)
        reference = time.perf_counter() - start

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(merged)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    print(f"one certificate, cold process:        {single * 1000:7.0f} ms  ({len(content) / 1024:.0f} KiB)")
    print(f"one certificate, warm:                {single_warm * 1000:7.0f} ms")
    print(f"570 certificates, pages frozen at issue: templating {templating:.2f} s (done once, at issue)")
    print(
        f"reference, 100 plain pages:           {reference:7.2f} s  (peer figure on an idle machine: 0.63 s)"
    )
    size = len(merged) / 1024 / 1024
    print(
        f"570 certificates printed as one PDF:  {printing:7.2f} s wall, {printing_cpu:.2f} s CPU"
        f"  ({pages} pages, {size:.1f} MiB, {printing_cpu / 570 * 1000:.1f} ms CPU each; target < 5 s)"
    )


if __name__ == "__main__":
    main()
