import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.templatetags.static import static
from django.test import TestCase, override_settings

from certification import pdf, services
from certification.models import Certificate
from tests.certification.helpers import all_answers, as_querydict, pdf_page_count, pdf_page_size, pdf_text
from tests.factories.organisation import person


def issue(quiz, user):
    """Finish a passing attempt and commit, so the queued PDF task runs (at once in tests)."""
    attempt = services.attempt_start(quiz=quiz, user=user)
    services.attempt_answer_all(attempt=attempt, user=user, data=as_querydict(all_answers(attempt)))
    with TestCase.captureOnCommitCallbacks(execute=True):
        certificate = services.attempt_finish(attempt=attempt, user=user).certificate
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "data:text/plain,hello",
        "https://certificate.invalid/static/../../etc/passwd",
        "https://certificate.invalid/media/certificates/x.pdf",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses_everything_but_static(url):
    fetcher = pdf.StaticOnlyFetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_certificate_stylesheet():
    response = pdf.StaticOnlyFetcher().fetch(pdf.BASE_URL + "static/" + pdf.STYLESHEET)
    assert b"@page" in response.read()


@pytest.fixture
def manifest_static(settings, tmp_path):
    """Production's hashed static names: ManifestStaticFilesStorage over a real collectstatic.

    Only the certification app's static files are collected, to keep the test quick.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATICFILES_DIRS = [Path(apps.get_app_config("certification").path) / "static"]
    call_command("collectstatic", interactive=False, verbosity=0)
    url = pdf.BASE_URL + static(pdf.STYLESHEET).lstrip("/")
    assert re.search(r"/certificate\.[0-9a-f]{12}\.css$", url)
    return url


def test_fetcher_serves_the_hashed_stylesheet_under_manifest_storage(manifest_static):
    fetcher = pdf.StaticOnlyFetcher()
    assert b"@page" in fetcher.fetch(manifest_static).read()
    assert fetcher.refused == []


def test_fetcher_refuses_a_hashed_name_missing_from_the_manifest(manifest_static):
    url = re.sub(r"\.[0-9a-f]{12}\.css$", ".0123456789ab.css", manifest_static)
    fetcher = pdf.StaticOnlyFetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_pdf_under_manifest_storage_has_the_stylesheet_applied(manifest_static):
    content = pdf.render_pdf(['<section class="certificate"><p class="holder">Иванова</p></section>'])
    width, height = pdf_page_size(content)
    # `@page { size: A4 landscape }` comes from the stylesheet alone; without it the page is portrait.
    assert (round(width), round(height)) == (842, 595)


def test_file_url_in_document_fetches_nothing():
    fetcher = pdf.StaticOnlyFetcher()
    html = (
        '<img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/hosts">'
        '<p style="background: url(http://example.com/x.png)">text</p>'
    )
    content = pdf.html_to_pdf(html, fetcher)
    assert set(fetcher.refused) >= {"file:///etc/passwd", "file:///etc/hosts", "http://example.com/x.png"}
    assert "root:" not in pdf_text(content)


def test_hostile_name_prints_as_text(the_quiz, newcomer):
    newcomer.first_name = '<img src="file:///etc/passwd">'
    newcomer.last_name = "<b>Иванов</b>"
    newcomer.save()
    certificate = issue(the_quiz, newcomer)
    assert "&lt;img" in certificate.page_html
    assert '<img src="file' not in certificate.page_html
    text = pdf_text(certificate.pdf.read())
    assert "<b>Иванов</b>" in text
    assert "root:" not in text


def test_cyrillic_name_and_code_are_in_the_pdf(the_quiz, newcomer):
    newcomer.first_name, newcomer.last_name = "Анна", "Щербакова"
    newcomer.save()
    certificate = issue(the_quiz, newcomer)
    text = pdf_text(certificate.pdf.read())
    assert "Щербакова Анна" in text
    assert certificate.code in text.replace("\n", "").replace(" ", "")
    assert "Основы первой линии" in text


def test_pdf_is_stored_at_issue_not_rerendered(the_quiz, newcomer, settings):
    certificate = issue(the_quiz, newcomer)
    stored = certificate.pdf.read()
    with override_settings(CERTIFICATION_PUBLIC_BASE_URL="https://other.example"):
        again = Certificate.objects.get(pk=certificate.pk)
        assert again.pdf.read() == stored


@pytest.fixture
def three_certificates(the_quiz, line):
    names = [("Анна", "Щербакова"), ("Игорь", "Ёлкин"), ("Вера", "Орлова")]
    return [
        issue(the_quiz, person(username=f"agent{n}", first_name=first, last_name=last, line=line))
        for n, (first, last) in enumerate(names)
    ]


def holders_by_page(content: bytes, certificates) -> list[str]:
    """Which holder's name each page of the PDF shows (pdftotext ends every page with a form feed)."""
    pages = pdf_text(content).split("\f")[:-1]
    return [next(c.holder_name for c in certificates if c.holder_name in page) for page in pages]


