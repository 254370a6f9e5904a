"""Study material for tests: pages are built through Wagtail's tree API and published."""

from __future__ import annotations

import itertools

from wagtail.models import Page, Site

from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingLibraryPage

_numbers = itertools.count(1)


def library() -> TrainingLibraryPage:
    """The library root the migration creates (recreated if a flush removed it)."""
    existing = TrainingLibraryPage.objects.first()
    if existing is not None:
        return existing
    page = Page.get_first_root_node().add_child(instance=TrainingLibraryPage(title="Library", slug="library"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": page, "hostname": "localhost"})
    return page


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_programme(
    *, line, group=None, title: str | None = None, slug: str | None = None, **fields
) -> ProgrammePage:
    n = next(_numbers)
    page = ProgrammePage(
        title=title or f"Programme {n}", slug=slug or f"programme-{n}", line=line, group=group, **fields
    )
    library().add_child(instance=page)
    return _publish(page)


def make_module(*, programme: ProgrammePage, title: str | None = None) -> ModulePage:
    n = next(_numbers)
    page = ModulePage(title=title or f"Module {n}", slug=f"module-{n}")
    programme.add_child(instance=page)
    return _publish(page)


def body(text: str = "Check the balance first.") -> list[dict]:
    return [
        {
            "type": "heading",
            "value": {"text": "Why", "level": "h2"},
            "id": "1b0e7c52-0000-4000-8000-000000000001",
        },
        {"type": "rich_text", "value": f"<p>{text}</p>", "id": "1b0e7c52-0000-4000-8000-000000000002"},
        {
            "type": "key_points",
            "value": {
                "title": "Key points",
                "points": [
                    {
                        "type": "item",
                        "value": {"point": "Balance first", "detail": ""},
                        "id": "1b0e7c52-0000-4000-8000-000000000003",
                    }
                ],
            },
            "id": "1b0e7c52-0000-4000-8000-000000000004",
        },
    ]


def make_lesson(
    *, parent: Page, title: str | None = None, publish: bool = True, required: bool = True, **fields
) -> LessonPage:
    n = next(_numbers)
    page = LessonPage(
        title=title or f"Lesson {n}",
        slug=f"lesson-{n}",
        required=required,
        body=fields.pop("body", body()),
        live=publish,
        **fields,
    )
    parent.add_child(instance=page)
    if not publish:
        page.save_revision()
        return LessonPage.objects.get(pk=page.pk)
    return _publish(page)


def publish_change(
    lesson: LessonPage, *, text: str = "Check the connection too.", minor: bool = False, user=None
):
    """Publish a new revision of `lesson` through Wagtail's revision API, as the admin does."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = body(text)
    lesson.minor_change = minor
    revision = lesson.save_revision(user=user)
    revision.publish(user=user)
    return LessonPage.objects.get(pk=lesson.pk)
