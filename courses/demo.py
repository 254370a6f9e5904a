# ruff: noqa: E501  (Russian lesson prose reads better unbroken than wrapped at 110 columns)
"""Demo study material, written from the knowledge-base content of the domain brief.

Idempotent: pages are looked up by slug, progress by (user, lesson); the one "changed after people
studied it" revision is published only while the lesson still has a single revision.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db.models import Count
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from trainingsite.models import Line, Profile, SupportGroup

from .models import LessonPage, LessonProgress, ModulePage, ProgrammePage, TrainingLibraryPage
from .services import lesson_mark_studied

User = get_user_model()

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
VIDEO_URL = "https://www.youtube.com/watch?v=mLVQsWM2Wd8"
CHANGED_LESSON = "password-recovery-manual"


# Raw StreamField data, the JSON form Wagtail stores.
def _block(kind: str, value) -> dict:
    return {"type": kind, "value": value, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{kind}:{value!r}"))}


def text(html: str) -> dict:
    return _block("rich_text", html)


def heading(words: str, level: str = "h2") -> dict:
    return _block("heading", {"text": words, "level": level})


def callout(kind: str, title: str, html: str) -> dict:
    return _block("callout", {"kind": kind, "title": title, "text": html})


def response(situation: str, answer: str, note: str = "") -> dict:
    return _block("response_template", {"situation": situation, "answer": answer, "note": note})


def procedure(title: str, steps: list[tuple[str, str, str]]) -> dict:
    return _block(
        "procedure",
        {
            "title": title,
            "steps": [
                {
                    "type": "item",
                    "value": {"action": a, "check": c, "if_fails": f},
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, a)),
                }
                for a, c, f in steps
            ],
        },
    )


def key_points(
    points: list[tuple[str, str]], title: str = "Ключевые моменты для совместного разбора"
) -> dict:
    return _block(
        "key_points",
        {
            "title": title,
            "points": [
                {
                    "type": "item",
                    "value": {"point": p, "detail": d},
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, p)),
                }
                for p, d in points
            ],
        },
    )


def table(caption: str, rows: list[list[str]]) -> dict:
    return _block(
        "table",
        {
            "caption": caption,
            "table": {
                "data": rows,
                "first_row_is_table_header": True,
                "first_col_is_header": False,
                "table_header_choice": "row",
            },
        },
    )


def image(image_id: int, caption: str, alt: str) -> dict:
    return _block("image", {"image": image_id, "caption": caption, "alt": alt})


def document(document_id: int, title: str) -> dict:
    return _block("document", {"document": document_id, "title": title})


def video(url: str, caption: str) -> dict:
    return _block("video", {"video": url, "caption": caption})


CLOSING = "Рада была помочь! Если появятся вопросы, просто напишите нам."


def _lessons(media: dict[str, int]) -> dict[str, list[dict]]:
    """Every demo lesson by programme and module: (slug, title, summary, required, minutes, body)."""
    return {
        "first-line-basics": [
            {
                "module": ("how-support-works", "Как устроена поддержка"),
                "lessons": [
                    (
                        "lines-and-sla",
                        "Линии поддержки и нормативы",
                        "Кто что делает на первой, второй и третьей линии и за сколько мы отвечаем.",
                        True,
                        10,
                        [
                            heading("Почему поддержка работает линиями"),
                            text(
                                "<p>Почти каждое обращение сначала попадает на <b>первую линию</b>. "
                                "Первая линия отвечает по базе знаний, уточняет у клиента недостающие данные, "
                                "закрывает обращение, если клиент говорит, что вопрос решён, или "
                                "<b>категоризирует его и передаёт на вторую линию</b>.</p>"
                                "<p>Вторая линия состоит из групп со своей специализацией: восстановление доступа, "
                                "веб, мобильные приложения. Её задача — полный индивидуальный ответ, после "
                                "которого клиенту не нужно обращаться повторно. Третья линия — инженеры "
                                "активного оборудования, которые могут удалённо починить устройство клиента.</p>"
                            ),
                            table(
                                "Нормативы времени ответа (SLA)",
                                [
                                    ["Что измеряем", "Норматив"],
                                    ["Ожидание клиента на линии", "30 секунд"],
                                    ["Ответ первой линии", "в течение 5 минут"],
                                    ["Ответ второй линии", "в течение 10 минут"],
                                    ["Решение третьей линией", "в течение 24 часов с момента обращения"],
                                    ["Ответ на письмо", "не дольше часа: дальше клиент уходит"],
                                ],
                            ),
                            callout(
                                "tip",
                                "Скорость — не любой ценой",
                                "<p>Первая линия держит поток, вторая отвечает за качество. "
                                "Стандартная отписка, после которой клиент ищет ответ сам, — плохая поддержка.</p>",
                            ),
                            key_points(
                                [
                                    (
                                        "Что первая линия решает сама, а что передаёт",
                                        "Разобрать 3–4 примера из очереди.",
                                    ),
                                    (
                                        "Нормативы ответа первой и второй линии",
                                        "5 и 10 минут; ожидание на линии — 30 секунд.",
                                    ),
                                    ("Как категоризировать обращение при передаче", ""),
                                ]
                            ),
                        ],
                    ),
                    (
                        "polite-answers",
                        "Вежливый ответ и завершение обращения",
                        "Как отвечать точно и по-человечески и как закрывать обращение.",
                        True,
                        10,
                        [
                            text(
                                "<p>Хороший ответ — это точный ответ здесь и сейчас плюс полезная информация на "
                                "будущее. Пишите ясно, без канцелярита, обращайтесь по имени, если клиент его "
                                "назвал.</p><ul><li>Читайте между строк: что клиент на самом деле хочет сделать?</li>"
                                "<li>Один ответ — один понятный следующий шаг.</li>"
                                "<li>Не обещайте сроки, которых не можете выдержать.</li></ul>"
                            ),
                            response(
                                "Вопрос решён, клиент благодарит",
                                f"{CLOSING}",
                                "В конце каждого решённого обращения.",
                            ),
                            response(
                                "Нужно уточнить данные",
                                "Здравствуйте, [имя клиента]! Чтобы помочь, уточните, пожалуйста, [что нужно "
                                "уточнить]. Как только получим ответ, сразу продолжим.",
                            ),
                            callout(
                                "warning",
                                "Не оставляйте клиента без следующего шага",
                                "<p>Даже если вопрос передан на вторую линию, сообщите клиенту, что будет дальше "
                                "и когда ждать ответа.</p>",
                            ),
                            key_points(
                                [
                                    ("Структура ответа: приветствие, суть, следующий шаг, завершение", ""),
                                    (
                                        "Чем точный ответ отличается от отписки",
                                        "Разобрать два реальных ответа из истории.",
                                    ),
                                ]
                            ),
                        ],
                    ),
                    (
                        "other-peoples-accounts",
                        "Правило: чужой аккаунт",
                        "Никому не даём доступ к чужому аккаунту, какой бы ни была история.",
                        True,
                        5,
                        [
                            callout(
                                "rule",
                                "Никогда не давайте доступ к чужому аккаунту",
                                "<p>Ни родственнику, ни коллеге, ни «начальнику», ни по письму с печатью. "
                                "Доступ получает только владелец, подтвердивший владение.</p>",
                            ),
                            text(
                                "<p>Истории бывают трогательными: «ящик умершего отца», «жена просит пароль», "
                                "«сотрудник уволился, нужны письма». Ответ всегда один и тот же, а владелец "
                                "восстанавливает доступ сам по процедуре восстановления.</p>"
                            ),
                            response(
                                "Просят доступ к чужому ящику",
                                "Понимаю вашу ситуацию, [имя клиента]. К сожалению, мы не можем предоставить "
                                "доступ к чужому почтовому ящику: это защищает каждого пользователя, в том числе "
                                "вас. Владелец ящика может восстановить доступ сам на странице восстановления "
                                "пароля.",
                            ),
                            key_points(
                                [
                                    (
                                        "Правило без исключений",
                                        "Разобрать 3 «трогательные» истории и ответ на каждую.",
                                    ),
                                    (
                                        "Куда направить владельца",
                                        "Страница восстановления, при неудаче — форма ручной проверки.",
                                    ),
                                ]
                            ),
                        ],
                    ),
                ],
            },
            {
                "module": ("access-and-passwords", "Доступ и пароли"),
                "lessons": [
                    (
                        CHANGED_LESSON,
                        "Восстановление пароля без автоматических средств",
                        "Что делать, если нет ни секретного ответа, ни телефона, ни запасной почты.",
                        True,
                        15,
                        [
                            heading("Когда автоматическое восстановление не работает"),
                            text(
                                "<p>Если к ящику не привязан телефон, нет запасного адреса и клиент не помнит "
                                "ответ на секретный вопрос, восстановить доступ можно только вручную. Наша задача — "
                                "убедиться, что обращается владелец ящика.</p>"
                            ),
                            procedure(
                                "Ручная проверка владельца",
                                [
                                    (
                                        "Попросите дату регистрации ящика",
                                        "Совпадает хотя бы месяц и год",
                                        "Уточните примерный период",
                                    ),
                                    (
                                        "Попросите названия папок и настроенные фильтры",
                                        "Названы 2–3 папки",
                                        "Переходите к контактам",
                                    ),
                                    (
                                        "Попросите несколько адресов из контактов",
                                        "Адреса есть в адресной книге",
                                        "Отказ в восстановлении",
                                    ),
                                    ("Попросите старые пароли", "Совпадает хотя бы один", ""),
                                ],
                            ),
                            callout(
                                "rule",
                                "Не подсказывайте ответы",
                                "<p>Никогда не называйте клиенту данные ящика, даже частично.</p>",
                            ),
                            response(
                                "Клиент не может восстановить пароль автоматически",
                                "Здравствуйте, [имя клиента]! Чтобы мы убедились, что ящик [адрес] принадлежит "
                                "вам, укажите как можно больше: дату регистрации, названия папок, адреса из "
                                "контактов, старые пароли. Чем больше данных, тем быстрее мы поможем.",
                            ),
                            key_points(
                                [
                                    (
                                        "Какие данные может знать только владелец",
                                        "Дата регистрации, папки, фильтры, контакты, старые пароли.",
                                    ),
                                    ("Почему привязка телефона сокращает такие обращения", ""),
                                ]
                            ),
                        ],
                    ),
                    (
                        "password-and-registration",
                        "Проблемы с паролем и регистрацией",
                        "Логин и пароль восстанавливаются на вкладке личного кабинета; письмо может быть в спаме.",
                        True,
                        8,
                        [
                            text(
                                "<p>Большинство вопросов о пароле решает сам клиент: восстановить логин и пароль "
                                "можно на вкладке «Личный кабинет» на сайте. Письмо со ссылкой приходит на почту — "
                                "попросите проверить и папку «Спам».</p>"
                            ),
                            image(
                                media["image"],
                                "Вкладка восстановления пароля в личном кабинете",
                                "Схема: сайт → Личный кабинет → Восстановить пароль → письмо",
                            ),
                            response(
                                "Не приходит письмо для смены пароля",
                                "Проверьте, пожалуйста, папку «Спам»: письмо могло попасть туда. Если его нет и "
                                "там, напишите нам адрес, на который регистрировались, — проверим.",
                            ),
                            key_points(
                                [
                                    ("Где клиент сам восстанавливает логин и пароль", ""),
                                    ("Проверка папки «Спам»", ""),
                                ]
                            ),
                        ],
                    ),
                    (
                        "blocked-mailbox",
                        "Заблокированный ящик",
                        "Почему ящики блокируют и что советовать клиенту.",
                        True,
                        12,
                        [
                            text(
                                "<p>Ящик блокируют за нарушение пользовательского соглашения, из-за вирусов на "
                                "компьютере или после взлома.</p>"
                            ),
                            procedure(
                                "Что посоветовать клиенту",
                                [
                                    (
                                        "Проверить компьютер на вирусы бесплатной лечащей утилитой",
                                        "Утилита не нашла угроз",
                                        "Вылечить и повторить проверку",
                                    ),
                                    ("Сменить пароль", "Новый пароль не использовался раньше", ""),
                                    (
                                        "Попробовать другой или обновлённый браузер",
                                        "Ящик открывается",
                                        "Перейти к следующему шагу",
                                    ),
                                    (
                                        "Проверить файл hosts",
                                        "В нём только строка localhost",
                                        "Удалить лишние строки",
                                    ),
                                ],
                            ),
                            callout(
                                "warning",
                                "Взлом",
                                "<p>При признаках взлома передайте обращение группе восстановления доступа.</p>",
                            ),
                            key_points(
                                [
                                    ("Три причины блокировки", ""),
                                    (
                                        "Проверка файла hosts",
                                        "Показать, где лежит файл и как он должен выглядеть.",
                                    ),
                                ]
                            ),
                        ],
                    ),
                ],
            },
            {
                "module": ("service-and-account", "Связь, личный кабинет и оплата"),
                "lessons": [
                    (
                        "no-service-checklist",
                        "Нет связи: пошаговая проверка",
                        "Баланс, подключение, перезагрузка, регистрационные данные, формат номера.",
                        True,
                        15,
                        [
                            text(
                                "<p>Проверяйте строго по порядку: большинство обращений решается на первых двух шагах.</p>"
                            ),
                            procedure(
                                "Нет связи (телефония или интернет)",
                                [
                                    (
                                        "Проверьте баланс лицевого счёта",
                                        "Баланс положительный",
                                        "Предложите пополнить счёт",
                                    ),
                                    (
                                        "Проверьте подключение к интернету",
                                        "Оборудование в сети",
                                        "Проверьте кабель и индикаторы",
                                    ),
                                    (
                                        "Перезагрузите оборудование",
                                        "Связь появилась",
                                        "Перейдите к регистрационным данным",
                                    ),
                                    (
                                        "Проверьте регистрационные данные оборудования",
                                        "Данные совпадают с карточкой",
                                        "Исправьте и перезагрузите",
                                    ),
                                    (
                                        "Проверьте формат набираемого номера",
                                        "Код страны и города указаны",
                                        "Подскажите верный формат",
                                    ),
                                ],
                            ),
                            document(media["document"], "Памятка «Нет связи» для печати"),
                            key_points(
                                [
                                    (
                                        "Порядок шагов и почему он такой",
                                        "Баланс → подключение → перезагрузка → данные → формат номера.",
                                    )
                                ]
                            ),
                        ],
                    ),
                    (
                        "personal-account",
                        "Не работает личный кабинет",
                        "Кэш, другой браузер, и когда открывать заявку в техподдержку.",
                        True,
                        8,
                        [
                            text(
                                "<p>Личный кабинет — главный письменный канал: больше 2 миллионов обращений в месяц. "
                                "Если он не открывается, попросите очистить кэш браузера или открыть кабинет в "
                                "другом браузере.</p>"
                            ),
                            video(VIDEO_URL, "Как очистить кэш браузера"),
                            response(
                                "Личный кабинет не открывается",
                                "Попробуйте, пожалуйста, очистить кэш браузера или открыть личный кабинет в другом "
                                "браузере. Если не поможет, мы откроем заявку в техническую поддержку.",
                            ),
                            key_points(
                                [
                                    (
                                        "Когда открывать заявку в техподдержку",
                                        "Если кэш и другой браузер не помогли.",
                                    )
                                ]
                            ),
                        ],
                    ),
                    (
                        "balance-top-up",
                        "Пополнение баланса",
                        "Способы оплаты и что делать, если деньги не поступили.",
                        True,
                        8,
                        [
                            table(
                                "Способы пополнения",
                                [
                                    ["Способ", "Когда поступят деньги"],
                                    ["Наличные в терминале", "обычно сразу"],
                                    ["Интернет-банк", "до часа"],
                                    ["Электронный кошелёк", "до часа"],
                                    ["С мобильного телефона", "до часа"],
                                ],
                            ),
                            callout(
                                "tip",
                                "Деньги не пришли за час",
                                "<p>Посоветуйте обратиться в поддержку платёжной системы или к нам, указав дату, "
                                "сумму и способ оплаты.</p>",
                            ),
                            key_points(
                                [
                                    (
                                        "Через сколько ждать поступления",
                                        "Час; дальше — обращение в платёжную систему или к нам.",
                                    )
                                ]
                            ),
                        ],
                    ),
                    (
                        "knowledge-base",
                        "Работа с базой знаний",
                        "Как быстро найти ответ и сообщить о неточности в статье.",
                        False,
                        6,
                        [
                            text(
                                "<p>База знаний — первый источник ответа. Ищите по словам клиента, а не по "
                                "внутренним терминам. Если статья устарела, сообщите редактору.</p>"
                            ),
                            key_points(
                                [("Поиск по словам клиента", "Показать поиск на двух реальных обращениях.")]
                            ),
                        ],
                    ),
                ],
            },
        ],
        "second-line-access": [
            {
                "module": None,
                "lessons": [
                    (
                        "ownership-verification",
                        "Подтверждение владения: решение второй линии",
                        "Как оценивать данные, собранные первой линией, и принимать решение.",
                        True,
                        20,
                        [
                            text(
                                "<p>Вторая линия принимает решение о ручном восстановлении. Ответ по "
                                "восстановлению обычно даётся в течение 5 рабочих дней.</p>"
                            ),
                            table(
                                "Вес данных при проверке",
                                [
                                    ["Данные", "Вес"],
                                    ["Старые пароли", "высокий"],
                                    ["Контакты и папки", "средний"],
                                    ["Дата регистрации", "низкий"],
                                ],
                            ),
                            callout(
                                "rule",
                                "Сомневаетесь — отказывайте",
                                "<p>Ошибочное восстановление чужому человеку хуже задержки.</p>",
                            ),
                            key_points(
                                [
                                    ("Как взвешивать данные владельца", ""),
                                    ("Срок ответа — до 5 рабочих дней", ""),
                                ]
                            ),
                        ],
                    ),
                    (
                        "hacked-mailbox",
                        "Взломанный ящик: восстановление и защита",
                        "Вернуть доступ владельцу и закрыть путь злоумышленнику.",
                        True,
                        15,
                        [
                            procedure(
                                "После восстановления доступа",
                                [
                                    ("Сменить пароль и секретный вопрос", "Клиент вошёл с новым паролем", ""),
                                    (
                                        "Удалить чужие фильтры пересылки",
                                        "Фильтров пересылки нет",
                                        "Удалить и проверить снова",
                                    ),
                                    (
                                        "Привязать телефон",
                                        "Телефон подтверждён",
                                        "Объяснить, зачем это нужно",
                                    ),
                                ],
                            ),
                            response(
                                "Доступ восстановлен",
                                "Доступ к ящику [адрес] восстановлен. Рекомендуем привязать номер телефона: так вы "
                                f"сможете восстановить доступ сами за пару минут. {CLOSING}",
                            ),
                            key_points([("Фильтры пересылки после взлома", "Проверить на тестовом ящике.")]),
                        ],
                    ),
                    (
                        "collecting-mail",
                        "Сбор почты из других ящиков",
                        "Настройка сборщиков и частые ошибки.",
                        False,
                        10,
                        [
                            text(
                                "<p>Клиенты всё чаще собирают письма из других ящиков в один. Частые ошибки — неверный сервер и пароль приложения.</p>"
                            ),
                            key_points([("Пароль для внешнего приложения", "")]),
                        ],
                    ),
                ],
            }
        ],
        "second-line-web": [
            {
                "module": None,
                "lessons": [
                    (
                        "web-diagnostics",
                        "Диагностика веб-интерфейса",
                        "Браузер, расширения, кэш и как собрать данные для разработчиков.",
                        True,
                        15,
                        [
                            procedure(
                                "Сбор данных об ошибке",
                                [
                                    (
                                        "Узнать браузер и его версию",
                                        "Версия актуальная",
                                        "Попросить обновить браузер",
                                    ),
                                    ("Отключить расширения", "Ошибка пропала", "Найти мешающее расширение"),
                                    ("Сделать снимок экрана с ошибкой", "Видно адрес страницы и время", ""),
                                ],
                            ),
                            key_points(
                                [
                                    (
                                        "Какие данные нужны разработчикам",
                                        "Браузер, версия, время, снимок экрана.",
                                    )
                                ]
                            ),
                        ],
                    ),
                    (
                        "folders-and-filters",
                        "Папки и фильтры",
                        "Как объяснить настройку фильтров и почему письма «пропадают».",
                        True,
                        10,
                        [
                            text(
                                "<p>Если письма «пропадают», чаще всего их перекладывает фильтр. Проверьте фильтры вместе с клиентом.</p>"
                            ),
                            response(
                                "Письма пропадают",
                                "Проверьте, пожалуйста, настройки фильтров: возможно, письма перекладываются в другую папку.",
                            ),
                            key_points([("Фильтры как причина «пропавших» писем", "")]),
                        ],
                    ),
                ],
            }
        ],
    }


PROGRAMMES = [
    # slug, title, line code, group code, intro, (observation h, supervised, max correction %)
    (
        "first-line-basics",
        "Первая линия: основы",
        "first",
        None,
        "<p>Всё, что нужно новичку первой линии: как устроена поддержка, доступ и пароли, связь и оплата.</p>",
        (12, 50, 10),
    ),
    (
        "second-line-access",
        "Вторая линия: восстановление доступа",
        "second",
        "access",
        "<p>Ручное восстановление доступа, взломанные ящики и защита аккаунтов.</p>",
        (12, 40, 5),
    ),
    (
        "second-line-web",
        "Вторая линия: веб",
        "second",
        "web",
        "<p>Веб-интерфейс почты, личный кабинет, браузеры.</p>",
        (12, 40, 10),
    ),
]


def _library(stdout) -> TrainingLibraryPage:
    library = TrainingLibraryPage.objects.first()
    if library is None:  # the migration creates it; a flushed test database does not have it
        root = Page.get_first_root_node()
        library = root.add_child(instance=TrainingLibraryPage(title="Учебные материалы", slug="library"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"root_page": library, "hostname": "localhost"}
        )
    if not library.intro:
        library.intro = (
            "<p>Программы обучения первой и второй линии. Изучайте свою программу и любые другие.</p>"
        )
        library.save_revision().publish()
    return library


def _png() -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("RGB", (900, 260), "#f5f6f8")
    draw = ImageDraw.Draw(picture)
    font, bold = ImageFont.truetype(FONT, 20), ImageFont.truetype(FONT_BOLD, 22)
    draw.text((30, 20), "Восстановление пароля клиентом", font=bold, fill="#12325f")
    steps = ["Сайт", "Личный кабинет", "Восстановить пароль", "Письмо (и «Спам»)"]
    for index, label in enumerate(steps):
        x = 30 + index * 215
        draw.rounded_rectangle((x, 90, x + 185, 170), radius=12, fill="#ffffff", outline="#1f5fbf", width=3)
        draw.text((x + 92, 130), label, font=font, fill="#1c2430", anchor="mm")
        if index < len(steps) - 1:
            draw.line((x + 188, 130, x + 212, 130), fill="#1f5fbf", width=4)
            draw.polygon([(x + 212, 122), (x + 212, 138), (x + 214, 130)], fill="#1f5fbf")
    draw.text(
        (30, 205),
        "Если письма нет ни во «Входящих», ни в «Спаме» — уточните адрес регистрации.",
        font=font,
        fill="#566173",
    )
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


MEMO = """Памятка первой линии: нет связи

