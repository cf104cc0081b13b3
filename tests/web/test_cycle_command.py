"""The cycle command calls the same services, with the same checks."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from appraise.web.cycles.models import Cycle

from .conftest import PAPER, People, ratings_csv


def test_hr_imports_and_computes_from_the_shell(
    people: People, cycle: Cycle, tmp_path: Path
) -> None:
    path = tmp_path / "ratings.csv"
    path.write_bytes(ratings_csv(PAPER))
    call_command("cycle", str(cycle.pk), "import", str(path), "--as", "hr")
    out = StringIO()
    call_command("cycle", str(cycle.pk), "compute", "--as", "hr", stdout=out)
    cycle.refresh_from_db()
    # The state by its name, in the default language (the shell's).
    assert out.getvalue().strip() == f"{cycle}: 数据已导入"
    assert cycle.state == "data_imported"
    assert cycle.results.filter(is_current=True).count() == 3


def test_a_supervisor_cannot_publish_from_the_shell_either(people: People, cycle: Cycle) -> None:
    # The shell speaks the default language, Chinese; English when asked for.
    with pytest.raises(CommandError, match="只有人事可以发布结果"):
        call_command("cycle", str(cycle.pk), "publish", "--as", "sup1")
    with translation.override("en"), pytest.raises(CommandError, match="only HR may publish"):
        call_command("cycle", str(cycle.pk), "publish", "--as", "sup1")
    with pytest.raises(CommandError, match="没有用户 nobody"):
        call_command("cycle", str(cycle.pk), "publish", "--as", "nobody")
