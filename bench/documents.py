"""Benchmark: how long the PDF 考核表 takes to render, one form and a cycle's forms at once.

The form is the seed s000-specialist's worked example (10 indicators in 4 categories, two
pages with its signature lines), scored by the engine and rendered through the same template
and WeasyPrint call as the download; ``--forms`` copies of it make the "cycle" for the zip (one
PDF each, each with its own font subset) and the merged PDF (one document, fonts once). No
database: the forms are built from the engine's result as the download builds them from a
stored one. Printed, never asserted.

    python bench/documents.py [--forms 20]

The last line is ``form_ms=X zip_s=Y merged_s=Z forms=N``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--forms", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraise.web.settings")
    import django

    django.setup()
    from dataclasses import replace

    from appraise.decimals import money_or_none, plain_or_none
    from appraise.scoring.commands import score_files
    from appraise.scoring.output import result_dict
    from appraise.web.exports.scorecard import (
        Sheet,
        scorecard_pdf,
        scorecards_merged_pdf,
        scorecards_zip,
    )

    seeds = ROOT / "schemes" / "seeds"
    run = score_files(
        seeds / "s000-specialist.yaml", "2026-10", seeds / "examples" / "s000-specialist", None
    )
    r = run.results[0]
    sheet = Sheet(
        company="演示电商客服中心",
        scheme_name=run.scheme_name,
        period=run.period,
        agent_id=r.agent_id,
        name=r.name,
        team=r.team or "",
        position="客服专员",
        version=1,
        data=result_dict(r),
        total=plain_or_none(r.total) or "",
        grade=r.grade or "",
        computed_grade=r.grade or "",
        rank=str(r.rank or ""),
        pay_total=money_or_none(r.pay_total) or "",
        generated="2026-11-05 10:00",
    )
    scorecard_pdf(sheet)  # warm-up: fontconfig's cache, the template loader
    times = []
    for _ in range(5):
        start = time.perf_counter()
        scorecard_pdf(sheet)
        times.append(time.perf_counter() - start)
    sheets = [replace(sheet, agent_id=f"A{i:04d}") for i in range(args.forms)]
    start = time.perf_counter()
    zipped = scorecards_zip(sheets)
    zip_s = time.perf_counter() - start
    start = time.perf_counter()
    merged = scorecards_merged_pdf(sheets)
    merged_s = time.perf_counter() - start
    print(f"one form: median {statistics.median(times) * 1000:.0f} ms of 5")
    print(f"{args.forms} forms as a zip: {zip_s:.2f} s, {len(zipped) / 1e6:.1f} MB")
    print(f"{args.forms} forms merged: {merged_s:.2f} s, {len(merged) / 1e6:.1f} MB")
    print(
        f"form_ms={statistics.median(times) * 1000:.0f} zip_s={zip_s:.2f} "
        f"merged_s={merged_s:.2f} forms={args.forms}"
    )


if __name__ == "__main__":
    main()
