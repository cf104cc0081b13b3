"""Every message of the functional core has a code, parameters and a Chinese translation.

The core writes its messages in English with ``message(code, template, **params)`` (or a
``table(prefix, {...})`` of templates); the Chinese is in ``src/appraise/locale/zh_Hans``. These
tests fail like tests/web/pages/test_i18n.py does for the templates: on a message without a
translation, on a translation that loses a placeholder, on a stale ``.mo``, and on English
written straight into a problem or an exception of inputs, metrics, qa, points, scoring or
periods (a sentence with no code, which no reader could get in Chinese).
"""

from __future__ import annotations

import pickle
from pathlib import Path

from appraise import messages
from appraise.messages import Message, message, reading, text

FIX = "python -m appraise.messages"


def test_every_core_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    found = messages.problems()
    listing = "\n".join(found)
    assert found == [], (
        f"{len(found)} problems with the core's messages (`{FIX} --missing` prints the "
        f"untranslated ones as .po entries):\n{listing}"
    )


def test_the_committed_mo_is_the_compilation_of_the_po() -> None:
    assert not messages.stale(), f"run `{FIX}`"


def test_the_scan_finds_messages_and_tables_and_refuses_computed_text(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text(
        "from appraise.messages import message, table\n"
        'X = {"k": "Key {n}"}\n'
        'T = table("labels", X)\n'
        'ok = message("weights_sum", "weights add up to {total}", total=1)\n'
        'extra = message("other", "no placeholder", total=1)\n'
        'computed = message("fstr", f"{ok} computed")\n',
        encoding="utf-8",
    )
    found, bad = messages.scan(pkg)
    assert [(s.code, s.template) for s in found] == [
        ("labels.k", "Key {n}"),
        ("weights_sum", "weights add up to {total}"),
        ("other", "no placeholder"),
    ]
    assert [b.where for b in bad] == ["pkg/a.py:6"]
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "labels.k"\nmsgid "Key {n}"\nmsgstr "键 {m}"\n\n'
        'msgctxt "weights_sum"\nmsgid "weights add up to {total}"\nmsgstr "权重合计 {total}"\n',
        encoding="utf-8",
    )
    found_problems = messages.problems(pkg, po)
    assert any("labels.k" in p and "placeholders" in p for p in found_problems)
    assert any("'other' passes ['total']" in p for p in found_problems)
    assert any("'other' has no Chinese translation" in p for p in found_problems)
    assert any("pkg/a.py:6" in p for p in found_problems)
    assert not any("weights_sum" in p for p in found_problems)


def test_a_message_is_its_english_text_and_renders_in_the_readers_language() -> None:
    # "explain.rated_one" is in the catalog: "评分 {v} → {s} 分".
    m = message("explain.rated_one", "rated {v} -> {s} points", v="4", s="80")
    assert m == "rated 4 -> 80 points"
    assert m.render("zh") == "评分 4 → 80 分"
    assert m.render("en") == "rated 4 -> 80 points"
    with reading("en"):
        assert text(m) == "rated 4 -> 80 points"
    with reading("zh-hans"):
        assert text(m) == "评分 4 → 80 分"
    assert text("plain words") == "plain words"
    copy = pickle.loads(pickle.dumps(m))
    assert isinstance(copy, Message) and copy.render("zh") == "评分 4 → 80 分"


def test_a_message_inside_a_message_is_written_in_the_same_language() -> None:
    inner = message("workbook.yes", "yes")
    outer = message("explain.no_value", "no data ({m})", m=inner)
    assert outer.render("en") == "no data (yes)"
    assert outer.render("zh") == "无数据(是)"


def test_an_unknown_code_falls_back_to_english() -> None:
    assert message("nowhere", "as {x} said", x=1).render("zh") == "as 1 said"


def test_templates_and_f_strings_write_a_message_in_the_readers_language() -> None:
    m = message("explain.rated_one", "rated {v} -> {s} points", v="4", s="80")
    with reading("zh"):
        assert f"{m}" == str(m) == "评分 4 → 80 分"
    with reading("en"):
        assert f"{m}" == "rated 4 -> 80 points"


def test_the_core_packages_say_nothing_in_english_only() -> None:
    # inputs, metrics, qa, points, scoring, periods: every problem and every error a user can
    # see is a message(...) with a code, so that it is written in the reader's language.
    found = messages.plain_messages()
    listing = "\n".join(found)
    assert found == [], (
        f"{len(found)} sentences without a code (write them with message(code, template, "
        f"...) and translate them in {messages.PO.name}):\n{listing}"
    )


def test_the_english_only_scan_finds_problems_helpers_and_raises(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text(
        "from appraise.messages import message\n"
        "from appraise.problems import Problem\n"
        'a = Problem("error", "x", f"{1} rows are bad")\n'  # 3: an f-string
        'b = Problem("error", "x", "the file is empty", "f.csv")\n'  # 4: a sentence
        'c = Problem("error", "x", message("x", "the file is empty"))\n'  # a message: fine
        'd = Problem("warning", "unreadable", str(ValueError()))\n'  # a library's text: fine
        "def f(n):\n"
        '    raise ValueError(f"{n} is not a number")\n'  # 8
        "def g():\n"
        '    raise ValueError("needs a calendar")  # internal: callers check first\n'
        "def h():\n"
        '    raise AssertionError("cannot happen here")\n'
        "def i(add):\n"
        '    add("bad_tag", "not one tag")\n'  # 14: a checker's helper
        "def j(tree):\n"
        '    tree.add("总分 80 points")\n',  # rich's Tree.add: not a problem
        encoding="utf-8",
    )
    found = messages.plain_messages(pkg, ("a.py",))
    assert [line.split(": ", 1)[0] for line in found] == [
        "pkg/a.py:3",
        "pkg/a.py:4",
        "pkg/a.py:8",
        "pkg/a.py:14",
    ]


def test_a_validators_message_and_pydantics_own_sentences_reach_the_reader() -> None:
    from pydantic import BaseModel, ValidationError, field_validator

    from appraise.problems import pydantic_text

    class Layout(BaseModel):
        header_row: int = 1
        skip: int = 0

        @field_validator("header_row")
        @classmethod
        def _from_one(cls, value: int) -> int:
            if value < 1:
                raise ValueError(message("layout.rows_from_1", "rows count from 1"))
            return value

    try:
        Layout.model_validate({"header_row": 0, "skip": "abc"})
    except ValidationError as exc:
        said = [pydantic_text(e) for e in exc.errors()]
    # The validator's message keeps its code; pydantic's "Input should be a valid integer ..."
    # is a core message too, its English exactly pydantic's.
    assert [s.code for s in said if isinstance(s, Message)] == [
        "layout.rows_from_1",
        "pydantic.int_parsing",
    ]
    assert [text(s, "zh") for s in said] == ["行号从 1 开始", "应为整数,无法把文本解析为整数"]
    assert said[1] == "Input should be a valid integer, unable to parse string as an integer"


def test_a_list_of_phrases_is_joined_as_the_language_joins_a_list() -> None:
    parts = [message("report.title_rows", "{n} title row(s)", n=1)]
    parts.append(message("report.totals_rows", "{n} totals row(s)", n=2))
    m = message(
        "report.rows_skipped",
        "not read as data: {shown} (the header is row {row})",
        shown=parts,
        row=3,
    )
    assert m == "not read as data: 1 title row(s), 2 totals row(s) (the header is row 3)"
    assert m.render("zh") == "未作为数据读取:1 行标题、2 行合计(表头在第 3 行)"
