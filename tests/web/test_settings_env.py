"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from appraise.web.env import (
    DEV_SECRET_KEY,
    SettingsError,
    envbool,
    envchoice,
    envint,
    envstr,
    secret_key,
)


def test_yes_and_no_are_read_in_their_usual_spellings() -> None:
    assert envbool("X", False, {"X": "Yes"}) is True
    assert envbool("X", True, {"X": "off"}) is False
    assert envbool("X", True, {}) is True


def test_a_misspelt_boolean_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"APPRAISE_DEBUG='ture'"):
        envbool("APPRAISE_DEBUG", False, {"APPRAISE_DEBUG": "ture"})


def test_a_number_that_is_not_whole_is_refused() -> None:
    assert envint("N", 5, {"N": " 12 "}) == 12
    assert envint("N", 5, {}) == 5
    with pytest.raises(SettingsError, match=r"N='1\.5' is not a whole number"):
        envint("N", 5, {"N": "1.5"})


def test_a_choice_outside_the_list_is_refused() -> None:
    assert envstr("S", "a", {}) == "a"
    with pytest.raises(SettingsError, match="thread, sync"):
        envchoice("T", "thread", ("thread", "sync"), {"T": "celery"})


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Import the production settings in a fresh process with ``env`` over this one's, without
    the APPRAISE_DEBUG=1 that the development settings of the test run put there."""
    import os

    base = {k: v for k, v in os.environ.items() if k != "APPRAISE_DEBUG"}
    return subprocess.run(
        [sys.executable, "-c", "import appraise.web.settings"],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_start_up_stops_on_a_bad_time_zone() -> None:
    done = _start({"APPRAISE_DEBUG": "1", "APPRAISE_TIME_ZONE": "Mars/Olympus"})
    assert done.returncode != 0
    assert "APPRAISE_TIME_ZONE='Mars/Olympus' is not a time zone name" in done.stderr


def test_debug_is_off_unless_asked_for_so_production_needs_its_own_secret_key() -> None:
    done = _start({})
    assert done.returncode != 0
    assert "APPRAISE_SECRET_KEY must be set when DEBUG is off" in done.stderr
    done = _start({"APPRAISE_DEBUG": "0", "APPRAISE_SECRET_KEY": ""})
    assert "APPRAISE_SECRET_KEY must be set" in done.stderr


STRONG = "k3Jq9-vX2mLw8RtY0pZc5NbH7dFs4GaE1uKiO6eWyQxVjTnMlBrC"  # 52 characters, all different


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "a" * 60,  # long enough, but one character
        "ababab" * 10,  # two different characters
        "django-insecure-" + STRONG,  # the placeholder Django's startproject writes
        DEV_SECRET_KEY,
    ],
)
def test_a_weak_secret_key_is_refused_with_debug_off(key: str) -> None:
    with pytest.raises(SettingsError, match="too easy to guess"):
        secret_key(key, debug=False)


def test_a_strong_key_is_taken_and_development_may_use_any() -> None:
    assert len(STRONG) >= 50
    assert secret_key(f"  {STRONG}\n", debug=False) == STRONG
    assert secret_key("short", debug=True) == "short"
    assert secret_key("", debug=True) == DEV_SECRET_KEY


def test_the_weak_key_refusal_names_the_variable_at_start_up() -> None:
    done = _start({"APPRAISE_SECRET_KEY": "short"})
    assert done.returncode != 0
    assert "APPRAISE_SECRET_KEY is too easy to guess" in done.stderr
    assert _start({"APPRAISE_SECRET_KEY": STRONG}).returncode == 0


def test_the_command_line_says_what_is_missing_without_a_traceback() -> None:
    import os

    base = {
        k: v for k, v in os.environ.items() if k not in ("APPRAISE_DEBUG", "APPRAISE_SECRET_KEY")
    }
    done = subprocess.run(
        [sys.executable, "-m", "appraise.web", "check"],
        env={**base, "DJANGO_SETTINGS_MODULE": "appraise.web.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "appraise: APPRAISE_SECRET_KEY must be set when DEBUG is off" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_cache_address_that_is_not_redis_stops_start_up() -> None:
    done = _start({"APPRAISE_DEBUG": "1", "APPRAISE_CACHE_URL": "memcached://127.0.0.1:11211"})
    assert done.returncode != 0
    assert "APPRAISE_CACHE_URL='memcached://127.0.0.1:11211' is not a Redis address" in done.stderr


def test_a_redis_address_puts_both_caches_in_redis() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from appraise.web import settings as s; "
            "print(sorted((a, c['BACKEND'], c['LOCATION'], c['KEY_PREFIX'], c['TIMEOUT']) "
            "for a, c in s.CACHES.items()))",
        ],
        env={**__import__("os").environ, "APPRAISE_CACHE_URL": "redis://127.0.0.1:6379/15"},
        capture_output=True,
        text=True,
        check=True,
    )
    redis = "django.core.cache.backends.redis.RedisCache"
    url = "redis://127.0.0.1:6379/15"
    assert done.stdout.strip() == repr(
        sorted(
            [
                ("default", redis, url, "appraise-default", 3600),
                ("pages", redis, url, "appraise-pages", 60),
            ]
        )
    )
