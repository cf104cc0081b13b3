"""Typed settings from environment variables.

A misspelt value (``APPRAISE_DEBUG=ture``) must stop start-up with a message naming the variable,
instead of silently falling back to a default that then runs in production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(Exception):
    """A bad environment variable; raised while the settings module loads."""


def envstr(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return env.get(name, default)


def envbool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(
        f"{name}={raw!r} is not a yes/no value (use 1/0, true/false, yes/no, on/off)"
    )


def envint(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number") from None


def envchoice(
    name: str, default: str, choices: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str:
    value = envstr(name, default, environ).strip()
    if value not in choices:
        raise SettingsError(f"{name}={value!r} must be one of {', '.join(choices)}")
    return value


DEV_SECRET_KEY = "appraise-development-key-not-for-production"
_KEY_HINT = 'generate one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'


def secret_key(raw: str, *, debug: bool) -> str:
    """``APPRAISE_SECRET_KEY``, required with DEBUG off and refused when it is easy to guess.

    Strong means what ``manage.py check --deploy`` asks: at least 50 characters, at least 5
    different ones, not Django's ``django-insecure-`` placeholder, not the development key.
    """
    key = raw.strip()
    if debug and not key:
        return DEV_SECRET_KEY
    if not key:
        raise SettingsError(f"APPRAISE_SECRET_KEY must be set when DEBUG is off; {_KEY_HINT}")
    weak = (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
        or key == DEV_SECRET_KEY
    )
    if weak and not debug:
        raise SettingsError(
            "APPRAISE_SECRET_KEY is too easy to guess (it needs 50 characters or more, of at "
            f"least 5 different ones); {_KEY_HINT}"
        )
    return key
