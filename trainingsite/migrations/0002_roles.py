"""Create the four roles as groups, with the permissions each needs, so a fresh database is usable."""

from django.db import migrations

ROLES = ["Agents", "Mentors", "Team leads", "Content editors"]
EDITOR_COLLECTION_PERMISSIONS = [
    ("wagtaildocs", "document", ["add_document", "change_document", "delete_document", "choose_document"]),
    ("wagtailimages", "image", ["add_image", "change_image", "delete_image", "choose_image"]),
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    editors = groups["Content editors"]

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    editors.permissions.add(access_admin)

    root = Collection.objects.filter(depth=1).first()
    for app_label, model, codenames in EDITOR_COLLECTION_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": codename.replace("_", " ").capitalize()},
            )
            if root is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=editors, collection=root, permission=permission
                )


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trainingsite", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0026_group_collection_permission"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
