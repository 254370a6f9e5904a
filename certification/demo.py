"""Demo question bank (from the domain brief's knowledge-base content), quizzes and certificates.

Idempotent: categories, questions and quizzes are looked up by name and programme; attempts are
made only for people who have none yet. Runs after the courses and mentoring demos and skips any
demo programme that is missing.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from courses.models import ProgrammePage
from trainingsite.models import Line
from trainingsite.roles import Role

from . import services
from .grading import AnswerError
from .models import Attempt, Certificate, Choice, Question, QuestionCategory, Quiz, QuizSection

User = get_user_model()

S, M, TF, ORD, SH = "single", "multiple", "truefalse", "ordering", "short"
# A veteran's certificate comes at least this long after their hire date (their own onboarding).
ONBOARDING_DAYS = 45

# (category, line code, [(type, short name, text, choices [(text, right, feedback)] | accepted,
#   explanation)])
BANK: list[tuple[str, str, list[tuple]]] = [
    (
        "Восстановление доступа",
        "first",
        [
            (
                S,
                "Нет телефона и резервной почты",
                "Автоматическое восстановление не сработало: нет секретного ответа, телефона и резервной "
                "почты. Что делает специалист?",
                [
                    (
                        "Просит всё, что может знать владелец: дату регистрации, папки, фильтры, контакты, "
                        "старые пароли",
                        True,
                        "Верно: так можно убедиться, что пишет владелец ящика.",
                    ),
                    ("Сбрасывает пароль по имени и фамилии", False, "Имя и фамилию знает кто угодно."),
                    ("Отказывает и закрывает обращение", False, "Это отписка: клиент останется без помощи."),
                    ("Сообщает текущий пароль", False, "Пароли не хранятся в открытом виде и не сообщаются."),
                ],
                "Чем больше сведений, известных только владельцу, тем надёжнее проверка.",
            ),
            (
                M,
                "Данные для проверки владельца",
                "Какие сведения помогают убедиться, что обращается владелец ящика? Выберите все подходящие.",
                [
                    ("Примерная дата регистрации", True, ""),
                    ("Названия созданных папок", True, ""),
                    ("Ранее использованные пароли", True, ""),
                    ("Любимый цвет", False, "Этого нет в данных ящика, проверить нельзя."),
                    ("Номер паспорта", False, "Паспортные данные поддержка почты не проверяет."),
                ],
                "Проверяем то, что есть в самом ящике и известно только владельцу.",
            ),
            (
                TF,
                "Доступ к чужому ящику",
                "Если история убедительная (например, «это ящик умершего родственника»), поддержка может "
                "дать доступ к чужому ящику.",
                False,
                "Никогда: поддержка не даёт доступ к чужому ящику, какой бы ни была история.",
            ),
            (
                TF,
                "Привязка телефона",
                "Привязка номера телефона к ящику сокращает число обращений о восстановлении доступа.",
                True,
                "С телефоном владелец восстанавливает доступ сам.",
            ),
            (
                SH,
                "Срок ответа о восстановлении",
                "В течение скольких рабочих дней обычно приходит ответ поддержки по восстановлению "
                "аккаунта? (число)",
                ["5", "пять"],
                "Обычно в течение 5 рабочих дней.",
            ),
            (
                S,
                "Пароль в спаме",
                "Клиент не получил письмо для восстановления пароля. Что предложить первым делом?",
                [
                    ("Проверить папку «Спам»", True, "Часто письмо попадает именно туда."),
                    ("Создать новый ящик", False, ""),
                    ("Подождать неделю", False, ""),
                ],
                "Письма с сервисов нередко попадают в спам.",
            ),
            (
                ORD,
                "Порядок проверки владельца",
                "Расставьте шаги работы с обращением о потерянном доступе по порядку.",
                [
                    ("Убедиться, что автоматическое восстановление не сработало", True, ""),
                    ("Запросить сведения, известные только владельцу", True, ""),
                    ("Сверить сведения с данными ящика", True, ""),
                    ("Восстановить доступ и предложить привязать телефон", True, ""),
                ],
                "Сначала самостоятельное восстановление, затем проверка, затем доступ и профилактика.",
            ),
        ],
    ),
    (
        "Блокировка ящика",
        "first",
        [
            (
                M,
                "Причины блокировки",
                "За что может быть заблокирован почтовый ящик? Выберите все верные причины.",
                [
                    ("Нарушение пользовательского соглашения", True, ""),
                    ("Вирусы на компьютере владельца", True, ""),
                    ("Взлом ящика", True, ""),
                    ("Слишком много писем во входящих", False, "Объём почты не причина блокировки."),
                ],
                "Три причины: нарушение соглашения, вирусы, взлом.",
            ),
            (
                S,
                "Файл hosts",
                "Что должно быть в файле hosts у пользователя после взлома?",
                [
                    ("Только строка localhost", True, "Верно: лишние строки подменяют сайты."),
                    ("Адреса всех почтовых серверов", False, ""),
                    ("Файл нужно удалить", False, "Файл нужен системе."),
                ],
                "Вредоносные программы дописывают в hosts адреса поддельных сайтов.",
            ),
            (
                SH,
                "Какой файл проверить",
                "Какой системный файл проверить, если браузер открывает поддельную страницу входа?",
                ["hosts", "файл hosts", "hosts file"],
                "Файл hosts должен содержать только строку localhost.",
            ),
            (
                ORD,
                "Разблокировка после взлома",
                "Расставьте действия после блокировки ящика из-за взлома по порядку.",
                [
                    ("Проверить компьютер на вирусы бесплатной лечащей утилитой", True, ""),
                    ("Проверить файл hosts", True, ""),
                    ("Сменить пароль", True, ""),
                    ("Войти через обновлённый или другой браузер", True, ""),
                ],
                "Сначала убрать причину (вирус), затем сменить пароль — иначе новый пароль тоже украдут.",
            ),
            (
                TF,
                "Пароль до лечения",
                "После взлома пароль нужно менять до проверки компьютера на вирусы.",
                False,
                "Если вирус остался, он украдёт и новый пароль.",
            ),
            (
                S,
                "Браузер после взлома",
                "Ящик разблокирован, но вход не работает. Что посоветовать?",
                [
                    ("Попробовать другой или обновлённый браузер", True, ""),
                    ("Переустановить операционную систему", False, "Слишком радикально для первого шага."),
                    ("Заблокировать ящик снова", False, ""),
                ],
                "",
            ),
        ],
    ),
    (
        "Нет услуги: телефония и интернет",
        "first",
        [
            (
                ORD,
                "Нет связи: порядок",
                "Клиент сообщает, что нет связи. Расставьте шаги диагностики по порядку.",
                [
                    ("Проверить баланс лицевого счёта", True, ""),
                    ("Если баланс положительный — проверить подключение к интернету", True, ""),
                    ("Если оборудование работает — перезагрузить его", True, ""),
                    ("Проверить регистрационные данные оборудования", True, ""),
                    ("Проверить формат набираемого номера (код страны и города)", True, ""),
                ],
                "Порядок из базы знаний: баланс, подключение, перезагрузка, регистрация, формат номера.",
            ),
            (
                S,
                "Отрицательный баланс",
                "У клиента нет услуги и отрицательный баланс. Что сделать?",
                [
                    ("Предложить пополнить счёт", True, ""),
                    ("Перезагрузить оборудование", False, "Сначала баланс."),
                    ("Передать на третью линию", False, "Это не неисправность оборудования."),
                ],
                "",
            ),
            (
                TF,
                "Формат номера",
                "Если звонок не проходит, стоит проверить, что номер набран с кодом страны и города.",
                True,
                "",
            ),
            (
                M,
                "Способы пополнить баланс",
                "Какими способами клиент может пополнить баланс?",
                [
                    ("Наличными", True, ""),
                    ("Через интернет-банк", True, ""),
                    ("Электронным кошельком", True, ""),
                    ("С мобильного телефона", True, ""),
                    ("Письмом в поддержку с номером карты", False, "Данные карты нельзя пересылать письмом."),
                ],
                "",
            ),
            (
                SH,
                "Платёж не пришёл",
                "Через сколько часов после оплаты, если деньги не поступили, стоит обратиться в поддержку "
                "платёжной системы или к нам? (число)",
                ["1", "один", "час"],
                "Если деньги не пришли в течение часа, клиент обращается в поддержку.",
            ),
            (
                S,
                "Третья линия",
                "Какая линия удалённо ремонтирует оборудование клиента?",
                [
                    ("Третья — инженеры активного оборудования", True, ""),
                    ("Первая", False, ""),
                    ("Вторая, группа «Веб»", False, ""),
                ],
                "",
            ),
        ],
    ),
    (
        "Личный кабинет и оплата",
        "first",
        [
            (
                S,
                "Личный кабинет не работает",
                "Клиент не может войти в личный кабинет. С чего начать?",
                [
                    ("Очистить кэш браузера или попробовать другой браузер", True, ""),
                    ("Сразу оформить заявку в техподдержку", False, "Сначала простые шаги."),
                    ("Удалить учётную запись", False, ""),
                ],
                "Если после очистки кэша и смены браузера не работает — оформить заявку.",
            ),
            (
                ORD,
                "Личный кабинет: порядок",
                "Расставьте шаги при проблеме с личным кабинетом.",
                [
                    ("Очистить кэш браузера", True, ""),
                    ("Попробовать другой браузер", True, ""),
                    ("Если не помогло — оформить заявку в техническую поддержку", True, ""),
                ],
                "",
            ),
            (
                TF,
                "Восстановление логина",
                "Логин и пароль восстанавливаются на вкладке личного кабинета на сайте.",
                True,
                "",
            ),
            (
                M,
                "Проблемы с регистрацией",
                "Что посоветовать при проблеме с регистрацией?",
                [
                    ("Восстановить логин или пароль на вкладке личного кабинета", True, ""),
                    ("Проверить почту, в том числе папку «Спам»", True, ""),
                    ("Зарегистрироваться повторно на другой адрес", False, ""),
                ],
                "",
            ),
            (
                SH,
                "Папка для писем",
                "В какую папку почты клиенту стоит заглянуть, если письмо с подтверждением не пришло?",
                ["спам", "папка спам", "spam"],
                "",
            ),
        ],
    ),
    (
        "Качество и этика",
        "first",
        [
            (
                S,
                "Хорошая поддержка",
                "Что отличает хорошую поддержку?",
                [
                    ("Точный ответ здесь и сейчас плюс полезная информация на будущее", True, ""),
                    ("Быстрый шаблонный ответ, после которого клиент ищет сам", False, "Это отписка."),
                    ("Передача всех обращений на вторую линию", False, ""),
                ],
                "",
            ),
            (
                M,
                "Качества специалиста",
                "Какие качества нужны специалисту поддержки?",
                [
                    ("Терпение", True, ""),
                    ("Эмпатия", True, ""),
                    ("Внимание к деталям", True, ""),
                    ("Умение читать между строк", True, ""),
                    ("Скорость любой ценой", False, "Скорость не любой ценой: есть метрики качества."),
                ],
                "",
            ),
            (
                TF,
                "Скорость любой ценой",
                "Главная метрика первой линии — скорость любой ценой.",
                False,
                "Есть метрики качества обработки обращений, личные и групповые.",
            ),
            (
                S,
                "Вежливое завершение",
                "Какое завершение диалога соответствует стандарту?",
                [
                    ("«Рад был помочь! Если появятся вопросы — обращайтесь.»", True, ""),
                    ("«Всё, вопрос закрыт.»", False, ""),
                    ("«Читайте справку.»", False, ""),
                ],
                "",
            ),
            (
                SH,
                "Оценка клиентов",
                "Какая средняя оценка клиентов за месяц (из 5) приведена в материалах? (например, 4,6)",
                ["4,6", "4.6"],
                "",
            ),
        ],
    ),
    (
        "Линии и SLA",
        "first",
        [
            (
                S,
                "SLA первой линии",
                "За сколько минут первая линия должна ответить клиенту?",
                [("5 минут", True, ""), ("30 секунд", False, "Это ожидание на линии."), ("1 час", False, "")],
                "",
            ),
            (
                S,
                "SLA второй линии",
                "За сколько минут отвечает вторая линия?",
                [
                    ("10 минут", True, ""),
                    ("5 минут", False, ""),
                    ("24 часа", False, "Это срок третьей линии."),
                ],
                "",
            ),
            (
                SH,
                "Ожидание на линии",
                "Сколько секунд клиент может ждать ответа на линии по SLA? (число)",
                ["30"],
                "",
            ),
            (
                TF,
                "Куда попадают новички",
                "Новых сотрудников обычно нанимают на первую линию.",
                True,
                "Лучшие сотрудники первой линии потом переходят на вторую.",
            ),
            (
                M,
                "Что может первая линия",
                "Что может сделать первая линия с обращением?",
                [
                    ("Ответить по базе знаний", True, ""),
                    ("Запросить недостающую информацию", True, ""),
                    ("Закрыть решённое обращение", True, ""),
                    ("Классифицировать и передать на вторую линию", True, ""),
                    ("Удалённо отремонтировать оборудование", False, "Это работа третьей линии."),
                ],
                "",
            ),
            (
                SH,
                "Доля второй линии",
                "Какая примерно доля обращений (в процентах) передаётся на вторую линию в почтовом сервисе?",
                ["40", "40%", "40 %"],
                "",
            ),
        ],
    ),
    (
        "Вторая линия: доступ",
        "second",
        [
            (
                S,
                "Вторая линия: цель",
                "В чём главная цель второй линии?",
                [
                    ("Полный индивидуальный ответ, после которого не нужно обращаться повторно", True, ""),
                    ("Держать поток и скорость", False, "Это цель первой линии."),
                ],
                "",
            ),
            (
                M,
                "Сложное восстановление",
                "Что учитывает вторая линия при сложном восстановлении доступа?",
                [
                    ("Фильтры и контакты ящика", True, ""),
                    ("Старые пароли", True, ""),
                    ("Историю входов из необычных мест", True, ""),
                    ("Просьбу знакомого владельца", False, "Третьим лицам доступ не даём."),
                ],
                "",
            ),
            (
                TF,
                "Взлом и пароль",
                "После взлома достаточно сменить пароль, проверять компьютер не нужно.",
                False,
                "",
            ),
            (
                ORD,
                "Сложный случай: порядок",
                "Расставьте шаги работы второй линии со сложным случаем восстановления.",
                [
                    ("Изучить, что уже сделала первая линия", True, ""),
                    ("Запросить недостающие сведения у клиента", True, ""),
                    ("Принять решение о владельце", True, ""),
                    ("Дать полный ответ с советами на будущее", True, ""),
                ],
                "",
            ),
            (
                SH,
                "Сборщик почты",
                "Как называется функция, которая забирает письма из других ящиков? (два слова)",
                ["сборщик писем", "сборщик почты"],
                "",
            ),
        ],
    ),
    (
        "Вторая линия: веб",
        "second",
        [
            (
                S,
                "Фильтры почты",
                "Клиент жалуется, что письма от банка пропадают. Что проверить в первую очередь?",
                [
                    ("Правила фильтрации и папки", True, ""),
                    ("Скорость интернета", False, ""),
                    ("Версию операционной системы", False, ""),
                ],
                "",
            ),
            (
                M,
                "Веб-интерфейс не грузится",
                "Что посоветовать, если веб-интерфейс почты загружается с ошибками?",
                [
                    ("Очистить кэш браузера", True, ""),
                    ("Обновить браузер или попробовать другой", True, ""),
                    ("Отключить расширения браузера", True, ""),
                    ("Удалить ящик и создать новый", False, ""),
                ],
                "",
            ),
            (
                TF,
                "Папки и фильтры",
                "Папки, фильтры и сбор почты из других ящиков — растущие темы обращений.",
                True,
                "",
            ),
            (
                SH,
                "Вкладка восстановления",
                "На какой вкладке сайта клиент восстанавливает логин и пароль? (два слова)",
                ["личный кабинет", "личного кабинета"],
                "",
            ),
            (
                ORD,
                "Сбор почты: порядок",
                "Расставьте шаги настройки сбора почты из другого ящика.",
                [
                    ("Открыть настройки и раздел сбора почты", True, ""),
                    ("Указать адрес и пароль другого ящика", True, ""),
                    ("Выбрать папку для собранных писем", True, ""),
                    ("Проверить, что письма приходят", True, ""),
                ],
                "",
            ),
        ],
    ),
]

PROGRAMMES = [
    # slug, quiz title, [(category name, draw)]
    (
        "first-line-basics",
        "Аттестация первой линии",
        [
            ("Восстановление доступа", 3),
            ("Блокировка ящика", 2),
            ("Нет услуги: телефония и интернет", 2),
            ("Личный кабинет и оплата", 2),
            ("Качество и этика", 2),
            ("Линии и SLA", 2),
        ],
    ),
    (
        "second-line-access",
        "Аттестация второй линии: восстановление доступа",
        [("Вторая линия: доступ", 4), ("Восстановление доступа", 3), ("Качество и этика", 2)],
    ),
    (
        "second-line-web",
        "Аттестация второй линии: веб",
        [("Вторая линия: веб", 4), ("Личный кабинет и оплата", 3), ("Качество и этика", 2)],
    ),
]


def _bank(stdout) -> dict[str, QuestionCategory]:
    lines = {line.code: line for line in Line.objects.all()}
    categories: dict[str, QuestionCategory] = {}
    created = 0
    for name, line_code, questions in BANK:
        category, _new = QuestionCategory.objects.get_or_create(name=name, line=lines.get(line_code))
        categories[name] = category
        for kind, short, text, answer, explanation in questions:
            if Question.objects.filter(category=category, name=short).exists():
                continue
            question = Question(category=category, name=short, type=kind, text=text, explanation=explanation)
            if kind == TF:
                question.statement_is_true = answer
            elif kind == SH:
                question.accepted_answers = "\n".join(answer)
            question.full_clean()
            question.save()
            if kind in (S, M, ORD):
                Choice.objects.bulk_create(
                    [
                        Choice(
                            question=question,
                            text=t,
                            is_correct=ok if kind != ORD else False,
                            feedback=fb,
                            sort_order=i,
                        )
                        for i, (t, ok, fb) in enumerate(answer)
                    ]
                )
            created += 1
    stdout.write(f"Certification: question bank ready ({Question.objects.count()} questions, {created} new).")
    return categories


def _answers(attempt: Attempt, rng: random.Random, skill: float):
    """What a learner of this skill would post: the right answer with probability `skill`."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for item in attempt.questions.all():
        snap, key = item.snapshot, f"q{item.position}"
        right = rng.random() < skill
        choices = snap["choices"]
        if snap["type"] == S:
            pool = [c for c in choices if c["correct"] == right] or choices
            data.setlist(key, [rng.choice(pool)["id"]])
        elif snap["type"] == M:
            picks = [c["id"] for c in choices if c["correct"]] if right else [rng.choice(choices)["id"]]
            data.setlist(key, picks)
        elif snap["type"] == TF:
            data.setlist(key, ["true" if snap["statement_is_true"] == right else "false"])
        elif snap["type"] == ORD:
            order = sorted(choices, key=lambda c: c["rank"]) if right else rng.sample(choices, len(choices))
            for place, c in enumerate(order, start=1):
                data.setlist(f"{key}-{c['id']}", [str(place)])
        elif snap["type"] == SH:
            data.setlist(key, [snap["accepted"][0] if right else "не знаю"])
    return data


