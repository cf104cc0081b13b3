"""The command line's help is in Chinese by default and in English with ``--lang en`` or
``APPRAISE_LANG=en`` (appraise.clihelp), every help text has its Chinese entry, and none is cut
at 80 columns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer import rich_utils
from typer._click import formatting
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
    error = rich_utils.rich_format_error
    usage = formatting.HelpFormatter.write_usage
    _help(["score"])
    _wrong(["score"])
    assert rich_utils.OPTIONS_PANEL_TITLE == "Options"
    assert rich_utils.DEFAULT_STRING == "[default: {}]"
    assert rich_utils._make_rich_text is make
    assert rich_utils.rich_format_error is error
    assert formatting.HelpFormatter.write_usage is usage


def _wrong(args: list[str], env: dict[str, str] | None = None) -> str:
    """What a wrong command line prints (exit status 2, click's usage error), unwrapped."""
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200", **(env or {})})
    assert result.exit_code == 2, result.output
    return " ".join(line.strip(" │") for line in result.output.splitlines())


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["score"], "缺少参数 'scheme'。", "Missing argument 'scheme'."),
        (["score", "s.yaml"], "缺少选项 '--period' / '-p'。", "Missing option '--period' / '-p'."),
        (["score", "s.yaml", "--nope"], "没有选项 --nope", "No such option: --nope"),
        (["scor"], "没有命令 'scor'。是不是要用 'score'？", "No such command 'scor'."),
        # A reason inside the message is said too: pydantic's sentence, as the core says it.
        (
            ["generate", "--agents", "abc"],
            "'--agents' 的值无效：应为整数",
            "Invalid value for '--agents': Input should be a valid integer",
        ),
    ],
)
def test_a_wrong_command_line_is_told_in_the_readers_language(
    args: list[str], zh: str, en: str
) -> None:
    said = _wrong(args)
    assert zh in said and "用法：appraise" in said, said
    for english in (_wrong(["--lang", "en", *args]), _wrong(args, env={"APPRAISE_LANG": "en"})):
        assert en in english and "Usage: appraise" in english, english


def test_a_message_click_has_no_words_for_stays_as_it_is() -> None:
    assert clihelp.click_said("Something new.", "zh") == "Something new."
    # Every template reads itself back in English: the patterns match what they were made of.
    for key, english in clihelp.CLICK_ENGLISH.items():
        filled = english.format_map({k: f"<{k}>" for k in messages.placeholders(english)})
        assert clihelp.click_said(filled, "en") == filled, key
        assert clihelp.click_said(filled, "zh") != filled, key


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
