"""The qa reviewer group (roles.QA); get_or_create, so running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import migrations

QA = "qa"


def create_group(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.get_or_create(name=QA)


class Migration(migrations.Migration):
    dependencies = [
        ("qa", "0001_rubrics_conversations_reviews_disputes"),
        ("org", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
