"""Settings come from the environment; a bad value stops start-up naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from appraise.web.env import SettingsError, envbool, envchoice, envint, envstr


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
    import os

    return subprocess.run(
        [sys.executable, "-c", "import appraise.web.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_start_up_stops_on_a_bad_time_zone() -> None:
    done = _start({"APPRAISE_TIME_ZONE": "Mars/Olympus"})
    assert done.returncode != 0
    assert "APPRAISE_TIME_ZONE='Mars/Olympus' is not a time zone name" in done.stderr


def test_production_needs_its_own_secret_key() -> None:
    done = _start({"APPRAISE_DEBUG": "0", "APPRAISE_SECRET_KEY": ""})
    assert "APPRAISE_SECRET_KEY must be set" not in done.stderr  # an empty key was given
    done = _start({"APPRAISE_DEBUG": "0"})
    assert done.returncode != 0
    assert "APPRAISE_SECRET_KEY must be set" in done.stderr
