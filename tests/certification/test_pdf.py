import pytest
from django.test import override_settings

from certification import pdf, services
from certification.models import Certificate
from tests.certification.helpers import all_answers, as_querydict, pdf_page_count, pdf_text


def issue(quiz, user):
    attempt = services.attempt_start(quiz=quiz, user=user)
    services.attempt_answer_all(attempt=attempt, user=user, data=as_querydict(all_answers(attempt)))
    return services.attempt_finish(attempt=attempt, user=user).certificate


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


def test_print_renders_all_pages_in_one_document(the_quiz, newcomer, mentor, team_lead):
    certificates = [issue(the_quiz, newcomer), issue(the_quiz, mentor)]
    content = services.certificates_print(certificates=certificates)
    assert pdf_page_count(content) == 2
    text = pdf_text(content)
    assert all(c.holder_name in text for c in certificates)


def test_print_of_nothing_is_refused():
    with pytest.raises(services.CertificationError) as exc:
        services.certificates_print(certificates=[])
    assert exc.value.code == "empty"
