"""The record models read a source's declared formats from the validation context; order lines stay JSON.

Pure: the models are validated as ``loaders.validation`` does it, with the context a mapping gives.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from loaders.records import CustomerRecord, TransactionRecord

SALE = {"source_id": "t1", "at": "2024-07-05T09:30:00+02:00", "amount": "12.50", "currency": "EUR"}


def test_a_phone_is_read_in_the_record_country_before_the_source_region() -> None:
    belgian = {"source_id": "1", "country": "BE", "phone": "0470 12 34 56"}
    assert CustomerRecord.model_validate(belgian, context={"region": "FR"}).phone == "+32470123456"
    assert CustomerRecord.model_validate({**belgian, "country": None}, context={"region": "FR"}).phone == \
        "+33470123456"
    assert CustomerRecord.model_validate({"source_id": "1", "phone": "0470 12 34 56"}, context={"region": "BE"}).phone \
        == "+32470123456"


def test_a_postcode_follows_the_record_country() -> None:
    assert CustomerRecord.model_validate({"source_id": "1", "country": "NL", "postcode": "1234ab"}).postcode == \
        "1234 AB"
    assert CustomerRecord.model_validate({"source_id": "1", "postcode": "1234ab"}).postcode == "1234AB"


def test_no_context_means_iso_formats() -> None:
    record = CustomerRecord.model_validate({"source_id": "1", "birth_date": "1980-12-31", "phone": "+33612345678"})
    assert (record.birth_date, record.phone) == (date(1980, 12, 31), "+33612345678")


def test_dates_times_and_amounts_in_the_source_formats() -> None:
    context = {"date_format": "%d/%m/%Y", "timestamp_format": "%d/%m/%Y %H:%M", "timezone": "Europe/Paris",
               "decimal_separator": ","}
    born = CustomerRecord.model_validate({"source_id": "1", "birth_date": "31/12/1980"}, context=context)
    assert born.birth_date == date(1980, 12, 31)
    sale = TransactionRecord.model_validate({**SALE, "at": "05/07/2024 09:30", "amount": "1.234,50"},
                                            context=context)
    assert sale.at.isoformat() == "2024-07-05T09:30:00+02:00" and sale.amount == Decimal("1234.50")


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        TransactionRecord.model_validate({**SALE, "amount": "-1"})


def test_order_lines_are_kept_as_sorted_json_text() -> None:
    text = '[{"sku": "A1", "qty": 2, "name": "Thé vert"}]'
    lines = TransactionRecord.model_validate({**SALE, "lines": text}).lines
    assert lines == '[{"name": "Thé vert", "qty": 2, "sku": "A1"}]'
    assert TransactionRecord.model_validate({**SALE, "lines": json.loads(text)}).lines == lines  # JSON lines give lists
    assert TransactionRecord.model_validate({**SALE, "lines": []}).lines == "[]"


@pytest.mark.parametrize(("lines", "reason"), [
    ('{"sku": "A1"}', "order lines must be a JSON array of objects"),
    ("[1, 2]", "order lines must be a JSON array of objects"),
    ([{"sku": "A1"}, "B2"], "order lines must be a JSON array of objects"),
    ('[{"sku": "\\ud800"}]', "order lines: not valid text (lone surrogate)"),
    ("[" * 100_000 + "]" * 100_000, "order lines nested too deeply"),
])
def test_order_lines_refused_with_their_reason(lines: object, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        TransactionRecord.model_validate({**SALE, "lines": lines})
    assert [error["msg"] for error in refused.value.errors()] == [f"Value error, {reason}"]


def test_order_lines_too_deep_to_write_back_are_refused() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValidationError) as refused:
        TransactionRecord.model_validate({**SALE, "lines": [{"parts": deep}]})
    assert [error["msg"] for error in refused.value.errors()] == ["Value error, order lines nested too deeply"]
