"""`appraise qa ...`: automatic checks, sampling, calibration and figures (docs/qa.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from appraise.messages import message, said
from appraise.metrics.config import CenterConfig
from appraise.periods import Period
from appraise.problems import ProblemsError
from appraise.qa.agreement import Agreement


def metric_values_csv(
    period: str, values: Mapping[str, Mapping[str, float | Decimal | None]]
) -> str:
    """Long ``metric_values`` (agent_id,period,metric,value) that ``appraise score --inputs``
    reads; an unknown value is left out (an empty cell would be skipped anyway)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agent_id", "period", "metric", "value"])
    for agent, row in values.items():
        for metric, v in row.items():
            if v is not None:
                w.writerow([agent, period, metric, _num(v)])
    return buf.getvalue()


def _num(v: float | Decimal) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral() else str(round(v, 6).normalize())
    return repr(int(v)) if float(v).is_integer() else repr(round(v, 6))


def _fail(exc: ProblemsError) -> typer.Exit:
    for p in exc.problems:
        typer.echo(p.render(), err=True)
    return typer.Exit(1)


def _center(data: Path, config_file: Path | None) -> CenterConfig:
    if config_file is not None:
        return CenterConfig.load(config_file)
    return CenterConfig.for_folder(data if data.is_dir() else data.parent)


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        typer.echo(
            str(message("cli.bad_period", "--period: {problem}", problem=said(exc))), err=True
        )
        raise typer.Exit(2) from None


def _f(v: Decimal | None, digits: int = 2) -> str:
    return "" if v is None else f"{float(v):.{digits}f}"


def _fl(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


PARTS = ("random", "risk", "fill")


def read_parts(path: Path | None) -> dict[str, str]:
    """conversation -> part from a ``qa sample`` output (conversation_id, part); none: {}.
    A file without a ``part`` column is an unweighted sample: every conversation random."""
    if path is None:
        return {}
    from appraise.messages import message
    from appraise.problems import Problem

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
            fields = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", str(exc), str(path))]) from None
    if rows and "conversation_id" not in fields:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "no_column",
                    message("qa.sample_no_id", "no conversation_id column"),
                    str(path),
                    row=1,
                )
            ]
        )
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for n, r in enumerate(rows, start=2):
        part = (r.get("part") or "random").strip()
        if part not in PARTS:
            problems.append(
                Problem(
                    "error",
                    "bad_part",
                    message(
                        "qa.bad_part",
                        "part {part} is not one of {parts}",
                        part=repr(part),
                        parts=", ".join(PARTS),
                    ),
                    str(path),
                    row=n,
                    field="part",
                )
            )
        out[(r.get("conversation_id") or "").strip()] = part
    if problems:
        raise ProblemsError(problems)
    return out


def agreement_dict(a: Agreement) -> dict[str, object]:
    """One check's agreement as JSON (figures as numbers, None when undefined)."""
    return {
        "period": a.period,
        "check": a.check,
        "item": a.item,
        "tp": a.tp,
        "fp": a.fp,
        "fn": a.fn,
        "tn": a.tn,
        "pairs": a.pairs,
        "unmatched": a.unmatched,
        "precision": _fl(a.precision),
        "recall": _fl(a.recall),
        "kappa": _fl(a.kappa),
    }


