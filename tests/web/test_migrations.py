"""Every model change has its migration: a change without one would be applied nowhere (the
followups' translated delivery states went unmigrated once)."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    # --check exits non-zero (SystemExit) when makemigrations would write a migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
