"""Points (积分): the pure rules of a points ledger, with no database.

- :mod:`appraise.points.lines`: a points scheme scored for one period, as one line per agent per
  indicator that produced points, and the differences between two runs of the same period;
- :mod:`appraise.points.leaderboard`: totals ranked with shared places (1, 2, 2, 4);
- :mod:`appraise.points.levels`: levels by points accumulated (一级订餐师 60 ...);
- :mod:`appraise.points.redemption`: the monthly redemption (80% paid, 20% carried);
- :mod:`appraise.points.export`: the payout list as CSV and Excel.

The web app (:mod:`appraise.web.points`) stores the ledger and calls these; docs/points.md
describes both.
"""