def test_print_joins_stored_pdfs_in_the_given_order(three_certificates, monkeypatch):
    a, b, c = three_certificates

    def no_rendering(*args, **kwargs):
        raise AssertionError("a stored certificate was rendered again")

    monkeypatch.setattr(pdf, "render_pdf", no_rendering)
    content = services.certificates_print(certificates=[b, c, a])
    assert pdf_page_count(content) == 3
    assert holders_by_page(content, three_certificates) == [b.holder_name, c.holder_name, a.holder_name]


@pytest.fixture
def rendered(monkeypatch) -> list[list[str]]:
    """The pages of every document WeasyPrint lays out during the test, in order."""
    calls: list[list[str]] = []
    real_render = pdf.render_pdf

    def render(pages_html, **kwargs):
        calls.append(list(pages_html))
        return real_render(calls[-1], **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", render)
    return calls


def test_print_renders_certificates_whose_stored_pdf_is_missing(three_certificates, rendered):
    a, b, c = three_certificates
    b.pdf.storage.delete(b.pdf.name)
    content = services.certificates_print(certificates=[a, b, c])
    assert rendered == [[b.page_html]]
    assert pdf_page_count(content) == 3
    assert holders_by_page(content, three_certificates) == [a.holder_name, b.holder_name, c.holder_name]


def test_print_renders_consecutive_unstored_certificates_as_one_document(three_certificates, rendered):
    a, b, c = three_certificates
    a.pdf, b.pdf = None, None
    content = services.certificates_print(certificates=[a, b, c])
    assert rendered == [[a.page_html, b.page_html]]
    assert holders_by_page(content, three_certificates) == [a.holder_name, b.holder_name, c.holder_name]


def test_print_of_nothing_is_refused():
    with pytest.raises(services.CertificationError) as exc:
        services.certificates_print(certificates=[])
    assert exc.value.code == "empty"


def test_stylesheet_is_parsed_once_per_thread():
    from concurrent.futures import ThreadPoolExecutor

    here = pdf._stylesheet(pdf.STYLESHEET)
    assert pdf._stylesheet(pdf.STYLESHEET) is here
    with ThreadPoolExecutor(max_workers=1) as pool:
        there = pool.submit(pdf._stylesheet, pdf.STYLESHEET).result()
    assert there is not here


def test_threads_render_certificates_side_by_side():
    from concurrent.futures import ThreadPoolExecutor

    pages = [f'<section class="certificate"><p class="holder">Сертификат {n}</p></section>' for n in range(4)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        documents = list(pool.map(lambda page: pdf.render_pdf([page]), pages))
    for n, content in enumerate(documents):
        assert f"Сертификат {n}" in pdf_text(content)
        assert [round(side) for side in pdf_page_size(content)] == [842, 595]


@pytest.mark.parametrize("enabled", [True, False])
def test_join_leaves_the_garbage_collector_as_it_found_it(enabled):
    import gc

    one = pdf.render_pdf(['<section class="certificate"><p>1</p></section>'])
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        joined = pdf.join_pdfs([one, one])
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert pdf_page_count(joined) == 2
