"""Scheme versions: validated by the engine, warnings stored, text never changed in place."""

from __future__ import annotations

import pytest

from appraise.problems import ProblemsError
from appraise.web.audit.models import AuditLog
from appraise.web.schemes.models import SchemeVersion
from appraise.web.schemes.services import scheme_version_create

from .conftest import S000, People


def test_a_new_text_is_a_new_version_and_the_same_text_is_the_same_version(people: People) -> None:
    text = S000.read_text(encoding="utf-8")
    v1 = scheme_version_create(by=people.hr, text=text)
    assert (v1.scheme_id, v1.version) == ("s000-specialist", 1)
    # 90% of weights, and so 优秀 (> 95) out of reach.
    assert [w["code"] for w in v1.warnings] == ["weights_sum", "grade_unreachable"]
    assert scheme_version_create(by=people.hr, text=text).pk == v1.pk
    v2 = scheme_version_create(
        by=people.hr, text=text.replace("客服专员绩效考核表\n", "客服专员考核表\n", 1)
    )
    assert v2.version == 2
    assert AuditLog.objects.filter(action="scheme_version.create").count() == 2


def test_a_stored_version_refuses_a_new_text(people: People) -> None:
    v1 = scheme_version_create(by=people.hr, text=S000.read_text(encoding="utf-8"))
    v1.text += "\n# edited"
    with pytest.raises(ValueError, match="never changes"):
        v1.save()


def test_a_bad_scheme_stores_nothing(people: People) -> None:
    with pytest.raises(ProblemsError):
        scheme_version_create(by=people.hr, text="id: x\nname: y\n")
    assert not SchemeVersion.objects.exists()
