"""The core's messages in the request's language.

Django's ``LocaleMiddleware`` picks the request's language (Chinese unless the reader chose
English); this middleware, right after it, tells the functional core the same, so that a
problem, a warning or a QA finding (:mod:`appraise.messages`) is written in it on the page and in
the API alike.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from appraise.messages import reading


class CoreLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reading(get_language()):
            return self.get_response(request)
