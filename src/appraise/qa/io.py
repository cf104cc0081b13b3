"""Files of the QA commands: the rubrics of a QA config, and a reviews file."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from appraise.messages import message
from appraise.problems import Problem, ProblemsError, unreadable
from appraise.qa.config import parse_qa_config
from appraise.qa.rubric import ReviewInput, ReviewResult, Rubric, score_review
from appraise.schemes.loader import load_scheme
from appraise.schemes.validate import all_indicators


def load_rubrics(config_path: Path | str) -> list[Rubric]:
    """The rubrics a QA config names, each scheme read relative to the config file."""
    path = Path(config_path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), file)]) from None
    cfg, lines = parse_qa_config(text, file)
    problems: list[Problem] = []
    out: list[Rubric] = []
    for i, ref in enumerate(cfg.rubrics):
        try:
            scheme = load_scheme(path.parent / ref.scheme).scheme
        except ProblemsError as exc:
            problems.extend(exc.problems)
            continue
        leaves = {n.id for n, _ in all_indicators(scheme) if n.is_leaf}
        listed = [("fatal", ref.fatal)] + (
            [("na_items", ref.na_items)] if ref.na_items != "*" else []
        )
        for key, ids in listed:
            for j, item in enumerate(ids):
                if item not in leaves:
                    problems.append(
                        Problem(
                            "error",
                            "unknown_item",
                            message(
                                "qa.unknown_item",
                                "{item} is not an item of rubric {rubric}",
                                item=repr(item),
                                rubric=scheme.id,
                            ),
                            file,
                            lines.line(("rubrics", i, key, j)),
                        )
                    )
        na = ref.na_items if ref.na_items == "*" else tuple(ref.na_items)
        out.append(Rubric(scheme, tuple(ref.fatal), na, tuple(ref.seats), ref.default))
    if problems:
        raise ProblemsError(problems)
    return out


REVIEW_COLUMNS = (
    "review_id",
    "conversation_id",
    "agent_id",
    "reviewer_id",
    "reviewed_at",
    "item",
    "value",
)


def _when(text: str) -> datetime | date:
    t = text.strip().replace("/", "-")
    return datetime.fromisoformat(t) if len(t) > 10 else date.fromisoformat(t)


def read_reviews(path: Path | str, rubrics: Sequence[Rubric]) -> list[ReviewResult]:
    """Score every review of a long CSV file: one row per review and item.

    Columns: review_id, conversation_id, agent_id, reviewer_id, reviewed_at, item, value
    (required); source (internal | external, default internal), rubric (a rubric id; needed
    when the config has several), comment, supersedes (optional). A value that reads as a
    number is a number; N/A, 不适用 mark an item not applicable.
    """
    file = str(path)
    problems: list[Problem] = []
    by_id = {r.id: r for r in rubrics}
    reviews: dict[str, dict[str, object]] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
            header = rows[0].keys() if rows else []
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError([Problem("error", "unreadable", unreadable(exc), file)]) from None
    missing = [c for c in REVIEW_COLUMNS if c not in header]
    if missing:
        raise ProblemsError(
            [
                Problem(
                    "error",
                    "missing_column",
                    message("qa.missing_column", "missing column {name}", name=repr(c)),
                    file,
                    row=1,
                )
                for c in missing
            ]
        )
    for n, row in enumerate(rows, start=2):
        rid = (row["review_id"] or "").strip()
        bad = [c for c in REVIEW_COLUMNS if not (row.get(c) or "").strip()]
        for c in bad:
            problems.append(
                Problem(
                    "error",
                    "empty",
                    message("qa.must_not_be_empty", "must not be empty"),
                    file,
                    row=n,
                    field=c,
                )
            )
        if bad:
            continue
        rev = reviews.setdefault(
            rid,
            {
                "row": n,
                "ratings": {},
                "comments": {},
                **{k: (v or "").strip() for k, v in row.items()},
            },
        )
        raw = row["value"].strip()
        try:
            value: Decimal | str = Decimal(raw)
        except InvalidOperation:
            value = raw
        ratings = rev["ratings"]
        assert isinstance(ratings, dict)
        ratings[row["item"].strip()] = value
        if (row.get("comment") or "").strip():
            comments = rev["comments"]
            assert isinstance(comments, dict)
            comments[row["item"].strip()] = row["comment"].strip()
    results: list[ReviewResult] = []
    for rid, rev in reviews.items():
        row_no = rev["row"]
        assert isinstance(row_no, int)
        name = str(rev.get("rubric") or "")
        rubric = by_id.get(name) if name else (rubrics[0] if len(rubrics) == 1 else None)
        if rubric is None:
            problems.append(
                Problem(
                    "error",
                    "rubric",
                    message(
                        "qa.name_rubric",
                        "review {review}: name one of the rubrics {rubrics}",
                        review=rid,
                        rubrics=str(sorted(by_id)),
                    ),
                    file,
                    row=row_no,
                    field="rubric",
                )
            )
            continue
        source = str(rev.get("source") or "internal")
        if source not in ("internal", "external"):
            problems.append(
                Problem(
                    "error",
                    "source",
                    message("qa.internal_or_external", "internal or external"),
                    file,
                    row=row_no,
                    field="source",
                )
            )
            continue
        try:
            when = _when(str(rev["reviewed_at"]))
        except ValueError:
            problems.append(
                Problem(
                    "error",
                    "date",
                    message("qa.date_or_time", "a date or date and time"),
                    file,
                    row=row_no,
                    field="reviewed_at",
                )
            )
            continue
        ratings = rev["ratings"]
        comments = rev["comments"]
        assert isinstance(ratings, dict) and isinstance(comments, dict)
        try:
            results.append(
                score_review(
                    rubric,
                    ReviewInput(
                        rid,
                        str(rev["conversation_id"]),
                        str(rev["agent_id"]),
                        str(rev["reviewer_id"]),
                        when,
                        ratings,
                        source="external" if source == "external" else "internal",
                        comments=comments,
                        supersedes=str(rev.get("supersedes") or "") or None,
                    ),
                )
            )
        except ProblemsError as exc:
            problems.extend(
                Problem(
                    p.level,
                    p.code,
                    message(
                        "qa.in_review", "review {review}: {problem}", review=rid, problem=p.message
                    ),
                    file,
                    row=row_no,
                    field=p.field,
                )
                for p in exc.problems
            )
    if any(p.level == "error" for p in problems):
        raise ProblemsError(problems)
    return results
