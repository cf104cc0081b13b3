"""Every seed scheme validates, and every worked example scores exactly its expected.json."""

from __future__ import annotations

import json

import pytest

from appraise.schemes.loader import load_scheme
from appraise.seeds import ROOT, SEEDS, example_ids, run_example

SCHEME_FILES = sorted((ROOT / SEEDS).glob("*.yaml"))


@pytest.mark.parametrize("path", SCHEME_FILES, ids=lambda p: p.stem)
def test_seed_scheme_validates(path) -> None:  # type: ignore[no-untyped-def]
    loaded = load_scheme(path)
    assert loaded.scheme.id == path.stem


@pytest.mark.parametrize("scheme_id", example_ids())
def test_example_matches_expected_json(scheme_id: str) -> None:
    expected = json.loads(
        (ROOT / SEEDS / "examples" / scheme_id / "expected.json").read_text(encoding="utf-8")
    )
    assert run_example(scheme_id) == expected


def test_every_seed_scheme_has_an_example() -> None:
    assert {p.stem for p in SCHEME_FILES} == set(example_ids())
