"""The quality benchmark's pure parts, without a store: data sets, their truth keys, the reference matcher."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.datasets import accepted_records, febrl, generated
from bench.quality import measured, reject_reasons
from bench.reference import link
from loaders import customers
from loaders.readers import read_rows
from loaders.rejects import RejectLog
from loaders.run import plan
from loaders.validation import validate
from resolution.quality import pairwise_quality


def test_febrl3_is_5000_records_of_2000_people() -> None:
    data = febrl("febrl3")
    assert (len(data.truth), len(set(data.truth.values()))) == (5000, 2000)
    assert pairwise_quality(data.truth, data.truth).true_pairs == 6538
    assert data.truth["febrl3:rec-1496-org"] == "1496"
    assert data.link_type == "dedupe_only"


def test_febrl4_holds_each_person_once_in_each_file() -> None:
    data = febrl("febrl4")
    assert [(s.name, len(s.records)) for s in data.sources] == [("febrl4a", 5000), ("febrl4b", 5000)]
    assert len(set(data.truth.values())) == 5000
    assert data.link_type == "link_only"


def test_febrl3_without_national_id_is_the_same_records() -> None:
    with_id, without = febrl("febrl3"), febrl("febrl3", national_id=False)
    assert without.truth == with_id.truth
    assert all("national_id" not in r for r in without.sources[0].records)
    assert all(r["national_id"] for r in with_id.sources[0].records)


def test_truth_keys_are_the_keys_c360_loads(tmp_path: Path) -> None:
    """The loader builds each record's source and source id, which ``c360 export clusters`` writes back."""
    written = febrl("febrl1").write(tmp_path / "febrl1")
    loaded = set()
    for path, mapping in plan([written.sources]):
        rejects = RejectLog(tmp_path / "rejects.jsonl")
        for accepted in validate(read_rows(path, mapping), mapping, customers.KIND.model, path, rejects):
            props = customers.transform(accepted, mapping)["props"]
            loaded.add(f"{props['source']}:{props['source_id']}")
        assert rejects.records == 0
    assert loaded == set(written.truth)
    records = accepted_records(written.sources, tmp_path / "reference-rejects")
    assert {r["key"] for r in records["febrl1"]} == loaded
    assert records["febrl1"][0]["birth_date"].count("-") == 2  # YYYYMMDD read as a date, given as ISO


def test_generated_set_is_the_customer_sources_and_their_truth(tmp_path: Path) -> None:
    written = generated(tmp_path, customers=60, seed=7)
    assert sorted(p.suffix for p in written.sources.iterdir()).count(".toml") == 3
    keys = {r["key"] for rows in accepted_records(written.sources, tmp_path / "rejects").values() for r in rows}
    assert keys <= set(written.truth)
    assert written.link_type == "link_and_dedupe"
    assert written.people <= 60


def test_splink_reference_on_febrl1(tmp_path: Path) -> None:
    """Measured 2026-12-02: F1 0.994 at 0.5 and 0.992 at 0.9 (1 000 records, 500 true pairs)."""
    written = febrl("febrl1").write(tmp_path)
    run = link(accepted_records(written.sources, tmp_path / "rejects"), written.link_type)
    for threshold in (0.5, 0.9):
        assert pairwise_quality(run.clusters[threshold], written.truth).f1 >= 0.98


def test_measured_child_reports_its_own_peak(tmp_path: Path) -> None:
    small = measured([sys.executable, "-c", "print('ok')"], {}, tmp_path)
    big = measured([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"], {},
                   tmp_path)
    assert small.stdout == "ok\n"
    assert big.peak_mib > small.peak_mib + 150
    with pytest.raises(RuntimeError, match="exited with 3"):
        measured([sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path)


def test_reject_reasons_are_counted(tmp_path: Path) -> None:
    log = RejectLog(tmp_path / "run.jsonl")
    for value in ("19551192", "19450493"):
        log.drop_value(Path("f.csv"), 2, "birth_date", value, "not a date in format %Y%m%d")
    log.close()
    counts, examples = reject_reasons(tmp_path)
    reason = ("value_dropped", "birth_date", "not a date in format %Y%m%d")
    assert counts == {reason: 2}
    assert examples[reason] == "19551192"