def _take(quiz: Quiz, user, when: datetime.datetime, rng: random.Random, skill: float) -> Attempt | None:
    try:
        attempt = services.attempt_start(quiz=quiz, user=user, now=when)
        services.attempt_answer_all(
            attempt=attempt,
            user=user,
            data=_answers(attempt, rng, skill),
            now=when + datetime.timedelta(minutes=12),
        )
        return services.attempt_finish(attempt=attempt, user=user, now=when + datetime.timedelta(minutes=14))
    except (services.CertificationError, AnswerError):
        return None


def load(*, stdout) -> list[tuple[str, str, str]]:
    rng = random.Random(5005)
    with transaction.atomic():
        categories = _bank(stdout)
        now = timezone.now()
        for slug, title, sections in PROGRAMMES:
            programme = ProgrammePage.objects.filter(slug=slug).first()
            if programme is None:
                stdout.write(
                    f"Certification: programme {slug!r} is missing (courses demo not loaded); no quiz for it."
                )
                continue
            quiz = Quiz.objects.filter(programme=programme).first()
            if quiz is None:
                quiz = Quiz.objects.create(
                    programme=programme,
                    title=title,
                    intro=(
                        "Вопросы выбираются случайно из банка. Ответы сохраняются сразу; "
                        "время идёт на сервере."
                    ),
                    time_limit_minutes=30,
                    attempts_allowed=3,
                    delay_minutes=60,
                    pass_mark_percent=75,
                    review_policy="full",
                )
                for i, (category_name, draw) in enumerate(sections):
                    QuizSection.objects.create(
                        quiz=quiz,
                        title=category_name,
                        category=categories[category_name],
                        draw_count=draw,
                        sort_order=i,
                    )
            _history(quiz, programme, rng, now, stdout)
    return []


