"""Bounds on what an upload may cost the server, checked before the file is kept or opened.

Django bounds the form fields of a request (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but not its files:
a 300 MB workbook under a 200 MB limit used to be received, kept and read whole. Two checks:

* :func:`upload_limited`, on every view that takes files, puts :class:`LimitedUploadHandler`
  first among the request's upload handlers: a request that announces more than the limit
  (``APPRAISE_MAX_UPLOAD_MB``, the same setting) is refused before its body is read, and one that
  sends more (chunked, or lying about its length) is refused while streaming, as soon as the
  bytes received pass the limit. Either way it is :class:`UploadTooLarge` (413), nothing is kept.
* :func:`check_workbooks`, called by the services that take files, refuses an ``.xlsx`` whose zip
  members would inflate past :data:`XLSX_MAX_INFLATED` or more than :data:`XLSX_MAX_RATIO` times
  their compressed size, from the sizes in the zip's directory, before openpyxl opens it. Those
  sizes bound what Python's ``zipfile`` will inflate (it stops at the declared size), so a
  workbook cannot claim less than it takes.
"""

from __future__ import annotations

import contextlib
import functools
import io
import zipfile
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from appraise.problems import Problem, ProblemsError
from appraise.web.errors import AppError

V = TypeVar("V", bound=Callable[..., Any])

MB = 1024 * 1024
# An .xlsx is zipped XML, typically 5 to 20 times smaller than what it holds. 100 times leaves
# room for very repetitive sheets; a workbook that inflates more is built to exhaust the reader.
XLSX_MAX_RATIO = 100
# Inflated workbooks smaller than this are read whatever their ratio (an almost empty sheet
# compresses very well and costs nothing).
XLSX_RATIO_FROM = 10 * MB
XLSX_MAX_INFLATED = 1024 * MB


class UploadTooLarge(AppError, MultiPartParserError):
    """An upload over the limit. A :class:`MultiPartParserError` as well, so that Django marks
    the request's form as unreadable (an empty form afterwards) instead of reading it again."""

    status = 413
    code = "too_large"


def upload_limit() -> int:
    """The largest upload of one request, in bytes (``APPRAISE_MAX_UPLOAD_MB``)."""
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def _too_large(file: str | None, limit: int) -> UploadTooLarge:
    mb = max(1, limit // MB)
    if file:
        return UploadTooLarge(
            _("%(file)s: the upload is larger than %(mb)d MB") % {"file": file, "mb": mb}
        )
    return UploadTooLarge(_("the upload is larger than %(mb)d MB") % {"mb": mb})


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of the files of one request and refuses them past the limit."""

    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit() if limit is None else limit
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if self.limit and content_length > self.limit:
            raise _too_large(None, self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.limit and self.received > self.limit:
            raise _too_large(self.file_name, self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


def upload_limited(view: V) -> V:
    """Bound the uploads of ``view`` (a page or a DRF endpoint): see the module's docstring.

    The handler must be in place before anything reads the form, and Django's CSRF check reads
    it before the view runs; so a page view is exempted from the middleware's check and gets the
    same check inside, after the handler (Django's documented way). A DRF endpoint checks CSRF
    itself, when it authenticates, after this wrapper has run.
    """
    inner: Callable[..., Any]
    if getattr(view, "csrf_exempt", False):
        inner = view  # an API endpoint: DRF reads the body (a NUL in it is the API's 400)
    else:

        def nul_checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            # The multipart form's text fields, read with the handler in place: a NUL in one
            # is a 400 that says why (PostgreSQL cannot store it), as for any other form.
            from appraise.web.requestcheck import nul_refusal

            return nul_refusal(request) or view(request, *args, **kwargs)

        inner = csrf_protect(nul_checked)

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # The upload may have been read already, with this handler: the view drawing its page
        # again after a refusal (``guarded``) runs this wrapper a second time.
        with contextlib.suppress(AttributeError):
            request.upload_handlers.insert(0, LimitedUploadHandler(request))
        return inner(request, *args, **kwargs)

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return cast(V, wrapper)


def workbook_problem(name: str, content: bytes) -> Problem | None:
    """Why the ``.xlsx`` ``content`` may not be opened, or ``None``; not a zip is for the reader
    to report (it names the file as unreadable)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            inflated = sum(member.file_size for member in book.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    ratio = inflated / max(len(content), 1)
    if inflated > XLSX_MAX_INFLATED or (inflated > XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO):
        return Problem(
            "error",
            "xlsx_too_large",
            _(
                "the workbook would take %(mb)d MB once unzipped (%(ratio)d times its size); "
                "save it again, or split it"
            )
            % {"mb": inflated // MB, "ratio": int(ratio)},
            file=name,
        )
    return None


def check_workbooks(files: Iterable[tuple[str, bytes]]) -> None:
    """Raise :class:`ProblemsError` naming every ``.xlsx`` that would inflate too much."""
    problems = [
        p
        for name, content in files
        if name.lower().endswith(".xlsx")
        for p in [workbook_problem(name, content)]
        if p is not None
    ]
    if problems:
        raise ProblemsError(problems)
