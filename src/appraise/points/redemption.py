"""The monthly redemption (积分兑换) of seed 003.

"积分每月兑换一次,每次兑换积分的80%(保证积分不清零),剩余20%下月累计" and "1分不低于1元 ×
(本月协议饭店预订成功量 / 上月协议饭店预订成功量)". Readings:

- The balance is every ledger entry up to the month's last day, so last month's carried 20% is in
  it and is 80%-redeemed again, as "依次类推" says.
- Points redeemed are 80% of the balance rounded DOWN to a whole point: the seed's points are
  whole, and rounding down keeps at least 20% (保证积分不清零: a balance of 1 redeems 0 and carries
  1). The carried points are the balance minus the points redeemed.
- A balance of zero or below redeems nothing (a debt is not paid out, it is carried as it is).
- The exchange rate is a center-wide figure given at run time: yuan per point × this month's
  bookings ÷ last month's. The money is points × yuan per point × this month ÷ last month in
  Decimal, rounded once to 0.01 half up (never rounding the rate first).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from appraise.decimals import plain
from appraise.messages import message
from appraise.problems import Problem, ProblemsError
from appraise.schemes.model import Scheme

CENT = Decimal("0.01")
# The rate as shown (the money is computed from the bookings, not from this rounded figure).
RATE_STEP = Decimal("0.000001")
DEFAULT_SHARE = Decimal("0.8")
DEFAULT_YUAN_PER_POINT = Decimal(1)


@dataclass(frozen=True, slots=True)
class RedemptionTerms:
    this_month_bookings: Decimal
    last_month_bookings: Decimal
    share: Decimal = DEFAULT_SHARE
    yuan_per_point: Decimal = DEFAULT_YUAN_PER_POINT

    @property
    def rate(self) -> Decimal:
        """Yuan per point this month, to six places, for display."""
        exact = self.yuan_per_point * self.this_month_bookings / self.last_month_bookings
        return exact.quantize(RATE_STEP, rounding=ROUND_HALF_UP)

    def money(self, points: Decimal) -> Decimal:
        exact = points * self.yuan_per_point * self.this_month_bookings / self.last_month_bookings
        return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def redemption_terms(
    *,
    this_month_bookings: Decimal | None,
    last_month_bookings: Decimal | None,
    share: Decimal = DEFAULT_SHARE,
    yuan_per_point: Decimal = DEFAULT_YUAN_PER_POINT,
    where: str = "redemption",
) -> RedemptionTerms:
    """Checked terms; raises ProblemsError naming every bad figure."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem("error", "bad_redemption_terms", message, where, field=field))

    if last_month_bookings is None:
        bad(
            "last_month_bookings",
            message(
                "redeem.last_missing",
                "last month's hotel bookings (上月协议饭店预订成功量) are missing",
            ),
        )
    elif last_month_bookings <= 0:
        bad(
            "last_month_bookings",
            message(
                "redeem.last_not_positive",
                "last month's hotel bookings are {n}: the exchange rate divides by them, "
                "so they must be above 0",
                n=last_month_bookings,
            ),
        )
    if this_month_bookings is None:
        bad(
            "this_month_bookings",
            message(
                "redeem.this_missing",
                "this month's hotel bookings (本月协议饭店预订成功量) are missing",
            ),
        )
    elif this_month_bookings < 0:
        bad(
            "this_month_bookings",
            message(
                "redeem.this_negative",
                "this month's hotel bookings are {n}, below 0",
                n=this_month_bookings,
            ),
        )
    if not Decimal(0) < share <= 1:
        bad(
            "share",
            message(
                "redeem.share",
                "the redeemed share is {share}; it must be above 0 and at most 1",
                share=plain(share),
            ),
        )
    if yuan_per_point < 0:
        bad(
            "yuan_per_point",
            message(
                "redeem.yuan_per_point",
                "yuan per point is {yuan}, below 0",
                yuan=plain(yuan_per_point),
            ),
        )
    if problems:
        raise ProblemsError(problems)
    assert this_month_bookings is not None and last_month_bookings is not None
    return RedemptionTerms(this_month_bookings, last_month_bookings, share, yuan_per_point)


def scheme_share_and_yuan(scheme: Scheme) -> tuple[Decimal, Decimal]:
    """The scheme's ``redeemed_share`` and ``yuan_per_point`` constants, or the seed's 0.8 and 1."""
    return (
        scheme.constants.get("redeemed_share", DEFAULT_SHARE),
        scheme.constants.get("yuan_per_point", DEFAULT_YUAN_PER_POINT),
    )


@dataclass(frozen=True, slots=True)
class Redeemed:
    balance: Decimal
    points: Decimal  # redeemed (paid out)
    carried: Decimal  # left in the balance for next month
    amount: Decimal  # yuan, to the cent


def redeem(balance: Decimal, terms: RedemptionTerms) -> Redeemed:
    """One agent's redemption from their month-end balance."""
    if balance <= 0:
        return Redeemed(balance, Decimal(0), balance, Decimal("0.00"))
    points = (balance * terms.share).to_integral_value(rounding=ROUND_FLOOR)
    return Redeemed(balance, points, balance - points, terms.money(points))