def _paths(programme: ProgrammePage) -> dict[int, object]:
    """Each person's onboarding path on the programme (the mentoring demo's newcomers), by user id."""
    from mentoring.models import Enrolment

    paths = (
        Enrolment.objects.filter(programme=programme, kind=Enrolment.Kind.ONBOARDING)
        .exclude(status=Enrolment.Status.CANCELLED)
        .order_by("created_at")
    )
    return {path.learner_id: path for path in paths}


def _quiz_day(user, path, now: datetime.datetime, days_ago: int, rng: random.Random):
    """When this person sits the quiz, or None when they would not have yet.

    A newcomer sits it only once their mentor signed the last stage off (the path is in its
    certification stage), a day or so later; a veteran somewhere in the last year, but not before
    they could have finished an onboarding of their own after being hired."""
    latest = now - datetime.timedelta(hours=1)
    if path is not None:
        from mentoring.models import Enrolment, Stage

        if path.status != Enrolment.Status.ACTIVE or path.current_stage != Stage.CERTIFICATION:
            return None
        return min(path.stage_started_at + datetime.timedelta(days=1, hours=rng.randint(0, 6)), latest)
    when = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 6))
    hired = user.profile.hire_date
    if hired is not None:
        onboarded = datetime.datetime.combine(
            hired + datetime.timedelta(days=ONBOARDING_DAYS), datetime.time(10), tzinfo=now.tzinfo
        )
        when = max(when, onboarded)
    return when if when <= latest else None


