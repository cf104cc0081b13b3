"""Reading a refused form's page the way a person sees it: the value in a field, and the reason
shown beside it (the first error block after the field, before the next field)."""

from __future__ import annotations

import html
import re
from typing import Any

_FIELD = r'<(input|textarea|select)\b[^>]*\bname="{name}"[^>]*>'
_NEXT = re.compile(r"<(?:input|textarea|select)\b")
_ERROR = re.compile(
    r'<(div|ul) class="errorlist"[^>]*>(.*?)</\1>',
    re.S,
)


def refused_page(response: Any) -> str:
    """The page of a refused form: drawn again (200), never a redirect, a 405 or an error page."""
    assert response.status_code == 200, response.status_code
    body: str = response.content.decode()
    assert "<form" in body, "no form on the page"
    return body


def tag(page: str, name: str, nth: int = 0) -> str:
    """The opening tag of the field called ``name`` (the ``nth`` of that name)."""
    found = list(re.finditer(_FIELD.format(name=re.escape(name)), page))
    assert len(found) > nth, f"no field {name}"
    return found[nth].group(0)


def value(page: str, name: str) -> str:
    """What the field ``name`` holds: an input's value, a textarea's text, a select's choice."""
    found = re.search(_FIELD.format(name=re.escape(name)), page)
    assert found, f"no field {name}"
    kind = found.group(1)
    if kind == "input":
        v = re.search(r'\bvalue="([^"]*)"', found.group(0))
        return html.unescape(v.group(1)) if v else ""
    rest = page[found.end() :]
    if kind == "textarea":
        # A browser drops the newline right after <textarea> (Django writes one).
        return html.unescape(rest.split("</textarea>", 1)[0].removeprefix("\n"))
    options = rest.split("</select>", 1)[0]
    chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected', options)
    return html.unescape(chosen.group(1)) if chosen else ""


def beside(page: str, name: str) -> str:
    """The reason shown right after the field ``name``, before the next field; "" if none."""
    found = re.search(_FIELD.format(name=re.escape(name)), page)
    assert found, f"no field {name}"
    rest = page[found.end() :]
    if found.group(1) in ("textarea", "select"):
        rest = rest.split(f"</{found.group(1)}>", 1)[1]
    nxt = _NEXT.search(rest)
    rest = rest[: nxt.start()] if nxt else rest
    error = _ERROR.search(rest)
    return html.unescape(re.sub(r"<[^>]+>", " ", error.group(2))).strip() if error else ""
