"""The command line's help is in Chinese by default and in English with ``--lang en`` or
``APPRAISE_LANG=en`` (appraise.clihelp), every help text has its Chinese entry, and none is cut
at 80 columns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer import rich_utils
from typer.testing import CliRunner

from appraise import clihelp, messages
from appraise.cli import app


def _tree() -> typer.core.TyperGroup:
    group = typer.main.get_command(app)
    assert isinstance(group, clihelp.LocalizedGroup)
    return group


def _paths(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from _paths(sub, (*path, name))


def _help(args: list[str], env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_every_help_text_has_a_chinese_entry() -> None:
    done = messages.translations()
    found = list(clihelp.helps(_tree()))
    # The group, its 7 commands and their options, the qa and metrics subcommands, --help.
    assert len(found) > 80
    missing = [
        f"{where}: {getattr(obj, attr)!r}"
        for where, obj, attr in found
        if (clihelp.CONTEXT, getattr(obj, attr)) not in done
    ]
    assert missing == []


def test_score_help_in_chinese_by_default_and_in_english_when_asked() -> None:
    zh = _help(["score"])
    assert "计算一个考核期：总分、等级、排名、薪酬，以及每个数字的说明。" in zh
    assert "方案文件（YAML）。" in zh and "[必填]" in zh and "[默认：table]" in zh
    assert "─ 选项 ─" in zh and "─ 参数 ─" in zh and "显示本帮助后退出。" in zh
    for en in (_help(["--lang", "en", "score"]), _help(["score"], env={"APPRAISE_LANG": "en"})):
        assert "The scheme file (YAML)." in en and "[required]" in en and "─ Options ─" in en
        assert "考核期" not in en
    # --lang on the command line wins over the environment.
    assert "方案文件（YAML）。" in _help(["--lang", "zh", "score"], env={"APPRAISE_LANG": "en"})


def test_typers_words_are_put_back_after_a_chinese_run() -> None:
    make = rich_utils._make_rich_text
    _help(["score"])
    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"
    assert rich_utils.DEFAULT_STRING == "[default: {}]"
    assert rich_utils._make_rich_text is make


def _squashed(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


@pytest.mark.parametrize("path", list(_paths(typer.main.get_command(app))), ids=" ".join)
def test_no_chinese_help_is_cut_at_80_columns(path: tuple[str, ...]) -> None:
    # Rich cuts a run without spaces that is longer than its column with "…" unless the text
    # folds; every translated text of the command must be in its help, whole.
    out = _squashed(_help(list(path)))
    command = _tree()
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    texts = [getattr(obj, attr) for _w, obj, attr in clihelp.helps(command)]
    own = [t for t in texts if t in (command.help, *(p.help for p in command.params))]  # type: ignore[attr-defined]
    for english in own:
        chinese = messages.translate(clihelp.CONTEXT, english, "zh")
        # The commands' list shows a subcommand's first line only; the command's own help
        # and its options' are whole.
        assert _squashed(chinese) in out, (path, chinese)


@pytest.mark.parametrize(
    ("argv", "env", "want"),
    [
        ([], {}, "zh"),
        (["--lang", "en", "score"], {}, "en"),
        (["score", "x.yaml", "--lang=en"], {}, "en"),
        (["score"], {"APPRAISE_LANG": "en"}, "en"),
        (["--lang", "zh"], {"APPRAISE_LANG": "en"}, "zh"),
        (["--lang", "en", "metrics", "list", "--lang", "zh"], {}, "zh"),  # the last one
    ],
)
def test_the_language_is_read_from_the_arguments_then_the_environment(
    argv: list[str], env: dict[str, str], want: str
) -> None:
    assert clihelp.lang_from(argv, env) == want
