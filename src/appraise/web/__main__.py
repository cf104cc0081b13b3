"""`python -m appraise.web migrate|runserver|createsuperuser|run_tasks|...`."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraise.web.settings")
    from django.core.management import execute_from_command_line

    from appraise.web.env import SettingsError

    try:
        from appraise.web.settings import ensure_data_dir
    except SettingsError as exc:  # a bad or missing variable: say which, without a traceback
        sys.exit(f"appraise: {exc}")
    ensure_data_dir()
    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
