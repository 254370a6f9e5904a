from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Revision

from courses.demo import CHANGED_LESSON
from courses.models import LessonPage, LessonProgress, ProgrammePage
from courses.selectors import changed_lessons_for, programmes_for, programmes_progress


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_builds_the_programmes_other_apps_look_up(demo):
    programmes = {p.slug: p for p in ProgrammePage.objects.live().select_related("line", "group")}
    assert set(programmes) == {"first-line-basics", "second-line-access", "second-line-web"}
    assert programmes["first-line-basics"].line.code == "first"
    assert programmes["first-line-basics"].group is None
    assert (programmes["second-line-access"].line.code, programmes["second-line-access"].group.code) == (
        "second",
        "access",
    )
    assert programmes["second-line-web"].group.code == "web"
    assert "Courses: 3 programmes and 15 lessons added" in demo


def test_demo_lessons_use_every_block_and_have_key_points(demo):
    lessons = list(LessonPage.objects.live())
    assert len(lessons) >= 15
    used = {block.block_type for lesson in lessons for block in lesson.body}
    stream = LessonPage._meta.get_field("body").stream_block
    assert used == set(stream.child_blocks)
    assert all(any(b.block_type == "key_points" for b in lesson.body) for lesson in lessons)
    assert all("Учебные" not in lesson.title for lesson in lessons)  # real titles, in Russian
    image = next(b for lesson in lessons for b in lesson.body if b.block_type == "image")
    assert image.value["image"].width > 0
    document = next(b for lesson in lessons for b in lesson.body if b.block_type == "document")
    assert document.value["document"].file.size > 0


def test_demo_newcomers_are_part_way_and_see_a_changed_lesson(demo, django_user_model):
    newcomer = django_user_model.objects.get(username="newcomer")
    [progress] = programmes_progress(user=newcomer, programmes=programmes_for(newcomer))
    assert progress.programme.slug == "first-line-basics"
    assert 0 < progress.studied < progress.total
    assert [s.lesson.slug for s in progress.changed] == [CHANGED_LESSON]
    assert [p.lesson.slug for p in changed_lessons_for(newcomer)] == [CHANGED_LESSON]
    newcomer2 = django_user_model.objects.get(username="newcomer2")
    assert [p.slug for p in programmes_for(newcomer2)] == ["second-line-access"]
    assert LessonProgress.objects.filter(user=newcomer2).count() == 3  # own programme and self-study
    learners = LessonProgress.objects.values("user").distinct().count()
    assert learners >= 8


def test_load_demo_twice_adds_nothing(demo):
    counts = (LessonPage.objects.count(), Revision.objects.count(), LessonProgress.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert (LessonPage.objects.count(), Revision.objects.count(), LessonProgress.objects.count()) == counts
    assert "0 programmes and 0 lessons added" in out.getvalue()