def _history(quiz: Quiz, programme: ProgrammePage, rng: random.Random, now, stdout) -> None:
    """Finished attempts and certificates for people of the programme's line: veterans over the last
    year, and the mentoring demo's newcomers who reached the certification stage. Someone still on
    an earlier stage has not sat the quiz, so no certificate predates a path or its sign-offs."""
    people = list(
        User.objects.filter(is_active=True, profile__line=programme.line, groups__name=Role.AGENT.value)
        .exclude(username__in=["newcomer", "newcomer2"])
        .select_related("profile")
        .order_by("username")
    )
    if programme.group_id:
        people = [p for p in people if p.profile.group_id == programme.group_id]
    paths = _paths(programme)
    # The same 24 people on every run; those who already have attempts are left as they are.
    done = set(Attempt.objects.filter(quiz=quiz).values_list("user_id", flat=True))
    people = [p for p in people[:24] if p.pk not in done]
    if not people:
        return
    issued = took = 0
    for n, user in enumerate(people):
        # Spread over the last year so some certificates expire within 30, 60 and 90 days.
        days_ago = [340, 320, 300, 280, 200, 120, 60, 20][n % 8] + rng.randint(0, 5)
        when = _quiz_day(user, paths.get(user.pk), now, days_ago, rng)
        if when is None:
            continue
        took += 1
        skill = 0.95 if n % 5 else 0.45
        attempt = _take(quiz, user, when, rng, skill)
        retake = when + datetime.timedelta(days=2)
        if attempt is not None and not attempt.passed and n % 2 and retake < now:
            attempt = _take(quiz, user, retake, rng, 0.95)
        if attempt is not None and attempt.passed:
            issued += 1
    lead = User.objects.filter(profile__led_lines=programme.line).first()
    # A veteran's certificate: a newcomer's would put a fresh path's ending in doubt.
    victim = (
        Certificate.objects.filter(programme=programme, revoked_at__isnull=True)
        .exclude(user_id__in=paths)
        .order_by("issued_on")
        .last()
    )
    if (
        lead
        and victim
        and not Certificate.objects.filter(programme=programme, revoked_at__isnull=False).exists()
    ):
        services.certificate_revoke(
            certificate=victim, actor=lead, reason="Выяснилось, что ответы на аттестации подсказывал коллега."
        )
    stdout.write(f"Certification: {quiz.title}: {took} people took it, {issued} certified.")
