"""Column mappings: other tools' exports load as they are, without editing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from appraise.metrics.config import CenterConfig
from appraise.metrics.importer import import_folder
from appraise.metrics.mapping import ColumnMapping
from appraise.metrics.store import open_data, open_store
from appraise.problems import ProblemsError

SHANGHAI = CenterConfig()


def _mapping(tmp_path: Path, text: str) -> ColumnMapping:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return ColumnMapping.load(path)


TICKET_MAPPING = """
tables:
  tickets:
    file: 工单导出.csv
    encoding: gbk
    null_values: ["?", "无"]
    columns:
      ticket_id: 工单编号
      agent_id: 处理人
      created_at: {source: 创建时间, format: "%d/%m/%Y %H:%M"}
      first_response_at: {source: 首次响应时间, format: "%d/%m/%Y %H:%M"}
      resolved_at: {source: 解决时间, format: "%d/%m/%Y %H:%M"}
      reopened: {source: 是否重开, values: {重开: true, 未重开: false}}
      priority: 优先级
"""


def test_a_chinese_headed_gbk_export_with_day_first_times_loads_unedited(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    export = (
        "工单编号,处理人,创建时间,首次响应时间,解决时间,是否重开,优先级,备注\n"
        "T1,张三,5/10/2026 09:00,5/10/2026 09:20,6/10/2026 18:00,未重开,高,\n"
        "T2,李四,29/2/2024 23:30,?,无,重开,低,客户来电\n"
    )
    (data / "工单导出.csv").write_bytes(export.encode("gbk"))
    conn = open_store()
    report = import_folder(conn, data, config=SHANGHAI, mapping=_mapping(tmp_path, TICKET_MAPPING))
    assert report.tables["tickets"].inserted == 2
    # Day-first: 5/10/2026 is 5 October. Shanghai is UTC+8, so 09:00 is 01:00 UTC and
    # 29 Feb 2024 23:30 local is 15:30 UTC the same day.
    rows = conn.execute(
        "SELECT ticket_id, agent_id, strftime(created_at, '%Y-%m-%d %H:%M'), "
        "strftime(first_response_at, '%H:%M'), strftime(resolved_at, '%Y-%m-%d %H:%M'), "
        "reopened, priority FROM tickets ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("T1", "张三", "2026-10-05 01:00", "01:20", "2026-10-06 10:00", False, "高"),
        ("T2", "李四", "2024-02-29 15:30", None, None, True, "低"),
    ]
    # The unmapped 备注 column is a warning, the file is not; so are the columns the export
    # lacks that metrics read (sla_due_at for ticket_sla_compliance).
    assert [w.code for w in report.warnings if w.code != "column_empty"] == ["columns_ignored"]
    assert "sla_due_at" in {w.field for w in report.warnings if w.code == "column_empty"}
    assert "备注" in report.warnings[0].message


def test_a_headerless_tab_separated_chat_log_without_quoting_maps_by_position(
    tmp_path: Path,
) -> None:
    # Like the JDDC export: session, user, 1 = agent / 0 = customer, ..., text; no times.
    data = tmp_path / "data"
    data.mkdir()
    (data / "chat.txt").write_text(
        's1\tu1\t0\t0\t你好，"在吗\ns1\tu1\t1\t0\t在的\ns1\tu1\t0\t0\t谢谢\n',
        encoding="utf-8",
    )
    mapping = _mapping(
        tmp_path,
        """
tables:
  messages:
    file: chat.txt
    format: csv
    delimiter: "\\t"
    quote: ""
    header: false
    columns:
      conversation_id: 1
      sender: {source: 3, values: {1: agent, 0: customer}}
      text: 5
      sent_at: {constant: "2019-01-01 00:00"}
""",
    )
    conn = open_store()
    import_folder(conn, data, config=SHANGHAI, mapping=mapping)
    rows = conn.execute("SELECT seq, sender, text FROM messages ORDER BY seq").fetchall()
    assert rows == [(1, "customer", '你好，"在吗'), (2, "agent", "在的"), (3, "customer", "谢谢")]


def test_an_event_log_keeps_the_last_row_per_key_when_asked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        "ticket_id,created_at,state\n"
        "T1,2026-10-05 09:00,New\n"
        "T1,2026-10-05 09:00,Resolved\n"
        "T2,2026-10-05 10:00,New\n",
        encoding="utf-8",
    )
    mapping = _mapping(
        tmp_path,
        "tables:\n  tickets:\n    on_duplicate: last\n    columns:\n      category: state\n",
    )
    conn = open_store()
    counts = import_folder(conn, data, config=SHANGHAI, mapping=mapping).tables["tickets"]
    # 3 rows read, the first T1 row is superseded by the second.
    assert (counts.read, counts.inserted, counts.superseded) == (3, 2, 1)
    assert conn.execute("SELECT ticket_id, category FROM tickets ORDER BY 1").fetchall() == [
        ("T1", "Resolved"),
        ("T2", "New"),
    ]


def test_value_maps_translate_chinese_ratings_before_the_check(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "说明"
    sheet.append(["这一页不是数据"])
    reviews = book.create_sheet("评价")
    reviews.append(["评价编号", "评价时间", "评价等级", "金额"])
    reviews.append(["R1", dt.datetime(2026, 10, 5, 9), "好评", 12.5])
    reviews.append(["R2", dt.datetime(2026, 10, 5, 10), "差评", 3])
    reviews.append(["R3", dt.datetime(2026, 10, 5, 11), "追评", 3])
    book.save(data / "评价.xlsx")
    mapping = _mapping(
        tmp_path,
        """
tables:
  reviews:
    file: 评价.xlsx
    sheet: 评价
    columns:
      review_id: 评价编号
      created_at: 评价时间
      rating: {source: 评价等级, values: {好评: good, 中评: medium, 差评: bad}}
""",
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), data, config=SHANGHAI, mapping=mapping)
    # 追评 has no translation: reported at its spreadsheet row (header 1, R1 2, R2 3, R3 4)
    # under the export's own column name.
    (problem,) = caught.value.errors
    assert (problem.row, problem.field) == (4, "评价等级")
    assert "'追评' is not one of good | medium | bad" in problem.message


def test_mapping_names_that_are_not_canonical_are_errors_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "tables:\n  chats: {}\n  tickets:\n    columns:\n      ticket_no: 编号\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as caught:
        ColumnMapping.load(path)
    assert sorted(p.code for p in caught.value.errors) == [
        "mapping_unknown_column",
        "mapping_unknown_table",
    ]
    assert all(p.file == str(path) for p in caught.value.errors)


def test_a_mapped_source_column_that_the_file_lacks_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "orders.csv").write_text("单号,时间,金额\nO1,2026-10-05,9.90\n", encoding="utf-8")
    mapping = _mapping(
        tmp_path,
        "tables:\n  orders:\n    columns: {order_id: 订单号, created_at: 时间, amount: 金额}\n",
    )
    with pytest.raises(ProblemsError) as caught:
        import_folder(open_store(), data, config=SHANGHAI, mapping=mapping)
    (problem,) = caught.value.errors
    assert (problem.code, problem.field) == ("column_missing", "订单号")


def test_open_data_on_a_folder_uses_its_mapping_file(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("单号,时间,金额\nO1,2026-10-05,9.90\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(
        "tables:\n  orders:\n    columns: {order_id: 单号, created_at: 时间, amount: 金额}\n",
        encoding="utf-8",
    )
    conn = open_data(tmp_path)
    assert conn.execute("SELECT order_id, amount FROM orders").fetchall() == [
        ("O1", Decimal("9.90"))
    ]
