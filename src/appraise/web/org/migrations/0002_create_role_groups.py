"""The four role groups; get_or_create, so running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import migrations

ROLES = ("agent", "supervisor", "hr", "admin")


def create_groups(apps: Any, schema_editor: Any) -> None:
    group = apps.get_model("auth", "Group")
    for name in ROLES:
        group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_teams_and_agents"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
