"""Raw exports read through the shipped presets, each file laid out as its tool writes it.

The numbers in the assertions are read off the rows by hand (Shanghai is UTC+8, so a local
09:00 is stored as 01:00 UTC).
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from appraise.metrics.config import CenterConfig
from appraise.metrics.importer import import_folder
from appraise.metrics.mapping import ColumnMapping, preset_info, presets
from appraise.metrics.store import open_store
from appraise.problems import ProblemsError

SHANGHAI = CenterConfig()


def _import(folder: Path, mapping: str):  # type: ignore[no-untyped-def]
    conn = open_store()
    report = import_folder(
        conn, folder, config=SHANGHAI, mapping=ColumnMapping.parse(mapping, "mapping.yaml")
    )
    return conn, report


def _utc(conn, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return conn.execute(sql).fetchall()


def test_zendesk_ticket_csv(tmp_path: Path) -> None:
    (tmp_path / "export-2026-10-31-tickets.csv").write_text(
        "Summation column,Id,Requester,Assignee,Group,Subject,Status,Priority,Ticket type,"
        "Created at,Solved at,Due date,Reopens,First reply time in minutes\n"
        "1,101,王女士,Alice,Support,退货,solved,high,question,2026-10-05 09:00,"
        "2026-10-05 11:30,2026-10-06 09:00,0,12\n"
        "1,102,李先生,Bob,Support,发票,open,low,task,2026-10-05 10:00,,,2,\n",
        encoding="utf-8",
    )
    conn, report = _import(tmp_path, "preset: zendesk_tickets_csv\n")
    assert report.tables["tickets"].inserted == 2
    rows = _utc(
        conn,
        "SELECT ticket_id, agent_id, strftime(created_at, '%H:%M'), "
        "strftime(first_response_at, '%H:%M'), strftime(resolved_at, '%H:%M'), reopened "
        "FROM tickets ORDER BY 1",
    )
    # 09:00 + 12 minutes = 09:12 local = 01:12 UTC; 2 reopens is "reopened".
    assert rows == [
        ("101", "Alice", "01:00", "01:12", "03:30", False),
        ("102", "Bob", "02:00", None, None, True),
    ]


def test_zendesk_ticket_json_envelope_with_nested_metric_set(tmp_path: Path) -> None:
    document = {
        "tickets": [
            {
                "id": 7,
                "assignee_id": 900,
                "created_at": "2026-10-05T01:00:00Z",
                "type": "incident",
                "priority": "urgent",
                "due_at": None,
                "metric_set": {
                    "solved_at": "2026-10-05T05:00:00Z",
                    "reopens": 1,
                    "reply_time_in_minutes": {"calendar": 30, "business": 30},
                },
            }
        ],
        "next_page": None,
        "count": 1,
    }
    # Pretty-printed, as `curl | jq .` saves it.
    (tmp_path / "tickets.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    conn, _ = _import(tmp_path, "preset: zendesk_tickets_json\n")
    assert _utc(
        conn,
        "SELECT ticket_id, agent_id, strftime(first_response_at, '%H:%M'), "
        "strftime(resolved_at, '%H:%M'), reopened, category FROM tickets",
    ) == [("7", "900", "01:30", "05:00", True, "incident")]


def test_zendesk_talk_calls_get_an_answer_time_from_the_wait(tmp_path: Path) -> None:
    calls = {
        "calls": [
            {
                "id": 1,
                "agent_id": 5,
                "line": "400",
                "direction": "inbound",
                "created_at": "2026-10-05T01:00:00Z",
                "wait_time": 25,
                "hold_time": 10,
                "wrap_up_time": 30,
                "completion_status": "completed",
            },
            {
                "id": 2,
                "agent_id": None,
                "line": "400",
                "direction": "inbound",
                "created_at": "2026-10-05T01:10:00Z",
                "wait_time": 90,
                "hold_time": 0,
                "wrap_up_time": 0,
                "completion_status": "abandoned_in_queue",
            },
            {
                "id": 3,
                "agent_id": 5,
                "line": "400",
                "direction": "outbound",
                "created_at": "2026-10-05T01:20:00Z",
                "wait_time": 0,
                "hold_time": 0,
                "wrap_up_time": 0,
                "completion_status": "completed",
            },
        ]
    }
    (tmp_path / "calls.json").write_text(json.dumps(calls), encoding="utf-8")
    conn, report = _import(tmp_path, "preset: zendesk_talk\n")
    counts = report.tables["calls"]
    assert (counts.inserted, counts.skipped) == (2, {"skipped: direction = outbound": 1})
    assert _utc(
        conn,
        "SELECT call_id, strftime(answered_at, '%H:%M:%S'), abandoned, hold_seconds "
        "FROM calls ORDER BY 1",
    ) == [("1", "01:00:25", False, 10.0), ("2", "01:11:30", True, 0.0)]


def test_freshdesk_ticket_csv(tmp_path: Path) -> None:
    (tmp_path / "freshdesk_tickets.csv").write_text(
        "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,"
        "Resolved time,Closed time,Initial response time\n"
        "5,Refund,Closed,Medium,Email,Refund,Carol,Billing,2026-10-05 09:00:00,"
        "2026-10-06 09:00:00,2026-10-05 17:00:00,2026-10-05 17:00:00,2026-10-05 09:45:00\n",
        encoding="utf-8",
    )
    conn, _ = _import(tmp_path, "preset: freshdesk_tickets\n")
    assert _utc(
        conn,
        "SELECT agent_id, strftime(first_response_at, '%H:%M'), strftime(sla_due_at, '%d %H') "
        "FROM tickets",
    ) == [("Carol", "01:45", "06 01")]


def test_zammad_xlsx_with_title_header_on_row_3_and_footer(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Tickets: Created (2026-10-01 - 2026-10-31)"
    header = [
        "Number",
        "Title",
        "State",
        "Priority",
        "Group",
        "Owner",
        "Customer",
        "Created At",
        "First Response At",
        "Close At",
    ]
    for i, name in enumerate(header, start=1):
        sheet.cell(row=3, column=i, value=name)
    sheet.append(
        [
            "31001",
            "Login",
            "closed",
            "2 normal",
            "Users",
            "Dana",
            "x@y",
            "2026-10-05 09:00",
            "2026-10-05 09:05",
            "2026-10-05 10:00",
        ]
    )
    sheet.append(
        ["31002", "Bill", "open", "3 high", "Users", "Dana", "x@y", "2026-10-06 09:00", "-", "-"]
    )
    sheet.append([])
    sheet.append(["Generated by Zammad at 2026-11-01 08:00"])
    book.save(tmp_path / "tickets_report.xlsx")
    conn, report = _import(tmp_path, "preset: zammad_tickets\n")
    counts = report.tables["tickets"]
    assert counts.inserted == 2
    assert counts.skipped == {"title": 1, "footer": 1}
    assert _utc(
        conn, "SELECT ticket_id, strftime(first_response_at, '%H:%M') FROM tickets ORDER BY 1"
    ) == [("31001", "01:05"), ("31002", None)]


def test_servicenow_states_keep_the_last_and_reopen_count_is_reopened(tmp_path: Path) -> None:
    (tmp_path / "incident_event_log.csv").write_text(
        "number,incident_state,assigned_to,opened_at,resolved_at,reopen_count,category,priority\n"
        "INC1,New,?,5/10/2026 09:00,?,0,Category 1,3 - Moderate\n"
        "INC1,Resolved,Resolver 7,5/10/2026 09:00,5/10/2026 12:00,0,Category 1,3 - Moderate\n"
        "INC2,Resolved,Resolver 8,6/10/2026 09:00,6/10/2026 10:00,2,Category 2,2 - High\n",
        encoding="utf-8",
    )
    conn, report = _import(tmp_path, "preset: servicenow_incidents\n")
    assert report.tables["tickets"].superseded == 1
    assert _utc(conn, "SELECT ticket_id, agent_id, reopened FROM tickets ORDER BY 1") == [
        ("INC1", "Resolver 7", False),
        ("INC2", "Resolver 8", True),
    ]


def test_tmall_orders_paid_from_payment_time_refunded_from_amount(tmp_path: Path) -> None:
    text = (
        "订单编号,买家会员名,接待客服,订单创建时间,订单付款时间,买家实际支付金额,退款金额,订单状态\n"
        'T1,buyer1,小王,2026-10-05 09:00:00,2026-10-05 09:02:00,"￥1,288.00",0.00,交易成功\n'
        "T2,buyer2,小王,2026-10-05 10:00:00,,88.50元,,交易关闭\n"
        "T3,buyer3,小李,2026年10月6日 9:07,2026年10月6日 9:08,￥66,66.00,退款成功\n"
    )
    (tmp_path / "订单报表.csv").write_bytes(text.encode("gbk"))
    conn, _ = _import(tmp_path, "preset: tmall_orders\n")
    assert _utc(
        conn,
        "SELECT order_id, CAST(amount AS VARCHAR), paid, refunded, "
        "strftime(created_at, '%m-%d %H:%M') FROM orders ORDER BY 1",
    ) == [
        ("T1", "1288.00", True, False, "10-05 01:00"),
        ("T2", "88.50", False, False, "10-05 02:00"),
        ("T3", "66.00", True, True, "10-06 01:07"),
    ]


def test_asr_sentences_turn_millisecond_offsets_into_times_and_one_call_per_recording(
    tmp_path: Path,
) -> None:
    # Two recordings, one row per sentence; 开始时间/结束时间 are ms from 通话开始时间 (local).
    (tmp_path / "通话转写_20261005.csv").write_text(
        "录音编号,通话开始时间,坐席工号,角色,开始时间,结束时间,文本\n"
        "R1,2026-10-05 09:00:00,A01,客服,0,2500,您好，请讲。\n"
        "R1,2026-10-05 09:00:00,A01,客户,2250,61500,我 要 退 订 套餐。\n"
        "R2,2026-10-05 09:30:00,A02,坐席,1000,1999,喂？\n",
        encoding="utf-8",
    )
    conn, report = _import(tmp_path, "preset: asr_sentences\n")
    # R1's second row repeats its call: kept once.
    assert (report.tables["conversations"].inserted, report.tables["conversations"].superseded) == (
        2,
        1,
    )
    assert _utc(
        conn,
        "SELECT conversation_id, channel, agent_id, strftime(started_at, '%H:%M') "
        "FROM conversations ORDER BY 1",
    ) == [("R1", "phone", "A01", "01:00"), ("R2", "phone", "A02", "01:30")]
    # 09:00 + 2250 ms = 01:00:02.250 UTC; + 61500 ms = 01:01:01.500; 坐席 is the agent.
    assert _utc(
        conn,
        "SELECT conversation_id, sender, strftime(sent_at, '%H:%M:%S.%g'), "
        "strftime(ended_at, '%H:%M:%S.%g') FROM messages ORDER BY 1, sent_at",
    ) == [
        ("R1", "agent", "01:00:00.000", "01:00:02.500"),
        ("R1", "customer", "01:00:02.250", "01:01:01.500"),
        ("R2", "agent", "01:30:01.000", "01:30:01.999"),
    ]


def test_an_unknown_preset_names_the_shipped_ones(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as caught:
        ColumnMapping.parse("preset: zendesk\n", "mapping.yaml")
    (problem,) = caught.value.errors
    assert problem.code == "mapping_unknown_preset"
    assert problem.line == 1
    assert "zendesk_tickets_csv" in problem.message


@pytest.mark.parametrize("name", sorted(presets()))
def test_every_preset_loads_and_has_its_titles(name: str) -> None:
    mapping = ColumnMapping.parse(f"preset: {name}\n", "mapping.yaml")
    assert mapping.tables or mapping.reports
    title, description = preset_info(name)
    title_en, description_en = preset_info(name, "en")
    assert title and description and title_en and description_en
