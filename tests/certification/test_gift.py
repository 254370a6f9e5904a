import pytest

from certification import gift, services
from certification.models import Question, QuestionCategory, QuestionType
from tests.certification.conftest import question

GOOD = """// A comment line
$CATEGORY: $course$/Доступ

::Восстановление::Что спросить у владельца ящика, если нет телефона и резервной почты? {
  =Дату регистрации, папки, старые пароли#Верно: так убеждаемся, что это владелец.
  ~Только имя и фамилию#Их знает кто угодно.
  ~Ничего, сразу сбросить пароль
  ####Поддержка никогда не даёт доступ к чужому ящику.
}

::Файл hosts::Файл hosts должен содержать только строку localhost. {TRUE}

::Почему блокируют ящик::Причины блокировки ящика {
  ~%50%Нарушение пользовательского соглашения
  ~%50%Взлом
  ~%-100%Слишком много писем во входящих
}

::Файл::Какой файл проверить при подмене сайтов? {=hosts =файл hosts}
"""


def test_parse_all_supported_types():
    questions, errors = gift.parse(GOOD)
    assert errors == []
    assert [q.type for q in questions] == [
        QuestionType.SINGLE,
        QuestionType.TRUE_FALSE,
        QuestionType.MULTIPLE,
        QuestionType.SHORT,
    ]
    single = questions[0]
    assert single.category == "Доступ"
    assert single.choices[0].is_correct
    assert single.choices[0].feedback.startswith("Верно")
    assert single.explanation == "Поддержка никогда не даёт доступ к чужому ящику."
    assert [c.is_correct for c in questions[2].choices] == [True, True, False]
    assert questions[3].accepted == ["hosts", "файл hosts"]


def test_import_creates_questions_and_category(category, editor):
    created = services.questions_import_gift(source=GOOD, category=category, actor=editor)
    assert len(created) == 4
    assert QuestionCategory.objects.filter(name="Доступ", line=category.line).exists()
    assert Question.objects.get(name="Восстановление").choices.count() == 3


@pytest.mark.parametrize(
    ("source", "line_no", "message"),
    [
        ("::a::Text {=one ~two}\n\n::b::Broken {=x ~y", 3, "not closed"),
        ("Q1 {=a ~b}\n\nQ2 {#5:1}", 3, "Numerical questions are not supported"),
        ("Q1 {=a ~b}\n\n\nQ2 {=a =b ~c}", 4, "exactly one right answer"),
        ("Q {=a -> b =c -> d}", 1, "Matching"),
        ("Q {}", 1, "Essay"),
        ("No answers here", 1, "No answer block"),
    ],
)
def test_bad_input_reported_by_line_and_nothing_imported(category, editor, source, line_no, message):
    with pytest.raises(services.GiftImportError) as exc:
        services.questions_import_gift(source=source, category=category, actor=editor)
    assert exc.value.code == "gift_invalid"
    assert any(e.line == line_no and message in e.message for e in exc.value.errors), exc.value.errors
    assert str(exc.value.errors[0]).startswith(f"Line {exc.value.errors[0].line}:")
    assert not Question.objects.exists()


def test_one_bad_question_among_good_ones_imports_nothing(category, editor):
    with pytest.raises(services.GiftImportError):
        services.questions_import_gift(source=GOOD + "\n\nBroken {=a", category=category, actor=editor)
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.filter(name="Доступ").exists()


def test_export_then_import_round_trips(category, editor, bank):
    text = gift.export(Question.objects.filter(pk__in=[q.pk for q in bank]).order_by("category_id", "name"))
    assert "ordering questions have no GIFT form" in text
    parsed, errors = gift.parse(text)
    assert errors == []
    by_name = {q.name: q for q in parsed}
    assert set(by_name) == {"multiple", "short", "single", "truefalse"}
    assert by_name["truefalse"].statement_is_true is False
    assert by_name["short"].accepted == ["hosts file", "файл hosts"]
    assert [c.is_correct for c in by_name["multiple"].choices] == [True, True, False, False]


def test_special_characters_are_escaped(category):
    q = question(
        category=category,
        name="Спецсимволы: {}",
        text="Что значит a=b и ~c #d?",
        choices=[("x = y", True), ("{z}", False)],
    )
    parsed, errors = gift.parse(gift.export([q]))
    assert errors == []
    assert parsed[0].text == "Что значит a=b и ~c #d?"
    assert [c.text for c in parsed[0].choices] == ["x = y", "{z}"]


def test_import_view_reports_errors(client, editor, category):
    from django.urls import reverse

    client.force_login(editor)
    response = client.post(
        reverse("certification:gift_import"), {"category": category.pk, "text": "Q1 {=a ~b}\n\nQ2 {#1}"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was imported" in page
    assert "Line 3: Numerical questions are not supported." in page
    assert not Question.objects.exists()


def test_export_view(client, editor, bank):
    from django.urls import reverse

    client.force_login(editor)
    response = client.get(reverse("certification:gift_export"))
    assert response.status_code == 200
    assert "::single::" in response.content.decode()
