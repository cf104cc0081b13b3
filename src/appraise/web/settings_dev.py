"""Development settings: `make demo`, the tests and mypy's Django plugin load this module.

The production settings (``appraise.web.settings``) keep DEBUG off unless ``APPRAISE_DEBUG`` says
otherwise; this module says so before they are read, and everything else stays the same.
Processes the tests start inherit the variable, so they run in development mode too unless the
test removes it (tests/web/browser/test_production.py does).
"""

from __future__ import annotations

import os

os.environ.setdefault("APPRAISE_DEBUG", "1")

from appraise.web.settings import *  # noqa: F403
