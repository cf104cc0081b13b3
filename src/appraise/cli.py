"""The `appraise` command line. Commands parse input, call the functional core, render output."""

from __future__ import annotations

from enum import StrEnum

import typer

from appraise import __version__
from appraise.clihelp import LocalizedGroup
from appraise.messages import set_lang

app = typer.Typer(
    name="appraise",
    cls=LocalizedGroup,
    help="Performance appraisal (绩效考核) for customer-service teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Language(StrEnum):
    zh = "zh"
    en = "en"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"appraise {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    lang: Language = typer.Option(
        Language.zh,
        "--lang",
        envvar="APPRAISE_LANG",
        help="Language of messages, explanations and workbooks: zh (中文, default) or en.",
    ),
) -> None:
    """Performance appraisal (绩效考核) for customer-service teams."""
    # For this command only: a test that runs the CLI twice in one process gets each its own.
    ctx.call_on_close(set_lang(lang.value))


# Command groups register themselves here, one line each, so each module owns its commands.
# --- command registration (keep one line per module) ---
from appraise.metrics.generate_commands import register as _reg_generate  # noqa: E402

_reg_generate(app)
from appraise.scoring.commands import register as _reg_scoring  # noqa: E402

_reg_scoring(app)
from appraise.metrics.commands import register as _reg_metrics  # noqa: E402

_reg_metrics(app)
from appraise.metrics.import_commands import register as _reg_import  # noqa: E402

_reg_import(app)
from appraise.qa.commands import register as _reg_qa  # noqa: E402

_reg_qa(app)
# --- end of command registration ---
