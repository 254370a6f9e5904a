"""The page tree: each page type's parents and children, and the library the migration creates."""

from wagtail.models import GroupPagePermission, Page, Site
from wagtail.test.utils import WagtailPageTestCase

from courses.models import LessonPage, ModulePage, ProgrammePage, TrainingLibraryPage
from trainingsite.roles import Role


class PageTreeTests(WagtailPageTestCase):
    def test_library_holds_only_programmes(self):
        self.assertAllowedSubpageTypes(TrainingLibraryPage, {ProgrammePage})
        self.assertAllowedParentPageTypes(TrainingLibraryPage, {Page})

    def test_programme_holds_modules_and_lessons(self):
        self.assertAllowedParentPageTypes(ProgrammePage, {TrainingLibraryPage})
        self.assertAllowedSubpageTypes(ProgrammePage, {ModulePage, LessonPage})

    def test_module_holds_lessons_only(self):
        self.assertAllowedParentPageTypes(ModulePage, {ProgrammePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})

    def test_lesson_is_a_leaf_under_a_programme_or_module(self):
        self.assertAllowedParentPageTypes(LessonPage, {ProgrammePage, ModulePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanNotCreateAt(TrainingLibraryPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)

    def test_there_is_one_library(self):
        # The migration created it; max_count keeps editors from adding a second.
        assert TrainingLibraryPage.can_exist_under(Page.get_first_root_node())
        assert not TrainingLibraryPage.can_create_at(Page.get_first_root_node())


class LibraryMigrationTests(WagtailPageTestCase):
    def test_library_is_the_default_sites_root_and_served_under_library(self):
        library = TrainingLibraryPage.objects.get()
        assert library.slug == "library"
        assert library.title == "Учебные материалы"
        assert library.live
        assert Site.objects.get(is_default_site=True).root_page_id == library.pk
        assert library.get_url() == "/library/"

    def test_wagtails_welcome_page_is_gone(self):
        assert list(Page.objects.filter(depth=2).values_list("slug", flat=True)) == ["library"]
        assert Page.get_first_root_node().numchild == 1

    def test_content_editors_write_and_publish_in_the_library(self):
        library = TrainingLibraryPage.objects.get()
        codenames = set(
            GroupPagePermission.objects.filter(group__name=Role.EDITOR.value, page=library).values_list(
                "permission__codename", flat=True
            )
        )
        assert codenames == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}
