"""Three days of seed 003's meal-booking center (s003-points), shared by the core and web tests.

2026-05-31 (a Sunday, closing ISO week 2026-W22 and May) is the scheme's own example
(schemes/seeds/examples/s003-points); 05-29 and 05-30 are added here with daily figures only.
The hand-worked points of every day are in the tests that use them.
"""

from __future__ import annotations

METRIC_VALUES = """agent_id,period,订餐成功总量,协议饭店预订成功量,订餐成功率,本周订餐成功总量,本周协议饭店预订成功量,本月订餐成功率,当月部门接通率
A001,2026-05-29,40,12,80%,,,,
A002,2026-05-29,35,6,70%,,,,
A003,2026-05-29,45,15,40%,,,,
A004,2026-05-29,28,10,60%,,,,
A006,2026-05-29,20,3,55%,,,,
,2026-05-29,,,,,,,96%
A001,2026-05-30,30,6,75%,,,,
A002,2026-05-30,38,9,80%,,,,
A003,2026-05-30,33,9,60%,,,,
A004,2026-05-30,25,4,70%,,,,
A006,2026-05-30,25,2,65%,,,,
,2026-05-30,,,,,,,94%
A001,2026-05-31,42,10,80%,250,60,82%,
A002,2026-05-31,30,15,75%,180,80,78%,
A003,2026-05-31,38,15,70%,240,70,82%,
A004,2026-05-31,45,20,45%,260,50,55%,
A005,2026-05-31,,,,100,85,70%,
A006,2026-05-31,20,5,60%,150,30,60%,
,2026-05-31,,,,,,,96%
"""

INCIDENTS = """agent_id,date,kind,count,points,amount,note
A003,2026-05-29,录音抽查不符合客服规范,1,,,
A004,2026-05-30,服务态度造成投诉,1,,,
A001,2026-05-31,录音抽查不符合客服规范,1,,,
A002,2026-05-31,短信出错造成用户投诉,2,,,两条短信地址错误
A004,2026-05-31,记录作弊,1,,,虚报订餐
A004,2026-05-31,录音抽查不符合客服规范,2,,,
A006,2026-05-31,服务态度造成投诉,1,,,
"""

AGENTS = [
    ("A001", "马丽"),
    ("A002", "高峰"),
    ("A003", "罗敏"),
    ("A004", "梁超"),
    ("A005", "宋佳"),
    ("A006", "唐宁"),
]


def files(*, incidents: str = INCIDENTS) -> dict[str, bytes]:
    """The input tables as uploaded files (no agents table: the organisation names the agents)."""
    return {
        "metric_values.csv": METRIC_VALUES.encode("utf-8"),
        "incidents.csv": incidents.encode("utf-8"),
    }


def agents_csv() -> bytes:
    lines = ["agent_id,name,team", *(f"{a},{n},订餐组" for a, n in AGENTS)]
    return ("\n".join(lines) + "\n").encode("utf-8")
