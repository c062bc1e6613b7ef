"""Validation of every kind and the rows the loads write: each refusal with its line, field, value and reason.

Pure, as in ``test_loaders.py``: rows in memory (``memory_rows``) or small files, a real reject log, no store.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.mapping import SourceMapping, read_mapping
from loaders.readers import memory_rows, read_rows
from loaders.records import ConsentRecord, CustomerRecord, SourceModel, TransactionRecord
from loaders.rejects import RejectLog
from loaders.validation import Accepted, node_row, validate

SHOP = '[source]\nname = "shop"\nkind = "{kind}"\n{id}{extra}[columns]\n{columns}'


def _mapping(tmp_path: Path, kind: str, columns: dict[str, str], id_column: str | None = "id",
             extra: str = "") -> SourceMapping:
    path = tmp_path / "shop.toml"
    path.write_text(SHOP.format(kind=kind, id=f'id = "{id_column}"\n' if id_column else "", extra=extra,
                                columns="".join(f'{k} = "{v}"\n' for k, v in columns.items())), encoding="utf-8")
    return read_mapping(path)


def _validate(tmp_path: Path, rows: list[Any], mapping: SourceMapping, model: type[SourceModel],
              unit: str = "row") -> tuple[list[Accepted], list[dict[str, Any]]]:
    rejects = RejectLog(tmp_path / "rejects.jsonl")
    accepted = list(validate(memory_rows(rows, mapping), mapping, model, Path("batch"), rejects, unit))
    rejects.close()
    path = rejects.path
    return accepted, [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _entry(line: int, field: str | None, value: Any, reason: str, action: str) -> dict[str, Any]:
    return {"file": "batch", "line": line, "field": field, "value": value, "reason": reason, "action": action}


def test_unknown_columns_kept_when_a_property_can_hold_them(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email"})
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    row = {"id": "1", " Loyalty-Tier! ": "gold", "tags": ["é", 1], "big": 2**63, "top": 2**63 - 1, "low": -(2**63),
           "below": -(2**63) - 1, "inf": float("inf"), "nan": float("nan"), "odd": "\ud800", "deep": deep,
           "when": datetime(2024, 1, 1, tzinfo=UTC), "yes": True, "ratio": 0.5}
    accepted, rejects = _validate(tmp_path, [row], mapping, CustomerRecord)
    assert accepted[0].attributes == {"attr_loyalty_tier": "gold", "attr_tags": '["é", 1]', "attr_top": 2**63 - 1,
                                      "attr_low": -(2**63), "attr_when": datetime(2024, 1, 1, tzinfo=UTC),
                                      "attr_yes": True, "attr_ratio": 0.5}
    dropped = {entry["field"]: (entry["line"], entry["reason"], entry["action"]) for entry in rejects}
    assert dropped == {"attr_big": (0, "an integer beyond 64 bits", "value_dropped"),
                       "attr_below": (0, "an integer beyond 64 bits", "value_dropped"),
                       "attr_inf": (0, "not a finite number", "value_dropped"),
                       "attr_nan": (0, "not a finite number", "value_dropped"),
                       "attr_odd": (0, "not valid text (lone surrogate)", "value_dropped"),
                       "attr_deep": (0, "nested too deeply", "value_dropped")}
    assert [e["value"] for e in rejects if e["field"] == "attr_big"] == [2**63]
    assert all(e["file"] == "batch" for e in rejects)


def test_a_bad_value_is_dropped_with_its_reason_and_the_record_kept(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email", "birth_date": "born"},
                       extra='date_format = "%d/%m/%Y"\n')
    accepted, rejects = _validate(tmp_path, [{"id": "1", "email": "nope", "born": "31/12/1980"}], mapping,
                                  CustomerRecord)
    record = accepted[0].record
    assert isinstance(record, CustomerRecord) and record.email is None and str(record.birth_date) == "1980-12-31"
    assert len(rejects) == 1 and rejects[0]["reason"].startswith("not an email address: ")
    assert {k: v for k, v in rejects[0].items() if k != "reason"} == {
        "file": "batch", "line": 0, "field": "email", "value": "nope", "action": "value_dropped"}


def test_a_required_field_rejects_the_record_with_its_value(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "transactions", {"at": "at", "amount": "amount", "currency": "currency"})
    rows = [{"id": "t1", "amount": "1", "currency": "EUR"}, {"id": "t2", "at": "yesterday", "amount": "1",
                                                              "currency": "EUR"}]
    accepted, rejects = _validate(tmp_path, rows, mapping, TransactionRecord)
    assert accepted == []
    assert rejects == [_entry(0, "at", None, "at: required", "record_rejected"),
                       _entry(1, "at", "yesterday", "at: not a timestamp in format ISO 8601", "record_rejected")]


def test_a_rule_on_the_whole_record_rejects_it_after_its_bad_values_are_dropped(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "consents", {"at": "at", "purpose": "purpose", "granted": "granted",
                                              "email": "email"})
    row = {"id": "c1", "at": "2024-01-01T00:00:00+00:00", "purpose": "marketing", "granted": "yes", "email": "x"}
    accepted, rejects = _validate(tmp_path, [row], mapping, ConsentRecord)
    assert accepted == [] and [(e["field"], e["action"]) for e in rejects] == [
        ("email", "value_dropped"), (None, "record_rejected")]
    assert rejects[1] == _entry(0, None, None, "record: a consent needs an email, phone or customer number",
                                "record_rejected")


def test_duplicates_name_the_first_row_and_the_rows_after_them_go_on(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email"})
    rows = [{"id": "1", "email": "a@x.fr"}, {"id": "1", "email": "b@x.fr"}, {"id": "2", "email": "c@x.fr"}]
    accepted, rejects = _validate(tmp_path, rows, mapping, CustomerRecord)
    assert [(a.line, a.record.source_id) for a in accepted] == [(0, "1"), (2, "2")]
    assert rejects == [_entry(1, "source_id", "1", "duplicate source id; first seen at row 0", "record_rejected")]


def test_without_an_id_column_a_row_is_known_by_its_content(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email"}, id_column=None)
    rows = [{"email": "a@x.fr"}, {"email": "b@x.fr"}, {"email": "a@x.fr"}]
    accepted, rejects = _validate(tmp_path, rows, mapping, CustomerRecord, unit="line")
    ids = [a.record.source_id for a in accepted]
    assert len(ids) == 2 and ids[0] != ids[1] and all(len(i) == 20 and int(i, 16) >= 0 for i in ids)
    assert rejects == [_entry(2, "source_id", ids[0], "duplicate row (identical to an earlier one); first seen at "
                              "line 0", "record_rejected")]
    again, _ = _validate(tmp_path, [{"email": "a@x.fr"}], mapping, CustomerRecord)
    assert again[0].record.source_id == ids[0]  # the same content, the same id, whatever its position


def test_an_unreadable_row_is_rejected_with_its_reason(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email"})
    accepted, rejects = _validate(tmp_path, ["not an object", {"id": "1"}], mapping, CustomerRecord)
    assert [a.line for a in accepted] == [1]
    assert rejects == [_entry(0, None, None, "a row must be a JSON object", "record_rejected")]


def test_the_rows_written_for_a_record(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "transactions", {"at": "at", "amount": "amount", "currency": "currency",
                                                  "email": "email", "store": "store"})
    sale = {"id": "t1", "at": "2024-07-05T09:30:00+02:00", "amount": "12.50", "currency": "eur",
            "email": "A@x.fr", "store": "s 9", "note": "gift"}
    accepted, _ = _validate(tmp_path, [sale], mapping, TransactionRecord)
    row = node_row(accepted[0], mapping, "shop:t1", linked=("store",))
    assert row["key"] == "shop:t1" and row["hash"] == row["props"]["hash"] and len(row["hash"]) == 24
    props = {k: v for k, v in row["props"].items() if k != "hash"}
    assert props == {"source_id": "t1", "at": datetime.fromisoformat("2024-07-05T09:30:00+02:00"), "amount": 12.5,
                     "currency": "EUR", "email": "a@x.fr", "attr_note": "gift", "key": "shop:t1", "source": "shop",
                     "line": 0}
    assert type(props["amount"]) is float  # Bolt has no decimal
    assert row["identifiers"] == [{"key": "email:a@x.fr", "type": "email", "value": "a@x.fr"}]
    assert row["identifier_keys"] == ["email:a@x.fr"]
    reordered = Accepted(7, accepted[0].record, dict(reversed(list({**accepted[0].attributes, "z": 1}.items()))))
    same = Accepted(3, accepted[0].record, {**accepted[0].attributes, "z": 1})
    assert node_row(reordered, mapping, "shop:t1")["hash"] == node_row(same, mapping, "shop:t1")["hash"]
    assert node_row(same, mapping, "shop:t1")["hash"] != row["hash"]  # content, not the line, makes the hash


def test_files_validate_with_the_source_formats(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text('[source]\nname = "shop"\nkind = "customers"\nid = "id"\n'
                                        'date_format = "%d/%m/%Y"\n[columns]\nbirth_date = "born"\n')
    path = tmp_path / "shop.csv"
    path.write_text("id,born\n1,31/12/1980\n")
    mapping = read_mapping(tmp_path / "shop.toml")
    rejects = RejectLog(tmp_path / "rejects.jsonl")
    accepted = list(validate(read_rows(path, mapping), mapping, CustomerRecord, path, rejects))
    rejects.close()
    assert [(a.line, a.record.model_dump()["birth_date"].isoformat()) for a in accepted] == [(2, "1980-12-31")]


def test_rows_without_an_id_are_the_same_whatever_their_column_order(tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, "customers", {"email": "email"}, id_column=None)
    rows = [{"email": "a@x.fr", "when": datetime(2024, 1, 1, tzinfo=UTC)},
            {"when": datetime(2024, 1, 1, tzinfo=UTC), "email": "a@x.fr"}]
    accepted, rejects = _validate(tmp_path, rows, mapping, CustomerRecord)
    assert len(accepted) == 1 and [(e["line"], e["reason"]) for e in rejects] == [
        (1, "duplicate row (identical to an earlier one); first seen at row 0")]
