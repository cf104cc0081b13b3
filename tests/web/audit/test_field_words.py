"""Every key the services write in an audit entry's before/after has words, and a state, status
or kind reads by its name: the audit log says "状态 待复核 → 已维持", never ``state pending ->
upheld`` (the developers' guide: the audit log speaks Chinese, not code).

The keys are found in the source, as test_words.py finds the actions: every dict written (at any
depth) in an ``audit_record(before=..., after=...)`` argument, in a dict assigned to the name
passed there, or returned by a function of the same module called there."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from appraise.web.audit import words

WEB = Path(words.__file__).resolve().parents[1]


def _dict_keys(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Dict):
            for key in sub.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    yield key.value


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _sources(
    value: ast.expr, scope: ast.AST, functions: dict[str, ast.FunctionDef]
) -> Iterator[ast.AST]:
    """The expressions a before/after argument's dicts come from."""
    yield value
    for sub in ast.walk(value):
        if isinstance(sub, ast.Name):
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == sub.id for t in node.targets
                ):
                    yield node.value
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
            called = functions.get(sub.func.id)
            if called is not None:
                yield from (
                    n.value for n in ast.walk(called) if isinstance(n, ast.Return) and n.value
                )


def recorded_keys() -> dict[str, str]:
    """key -> the first place it is written (file:line)."""
    found: dict[str, str] = {}
    for path in sorted(WEB.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        functions = _functions(tree)
        for scope in functions.values():
            for call in ast.walk(scope):
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id == "audit_record"
                ):
                    continue
                for kw in call.keywords:
                    if kw.arg not in ("before", "after"):
                        continue
                    for source in _sources(kw.value, scope, functions):
                        for key in _dict_keys(source):
                            found.setdefault(key, f"{path.relative_to(WEB)}:{call.lineno}")
    return found


def test_the_scan_finds_the_keys_it_should() -> None:
    keys = recorded_keys()
    # A literal (cycle.create), a name assigned a dict (qa.dispute.assign's before), a helper's
    # returned dicts (cycle.import_data's _file_list), a dict inside a list (points.run).
    assert {"teams", "second_reviewer", "sha256", "indicator"} <= set(keys)


def test_every_key_written_in_an_entry_has_words() -> None:
    missing = {k: where for k, where in recorded_keys().items() if k not in words.FIELDS}
    assert missing == {}


def test_every_field_has_a_chinese_name() -> None:
    with translation.override("zh-hans"):
        english = {k: str(v) for k, v in words.FIELDS.items() if str(v).isascii()}
    # Codes a Chinese reader reads as they are.
    assert english == {"sha256": "SHA-256"}


@pytest.mark.parametrize(
    ("action", "before", "after", "want"),
    [
        # A QA dispute: its state by name (DisputeState), the second reviewer's field in words.
        (
            "qa.dispute.assign",
            {"state": "open", "second_reviewer": None},
            {"state": "assigned", "second_reviewer": "q2"},
            [("状态", "待复核", "复核中"), ("复核人", "—", "q2")],
        ),
        # A notification's retry: status by DeliveryStatus, attempts counted.
        (
            "notify.retry",
            {"status": "failed", "attempts": 3},
            {"status": "pending"},
            [("状态", "发送失败", "待发送"), ("发送次数", "3", "—")],
        ),
        # A channel: its kind by ChannelKind.
        (
            "notify.channel_delete",
            {"kind": "wecom", "name": "一组群"},
            None,
            [("名称", "一组群", "—"), ("类型", "企业微信群机器人", "—")],
        ),
    ],
)
def test_states_statuses_and_kinds_read_by_their_names(
    action: str, before: object, after: object, want: list[tuple[str, str, str]]
) -> None:
    with translation.override("zh-hans"):
        got = [(c.field, c.before, c.after) for c in words.changes(before, after, action)]
    assert got == want


def _english_words(node: ast.AST) -> list[str]:
    """English text written straight into ``node`` (outside a gettext call)."""
    # gettext("...") % {...}: the literal inside the call is not English-only.
    inside = {
        id(c)
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("gettext", "_")
        for c in ast.walk(call)
    }
    # ... and the names of its parameters ({"agent": ...}) are not words either.
    inside |= {id(k) for d in ast.walk(node) if isinstance(d, ast.Dict) for k in d.keys if k}
    return [
        w
        for sub in ast.walk(node)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and id(sub) not in inside
        for w in re.findall(r"[A-Za-z]{2,}", sub.value)
    ]


def test_what_an_entry_names_is_named_in_the_readers_language() -> None:
    # The sentence is "hr 导入了 质检导入 3：2026-11": an entry stores str(obj), the model's
    # __str__, in the language of the request that wrote it. No model writes English into it.
    english = {}
    for path in sorted(WEB.rglob("models.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "__str__":
                words = _english_words(node)
                if words:
                    english[f"{path.relative_to(WEB)}:{node.lineno}"] = words
    assert english == {}


def test_a_list_of_changes_names_what_changed_first_and_an_empty_list_is_no_change() -> None:
    after = {
        "changes": [{"agent_id": "A001", "indicator": "daily", "before": "0", "after": "1.00"}],
        "skipped": [],
    }
    with translation.override("zh-hans"):
        got = [(c.field, c.before, c.after) for c in words.changes(None, after, "points.run")]
    assert got == [("变动", "—", "工号 A001; 指标 daily; 之前 0; 之后 1.00")]