def register(app: typer.Typer) -> None:
    """Add the ``qa`` command group."""
    qa = typer.Typer(help="Quality assurance (质检): checks, sampling, calibration, figures.")
    app.add_typer(qa, name="qa")

    @qa.command("check")
    def check(
        data: Path = typer.Option(..., "--data", help="Event store (.duckdb) or data folder."),
        period: str = typer.Option(..., "--period"),
        config: Path | None = typer.Option(None, "--config", help="QA config YAML (qa.yaml)."),
        center: Path | None = typer.Option(
            None, "--center", help="center.yaml (time zone, hours)."
        ),
        fmt: str = typer.Option("json", "--format", help="json (findings + metrics) or csv."),
        reviews: Path | None = typer.Option(
            None,
            "--reviews",
            help="Human reviews of the period (CSV): the agreement the config requires.",
        ),
    ) -> None:
        """Automatic checks on every conversation of the period; csv = a metric_values file.

        A check whose agreement with the human reviews is below what the config's
        ``agreement`` section requires has its metrics withheld, with a warning."""
        from appraise.metrics.store import open_data
        from appraise.qa.agreement import Verdict, gated_metrics, withhold
        from appraise.qa.checks import check_all
        from appraise.qa.config import load_qa_config
        from appraise.qa.io import load_rubrics, read_reviews
        from appraise.qa.rules.engine import build_ruleset, rule_hits, run_rules
        from appraise.qa.rules.metrics import daily_rule_metrics, rule_metrics
        from appraise.qa.store import load_transcripts

        if fmt not in ("json", "csv"):
            typer.echo(str(message("qa.cli.format", "--format must be json or csv")), err=True)
            raise typer.Exit(2)
        p = _period(period)
        try:
            cfg = load_qa_config(config)
            cc = _center(data, center)
            conn = open_data(data, config=cc)
            try:
                transcripts = load_transcripts(conn, p, cc)
            finally:
                conn.close()
            findings = check_all(transcripts, cfg, cc)
            human = (
                read_reviews(reviews, load_rubrics(config))
                if reviews is not None and config is not None
                else []
            )
        except ProblemsError as exc:
            raise _fail(exc) from None
        if reviews is not None and config is None:
            typer.echo(
                "--reviews needs --config (the rubrics the reviews were scored on)", err=True
            )
            raise typer.Exit(2)
        rs = build_ruleset(cfg, cc) if cfg.has_rules else None
        rfs = run_rules(transcripts, rs) if rs is not None else []
        # The rules' verdicts are measured against the reviews like the checks' (qa/agreement.py).
        verdicts = [Verdict(*h) for h in rule_hits(rfs)]
        checked = gated_metrics(findings, human, cfg.agreement, verdicts=verdicts)
        for problem in checked.problems:
            typer.echo(problem.render(), err=True)
        metrics: dict[str, dict[str, float | Decimal | None]] = {
            a: dict(v) for a, v in checked.metrics.items()
        }
        rules_doc: dict[str, object] = {}
        daily: dict[str, dict[str, dict[str, float | Decimal | None]]] = {}
        if rs is not None:
            per_rule = {r.rule.id: (f"autoqa_{r.rule.id}",) for r in rs.rules}
            period_rows, _ = withhold(rule_metrics(rfs, rs), checked.gates, per_rule)
            for agent, row in period_rows.items():
                metrics.setdefault(agent, {}).update(row)
            metrics = dict(sorted(metrics.items()))
            for d, v in daily_rule_metrics(rfs, rs, cc).items():
                daily[d.isoformat()] = withhold(v, checked.gates, per_rule)[0]
            rules_doc = {
                "rule_findings": [f.as_dict() for f in rfs if f.hit],
                "rules_not_computable": sum(1 for f in rfs if not f.computable),
                "daily": {
                    d: {
                        a: {k: _num(x) for k, x in row.items() if x is not None}
                        for a, row in v.items()
                    }
                    for d, v in daily.items()
                },
            }
        if fmt == "csv":
            out = metric_values_csv(str(p), metrics)
            for day, values in daily.items():
                out += metric_values_csv(day, values).split("\n", 1)[1]
            typer.echo(out, nl=False)
            return
        doc = {
            "period": str(p),
            "metrics": {
                a: {k: x if not isinstance(x, Decimal) else float(x) for k, x in row.items()}
                for a, row in metrics.items()
            },
            "findings": [f.as_dict() for f in findings if not f.passed],
            "checked": len({f.conversation_id for f in findings}),
            "agreement": [agreement_dict(a) for a in checked.figures],
            "withheld": [p.render() for p in checked.problems],
            **rules_doc,
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))

    rules = typer.Typer(help="The rule language (自动质检规则): test a rule on real conversations.")
    qa.add_typer(rules, name="rules")

    @rules.command("test")
    def rules_test(
        data: Path = typer.Option(..., "--data", help="Event store (.duckdb) or data folder."),
        rule: str = typer.Option(..., "--rule", help="A rule's id or name."),
        config: Path | None = typer.Option(None, "--config", help="QA config YAML (qa.yaml)."),
        period: str | None = typer.Option(None, "--period", help="Only this period."),
        sample: int | None = typer.Option(None, "--sample", min=1, help="N conversations."),
        seed: str = typer.Option("0", "--seed"),
        center: Path | None = typer.Option(None, "--center"),
        lang: str | None = typer.Option(None, "--lang", help="zh (default) or en."),
        fmt: str = typer.Option("text", "--format", help="text or json."),
    ) -> None:
        """Run one rule over a folder of conversations and print every hit with its evidence."""
        from appraise.messages import message, set_lang
        from appraise.metrics.store import open_data
        from appraise.qa.config import load_qa_config
        from appraise.qa.rules.bench import bench_lines, pick
        from appraise.qa.rules.engine import build_ruleset, builtin_rules, compile_rule
        from appraise.qa.store import load_transcripts

        restore = set_lang(lang) if lang else None
        try:
            p = _period(period) if period else None
            try:
                cfg = load_qa_config(config)
                rs = build_ruleset(cfg, None)
                chosen = rs.get(rule)
                if chosen is None:
                    extra = [r for r in builtin_rules() if rule in (r.id, r.name)]
                    chosen = compile_rule(extra[0]) if extra else None
                if chosen is None:
                    names = [r.rule.id for r in rs.rules] + [r.id for r in builtin_rules()]
                    typer.echo(
                        message(
                            "autoqa.no_such_rule",
                            "no rule {rule}; rules: {names}",
                            rule=rule,
                            names=", ".join(dict.fromkeys(names)),
                        ),
                        err=True,
                    )
                    raise typer.Exit(2)
                cc = _center(data, center)
                rs = build_ruleset(cfg, cc)
                conn = open_data(data, config=cc)
                try:
                    transcripts = load_transcripts(conn, p, cc)
                finally:
                    conn.close()
            except ProblemsError as exc:
                raise _fail(exc) from None
            lines, findings = bench_lines(chosen, pick(transcripts, sample, seed), rs)
            if fmt == "json":
                typer.echo(
                    json.dumps(
                        [f.as_dict() for f in findings if f.hit], ensure_ascii=False, indent=2
                    )
                )
            else:
                typer.echo("\n".join(lines))
        finally:
            if restore is not None:
                restore()

    @qa.command("sample")
    def sample(
        data: Path = typer.Option(..., "--data"),
        period: str = typer.Option(..., "--period"),
        per_agent: int = typer.Option(15, "--per-agent"),
        seed: str = typer.Option("0", "--seed"),
        reviewers: str = typer.Option("", "--reviewers", help="Comma-separated reviewer ids."),
        exclude: Path | None = typer.Option(
            None, "--exclude", help="A CSV with a conversation_id column: never sample these."
        ),
        center: Path | None = typer.Option(None, "--center"),
        random_share: str = typer.Option(
            "1",
            "--random-share",
            help="Share of each agent's places drawn at random (the unbiased part); the rest "
            "goes to conversations the automatic checks flagged or a low CSAT.",
        ),
        config: Path | None = typer.Option(None, "--config", help="QA config for the checks."),
        low_csat: int | None = typer.Option(
            None,
            "--low-csat",
            help="A CSAT this low or lower flags (default: the config's sampling.low_csat, 2).",
        ),
    ) -> None:
        """Draw the monitored conversations and (with --reviewers) assign them; CSV out."""
        from decimal import InvalidOperation

        from appraise.metrics.store import open_data
        from appraise.qa.checks import check_all
        from appraise.qa.config import load_qa_config
        from appraise.qa.sampling import assign_reviewers, risk_flags, sample_conversations
        from appraise.qa.store import load_csat, load_transcripts

        try:
            share = Decimal(random_share.strip().rstrip("%")) / (
                100 if random_share.strip().endswith("%") else 1
            )
        except InvalidOperation:
            typer.echo(f"--random-share: {random_share!r} is not a share (0.4 or 40%)", err=True)
            raise typer.Exit(2) from None

        p = _period(period)
        done: set[str] = set()
        if exclude is not None:
            with open(exclude, encoding="utf-8-sig", newline="") as fh:
                done = {r["conversation_id"] for r in csv.DictReader(fh)}
        try:
            cc = _center(data, center)
            conn = open_data(data, config=cc)
            try:
                flags = None
                if share < 1:
                    cfg = load_qa_config(config)
                    findings = check_all(load_transcripts(conn, p, cc), cfg, cc)
                    low = low_csat if low_csat is not None else cfg.sampling.low_csat
                    flags = risk_flags(
                        findings, load_csat(conn) if low is not None else None, low_csat=low or 0
                    )
                got = sample_conversations(
                    conn,
                    p,
                    per_agent,
                    seed,
                    exclude=done,
                    center=cc,
                    flags=flags,
                    random_share=share,
                )
            finally:
                conn.close()
            revs = [r.strip() for r in reviewers.split(",") if r.strip()]
            assigned = {
                a.sample.conversation_id: a.reviewer_id
                for a in (assign_reviewers(got, revs) if revs else [])
            }
        except ProblemsError as exc:
            raise _fail(exc) from None
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(
            ["conversation_id", "agent_id", "channel", "outcome", "reviewer_id", "part", "flags"]
        )
        for s in got:
            w.writerow(
                [
                    s.conversation_id,
                    s.agent_id,
                    s.channel or "",
                    s.outcome,
                    assigned.get(s.conversation_id, ""),
                    s.part,
                    " ".join(s.flags),
                ]
            )
        typer.echo(buf.getvalue(), nl=False)

    @qa.command("agreement")
    def agreement_cmd(
        data: Path = typer.Option(..., "--data", help="Event store (.duckdb) or data folder."),
        period: str = typer.Option(..., "--period"),
        config: Path = typer.Option(..., "--config", help="QA config: rubrics and agreement."),
        reviews: Path = typer.Option(..., "--reviews", help="Human reviews CSV (docs/qa.md)."),
        center: Path | None = typer.Option(None, "--center"),
        fmt: str = typer.Option("table", "--format", help="table or json."),
        sample: Path | None = typer.Option(
            None, "--sample", help="qa sample's output: only the random part's reviews count."
        ),
    ) -> None:
        """Precision, recall and Cohen's κ of each check against the rubric item it mirrors."""
        from appraise.metrics.store import open_data
        from appraise.qa.agreement import gated_metrics
        from appraise.qa.checks import check_all
        from appraise.qa.config import load_qa_config
        from appraise.qa.io import load_rubrics, read_reviews
        from appraise.qa.sampling import estimate_reviews
        from appraise.qa.store import load_transcripts

        p = _period(period)
        try:
            cfg = load_qa_config(config)
            human = estimate_reviews(
                read_reviews(reviews, load_rubrics(config)), read_parts(sample)
            )
            cc = _center(data, center)
            conn = open_data(data, config=cc)
            try:
                findings = check_all(load_transcripts(conn, p, cc), cfg, cc)
            finally:
                conn.close()
        except ProblemsError as exc:
            raise _fail(exc) from None
        checked = gated_metrics(findings, human, cfg.agreement)
        shut = {g.check: g for g in checked.gates}
        if fmt == "json":
            doc = {
                "period": str(p),
                "checks": [
                    {
                        **agreement_dict(a),
                        "period": str(p),
                        "counts": shut[a.check].passed if a.check in shut else True,
                    }
                    for a in checked.figures
                ],
                "withheld": [pr.render() for pr in checked.problems],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        console = Console()
        t = Table(title=f"人机一致性 {p} (automatic checks against the reviewers)")
        for col in (
            "check",
            "item",
            "pairs",
            "tp",
            "fp",
            "fn",
            "tn",
            "precision",
            "recall",
            "κ",
            "counts",
        ):
            t.add_column(col)
        for a in checked.figures:
            g = shut.get(a.check)
            t.add_row(
                a.check,
                a.item,
                str(a.pairs),
                str(a.tp),
                str(a.fp),
                str(a.fn),
                str(a.tn),
                _f(a.precision, 3),
                _f(a.recall, 3),
                _f(a.kappa, 3),
                "—" if g is None else "yes" if g.passed else "withheld",
            )
        console.print(t)
        for pr in checked.problems:
            typer.echo(pr.render(), err=True)

    @qa.command("calibrate")
    def calibrate_cmd(
        config: Path = typer.Option(..., "--config", help="QA config naming the rubrics."),
        reviews: Path = typer.Option(..., "--reviews", help="Reviews CSV (docs/qa.md)."),
        fmt: str = typer.Option("table", "--format", help="table or json."),
    ) -> None:
        """Spread of several reviewers' scores of the same conversations."""
        from appraise.qa.calibration import calibrate
        from appraise.qa.io import load_rubrics, read_reviews

        try:
            rep = calibrate(read_reviews(reviews, load_rubrics(config)))
        except ProblemsError as exc:
            raise _fail(exc) from None
        if fmt == "json":
            doc = {
                "items": [
                    {
                        "item": i.item_id,
                        "name": i.name,
                        "ratings": i.ratings,
                        "conversations": i.cells,
                        "mean": float(i.mean),
                        "mean_stdev": float(i.mean_stdev),
                        "max_spread": float(i.max_spread),
                        "fleiss_kappa": _fl(i.fleiss_kappa),
                    }
                    for i in rep.items
                ],
                "pairs": [
                    {
                        "reviewers": [pr.reviewer_a, pr.reviewer_b],
                        "cells": pr.cells,
                        "agreed": pr.agreed,
                        "observed": _fl(pr.observed),
                        "expected": _fl(pr.expected),
                        "kappa": _fl(pr.kappa),
                    }
                    for pr in rep.pairs
                ],
                "reviewers": [
                    {
                        "reviewer": r.reviewer_id,
                        "reviews": r.reviews,
                        "mean_score": None if r.mean_score is None else float(r.mean_score),
                        "mean_deviation": None
                        if r.mean_deviation is None
                        else float(r.mean_deviation),
                        "mean_abs_deviation": None
                        if r.mean_abs_deviation is None
                        else float(r.mean_abs_deviation),
                        "score_deviation": None
                        if r.score_deviation is None
                        else float(r.score_deviation),
                        "leniency": _fl(r.leniency),
                    }
                    for r in rep.reviewers
                ],
            }
            typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
            return
        console = Console()
        t = Table(title="校准: 每项分歧 (spread per item)")
        for col in (
            "item",
            "name",
            "ratings",
            "conversations",
            "mean",
            "mean sd",
            "max range",
            "Fleiss κ",
        ):
            t.add_column(col)
        for i in rep.items:
            t.add_row(
                i.item_id,
                i.name,
                str(i.ratings),
                str(i.cells),
                _f(i.mean),
                _f(i.mean_stdev),
                _f(i.max_spread),
                _f(i.fleiss_kappa, 3),
            )
        console.print(t)
        t = Table(title="校准: 两两一致性 (Cohen's κ per pair, on which items are errors)")
        for col in ("reviewers", "cells", "agreed", "po", "pe", "κ"):
            t.add_column(col)
        for pr in rep.pairs:
            t.add_row(
                f"{pr.reviewer_a} / {pr.reviewer_b}",
                str(pr.cells),
                str(pr.agreed),
                _f(pr.observed, 3),
                _f(pr.expected, 3),
                _f(pr.kappa, 3),
            )
        console.print(t)
        t = Table(title="校准: 质检员偏差 (deviation from the others)")
        for col in (
            "reviewer",
            "reviews",
            "mean score",
            "mean dev",
            "mean |dev|",
            "total dev",
            "leniency",
        ):
            t.add_column(col)
        for r in rep.reviewers:
            t.add_row(
                r.reviewer_id,
                str(r.reviews),
                _f(r.mean_score),
                _f(r.mean_deviation),
                _f(r.mean_abs_deviation),
                _f(r.score_deviation),
                _f(r.leniency),
            )
        console.print(t)

    @qa.command("figures")
    def figures_cmd(
        config: Path = typer.Option(..., "--config"),
        reviews: Path = typer.Option(..., "--reviews"),
        period: str = typer.Option(..., "--period", help="Written into the csv rows."),
        fmt: str = typer.Option("table", "--format", help="table or csv (metric_values)."),
        sample: Path | None = typer.Option(
            None,
            "--sample",
            help="qa sample's output: a risk-weighted sample's averages over its random part.",
        ),
    ) -> None:
        """Fatal / non-fatal accuracy and QA averages per agent (csv: a metric_values file)."""
        from appraise.qa.figures import estimated_figures
        from appraise.qa.io import load_rubrics, read_reviews

        p = _period(period)
        try:
            figs = estimated_figures(
                read_reviews(reviews, load_rubrics(config)), read_parts(sample)
            )
        except ProblemsError as exc:
            raise _fail(exc) from None
        if fmt == "csv":
            typer.echo(
                metric_values_csv(str(p), {a.agent_id: a.metrics() for a in figs.agents}), nl=False
            )
            return
        console = Console()
        t = Table(title=f"质检指标 {p}")
        for col in (
            "agent",
            "monitored",
            "internal",
            "external",
            "qa_average",
            "fatal acc %",
            "non-fatal acc %",
        ):
            t.add_column(col)
        for a in figs.agents:
            t.add_row(
                a.agent_id,
                str(a.monitored),
                _f(a.internal_average),
                _f(a.external_average),
                _f(a.qa_average),
                _f(a.fatal_accuracy),
                _f(a.nonfatal_accuracy),
            )
        console.print(t)
        t = Table(title="每项 (per item)")
        for col in ("item", "name", "rated", "N/A", "mean", "% of full", "errors"):
            t.add_column(col)
        for i in figs.items:
            t.add_row(
                i.item_id,
                i.name,
                str(i.rated),
                str(i.not_applicable),
                _f(i.mean),
                _f(i.percent),
                str(i.errors),
            )
        console.print(t)
