from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# What editing the archive needs, and nothing of user management.
PERMISSIONS = {
    "article": ("add", "change", "delete", "view"),
    "section": ("add", "change", "delete", "view"),
    "figure": ("add", "change", "delete", "view"),
    "category": ("view",),
    "comment": ("change", "view"),
    "pendingcomment": ("change", "view"),
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure this
    # app's exist now so the group can be given them.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    codenames = [f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions]
    group.permissions.set(Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_comments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
