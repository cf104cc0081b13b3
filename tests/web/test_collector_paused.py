"""``evaluations.cache.collector_paused``: Python's cycle collector is held off while the
dashboard's summary is built from every result in scope, and is on again afterwards, also when
the build fails; a build that finds it already off (another thread's build) leaves it off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from appraise.web.evaluations.cache import collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_during_the_build_and_on_after_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failed_build_turns_the_collector_on_again() -> None:
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_build_inside_another_leaves_it_to_the_outer_one() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it off and leaves it off
    assert gc.isenabled()
