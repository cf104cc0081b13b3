from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

WriteTable = Callable[[str, str], Path]


@pytest.fixture
def inputs_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    folder.mkdir()
    return folder


@pytest.fixture
def write(inputs_dir: Path) -> WriteTable:
    """Write a UTF-8 CSV into the input folder; the text is given exactly as a file holds it."""

    def _write(name: str, text: str) -> Path:
        path = inputs_dir / name
        path.write_text(text, encoding="utf-8", newline="")
        return path

    return _write
