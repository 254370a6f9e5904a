"""Create the training library as the Site's root page, replacing Wagtail's welcome page, and let
the Content editors group write and publish under it. A fresh database is then usable at once."""

from django.db import migrations

LIBRARY_SLUG = "library"
LIBRARY_TITLE = "Учебные материалы"
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(parent_path: str, child_paths: list[str]) -> str:
    # Treebeard's materialised path: four base-36 digits per level.
    last = max((int(path[-STEPLEN:], 36) for path in child_paths), default=0)
    number, digits = last + 1, ""
    while number:
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return parent_path + digits.rjust(STEPLEN, "0")


def create_library(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Locale = apps.get_model("wagtailcore.Locale")
    Site = apps.get_model("wagtailcore.Site")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    TrainingLibraryPage = apps.get_model("courses.TrainingLibraryPage")

    root = Page.objects.filter(depth=1).first()
    if root is None or TrainingLibraryPage.objects.exists():
        return
    page_type = ContentType.objects.get_for_model(Page)
    library_type, _ = ContentType.objects.get_or_create(app_label="courses", model="traininglibrarypage")
    welcome = Page.objects.filter(depth=2, slug="home", content_type=page_type, numchild=0).first()

    children = list(Page.objects.filter(depth=2))
    library = TrainingLibraryPage.objects.create(
        title=LIBRARY_TITLE,
        draft_title=LIBRARY_TITLE,
        slug=LIBRARY_SLUG,
        content_type=library_type,
        path=_next_child_path(root.path, [page.path for page in children]),
        depth=2,
        numchild=0,
        url_path=f"/{LIBRARY_SLUG}/",
        live=True,
        has_unpublished_changes=False,
        locale=Locale.objects.order_by("pk").first(),
        intro="",
    )

    # The site serves the library under /library/ (see trainingsite/urls.py).
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page_id=library.pk, is_default_site=True)
    else:
        site.root_page_id = library.pk
        site.site_name = site.site_name or LIBRARY_TITLE
        site.save()
    if welcome is not None and not Site.objects.filter(root_page_id=welcome.pk).exists():
        welcome.delete()
    root.numchild = Page.objects.filter(depth=2, path__startswith=root.path).count()
    root.save(update_fields=["numchild"])

    editors, _ = Group.objects.get_or_create(name="Content editors")
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=page_type,
            codename=codename,
            defaults={"name": codename.replace("_", " ").capitalize()},
        )
        GroupPagePermission.objects.get_or_create(group=editors, page_id=library.pk, permission=permission)


def remove_library(apps, schema_editor):
    # Leaving the library in place on reverse: deleting a page tree here would lose content.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("trainingsite", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_library, remove_library)]
