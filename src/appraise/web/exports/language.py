"""The language of a download: the request's (English when the page is English), else Chinese."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import get_language


def reader_lang() -> Literal["zh", "en"]:
    return "en" if (get_language() or "").startswith("en") else "zh"