1. Проверьте баланс. Отрицательный — предложите пополнить счёт.
2. Баланс положительный — проверьте подключение к интернету.
3. Оборудование работает — перезагрузите его.
4. Не помогло — проверьте регистрационные данные оборудования.
5. Проверьте формат номера: код страны и города.
"""


def _media() -> dict[str, int]:
    Image = get_image_model()
    Document = get_document_model()
    collection = Collection.get_first_root_node()
    picture = Image.objects.filter(title="Схема восстановления пароля").first()
    if picture is None:
        picture = Image(
            title="Схема восстановления пароля",
            collection=collection,
            file=ImageFile(io.BytesIO(_png()), name="password-recovery.png"),
        )
        picture.save()
    memo = Document.objects.filter(title="Памятка «Нет связи»").first()
    if memo is None:
        memo = Document(title="Памятка «Нет связи»", collection=collection)
        memo.file.save("no-service-memo.txt", ContentFile(MEMO.encode()), save=False)
        memo.save()
    return {"image": picture.pk, "document": memo.pk}


def _child(parent: Page, model, slug: str, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = parent.add_child(instance=model(slug=slug, **fields))
    page.save_revision().publish()
    return model.objects.get(pk=page.pk), True


def build_content(stdout) -> tuple[int, int]:
    library = _library(stdout)
    lines = {line.code: line for line in Line.objects.all()}
    groups = {(g.line.code, g.code): g for g in SupportGroup.objects.select_related("line")}
    lessons_by_programme = _lessons(_media())
    made_programmes = made_lessons = 0
    for slug, title, line_code, group_code, intro, (hours, supervised, rate) in PROGRAMMES:
        if line_code not in lines:
            stdout.write(f"Courses: line {line_code!r} is missing, programme {slug} skipped.")
            continue
        programme, created = _child(
            library,
            ProgrammePage,
            slug,
            title=title,
            line=lines[line_code],
            group=groups.get((line_code, group_code)) if group_code else None,
            intro=intro,
            min_observation_hours=hours,
            min_supervised_requests=supervised,
            max_correction_rate=rate,
        )
        made_programmes += created
        for section in lessons_by_programme[slug]:
            parent = programme
            if section["module"]:
                module_slug, module_title = section["module"]
                parent, _ = _child(programme, ModulePage, module_slug, title=module_title)
            for lesson_slug, lesson_title, summary, required, minutes, body in section["lessons"]:
                _, created = _child(
                    parent,
                    LessonPage,
                    lesson_slug,
                    title=lesson_title,
                    summary=summary,
                    required=required,
                    estimated_minutes=minutes,
                    body=body,
                )
                made_lessons += created
    return made_programmes, made_lessons


# Who studied what before the change: (login, programme slug, lessons studied in order, days ago).
KEY_PROGRESS = [
    ("newcomer", "first-line-basics", 5, 6),
    ("newcomer2", "second-line-access", 1, 4),
    ("newcomer2", "first-line-basics", 2, 20),  # self-study beyond the own programme
]


def _study(user, lessons: list[LessonPage], days_ago: int, now: datetime.datetime) -> int:
    made = 0
    for index, lesson in enumerate(lessons):
        if LessonProgress.objects.filter(user=user, lesson=lesson).exists():
            continue
        progress = lesson_mark_studied(user=user, lesson=lesson)
        studied_at = now - datetime.timedelta(days=days_ago, hours=len(lessons) - index)
        LessonProgress.objects.filter(pk=progress.pk).update(studied_at=studied_at)
        made += 1
    return made


def record_progress(stdout, *, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    lessons = {
        programme.slug: list(LessonPage.objects.live().descendant_of(programme).order_by("path"))
        for programme in ProgrammePage.objects.live()
    }
    made = 0
    users = {u.username: u for u in User.objects.filter(username__in=[login for login, *_ in KEY_PROGRESS])}
    for login, slug, count, days_ago in KEY_PROGRESS:
        if login in users and slug in lessons:
            made += _study(users[login], lessons[slug][:count], days_ago, now)
    # Part of the crowd is part-way through their line's programme (deterministic).
    rng = random.Random(2026)
    crowd = (
        Profile.objects.filter(user__groups__name="Agents", user__is_active=True)
        .exclude(user__username__in=["newcomer", "newcomer2", "mentor", "mentor2"])
        .select_related("user", "line", "group")
        .order_by("user__username")
    )
    for profile in crowd:
        slug = "first-line-basics" if profile.line and profile.line.code == "first" else None
        if profile.group and profile.group.code in ("access", "web"):
            slug = f"second-line-{profile.group.code}"
        if slug not in lessons or rng.random() < 0.35:
            continue
        count = rng.randint(1, len(lessons[slug]))
        made += _study(profile.user, lessons[slug][:count], rng.randint(3, 60), now)
    return made


def publish_change(stdout) -> bool:
    """Publish a substantive second revision of one lesson, after people studied the first."""
    lesson = LessonPage.objects.filter(slug=CHANGED_LESSON).first()
    if lesson is None or lesson.revisions.count() > 1:
        return False
    editor = User.objects.filter(username="editor").first()
    body = list(lesson.body.raw_data)
    for block in body:
        if block["type"] == "procedure":
            block["value"]["steps"].insert(
                0,
                {
                    "type": "item",
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "check-phone-first")),
                    "value": {
                        "action": "Сначала проверьте, не привязан ли к ящику телефон",
                        "check": "Телефон не привязан",
                        "if_fails": "Направьте клиента на восстановление по SMS",
                    },
                },
            )
        if block["type"] == "key_points":
            block["value"]["points"].append(
                {
                    "type": "item",
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "no-restore-by-phone-call")),
                    "value": {
                        "point": "Не восстанавливаем доступ по телефонному звонку",
                        "detail": "Только письменная проверка: звонок нельзя приложить к обращению.",
                    },
                }
            )
    body.insert(
        len(body) - 1,
        callout(
            "warning",
            "Срок ответа",
            "<p>Скажите клиенту, что ответ по ручному восстановлению приходит обычно в течение 5 рабочих дней.</p>",
        ),
    )
    lesson.body = body
    lesson.summary = (
        "Что делать, если нет ни секретного ответа, ни телефона, ни запасной почты, и каковы сроки."
    )
    lesson.minor_change = False
    lesson.save_revision(user=editor, log_action=True).publish(user=editor)
    return True


def load(*, stdout) -> list[tuple[str, str, str]]:
    programmes, lessons = build_content(stdout)
    progress = record_progress(stdout)
    changed = publish_change(stdout)
    total = LessonPage.objects.live().count()
    studied_by = LessonProgress.objects.aggregate(n=Count("user", distinct=True))["n"]
    stdout.write(
        f"Courses: {programmes} programmes and {lessons} lessons added ({total} lessons live), "
        f"{progress} lessons marked studied ({studied_by} learners)"
        + ("; one lesson changed after people studied it." if changed else ".")
    )
    return []
