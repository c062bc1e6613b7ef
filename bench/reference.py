"""The reference matcher: Splink 5 on DuckDB, set up as its documentation shows, with its default comparisons.

It is what a competent user would run on the same people without c360: Splink's comparison library on the
columns the data has, blocking rules made with ``block_on``, the prior from deterministic rules, u from
random sampling, m by EM on two blocking rules, then clusters at two thresholds. It reads the records c360
accepted, with c360's normalised values (dates in ISO, phones in E.164), so the two sides differ in
matching only. Run as a child process by ``bench.quality`` so that its peak memory is its own:

    .venv/bin/python -m bench.reference SOURCES_DIR --link-type dedupe_only --out DIR
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from bench.datasets import LinkType, accepted_records

THRESHOLDS = (0.5, 0.9)
#: the columns Splink compares, as a user would prepare them from c360's canonical fields
COLUMNS = ("first_name", "last_name", "birth_date", "postcode", "address", "city", "national_id", "email",
           "phone", "customer_number", "loyalty_card")
IDENTIFIERS = ("email", "phone", "national_id", "customer_number", "loyalty_card")
#: pairs of columns to block on for predictions; every identifier blocks on its own too
BLOCKING_PAIRS = (("first_name", "last_name"), ("last_name", "birth_date"), ("first_name", "birth_date"),
                  ("postcode", "birth_date"), ("postcode", "last_name"))
DETERMINISTIC_RECALL = 0.7  # the documentation's example value: exact rules miss the records with typos
U_PAIRS = 1e7
U_SEED = 42  # reproducible u estimates, at some cost in time


@dataclass(frozen=True)
class ReferenceRun:
    """Clusters (record key → cluster id) at each threshold, and the seconds Splink took from input to clusters."""

    clusters: dict[float, dict[str, str]]
    seconds: float
    pairs_scored: int


def splink_row(record: dict[str, str]) -> dict[str, str | None]:
    """A record as the input table holds it: names, address and town lower-cased (the usual cleaning step),
    house number and street joined into one address column, missing values null."""
    address = " ".join(filter(None, (record.get("house_number"), record.get("street")))).lower()
    row: dict[str, str | None] = {"unique_id": record["key"]}
    for column in COLUMNS:
        value = address if column == "address" else record.get(column)
        if value and column in ("first_name", "last_name", "city"):
            value = value.lower()
        row[column] = value or None
    return row


def comparisons(present: set[str]) -> list[ComparisonCreator]:
    """Splink's default comparison for each column the data has.

    Postcodes are compared exactly: ``PostcodeComparison`` reads the structure of UK postcodes, and these
    are French, Belgian, Dutch or Australian.
    """
    chosen: dict[str, ComparisonCreator] = {
        "first_name": cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        "last_name": cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
        "birth_date": cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d"),
        "postcode": cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        "address": cl.LevenshteinAtThresholds("address", [1, 2]),
        "city": cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        "national_id": cl.LevenshteinAtThresholds("national_id", [1, 2]),
        "email": cl.EmailComparison("email"),
        "phone": cl.ExactMatch("phone"),
        "customer_number": cl.ExactMatch("customer_number"),
        "loyalty_card": cl.ExactMatch("loyalty_card"),
    }
    return [comparison for column, comparison in chosen.items() if column in present]


def blocking_rules(present: set[str]) -> list[BlockingRuleCreator]:
    pairs = [block_on(*pair) for pair in BLOCKING_PAIRS if set(pair) <= present]
    return pairs + [block_on(column) for column in IDENTIFIERS if column in present]


def deterministic_rules(present: set[str]) -> list[str | BlockingRuleCreator]:
    """Rules that admit almost no false match, for the prior: a national id, or both names and the birth date."""
    rules: list[str | BlockingRuleCreator] = [block_on("national_id")] if "national_id" in present else []
    if {"first_name", "last_name", "birth_date"} <= present:
        rules.append(block_on("first_name", "last_name", "birth_date"))
    return rules


def training_rules(present: set[str]) -> list[BlockingRuleCreator]:
    """Two EM passes: one blocked on names (estimates the rest), one on the birth date (estimates the names)."""
    second = "birth_date" if "birth_date" in present else "postcode"
    return [block_on("first_name", "last_name"), block_on(second)]


def link(records: dict[str, list[dict[str, str]]], link_type: LinkType,
         thresholds: Sequence[float] = THRESHOLDS) -> ReferenceRun:
    """Train and run Splink on ``records`` (per source); one input table per source unless deduplicating one."""
    started = time.perf_counter()
    rows = {source: [splink_row(r) for r in source_records] for source, source_records in records.items()}
    present = {column for source_rows in rows.values() for row in source_rows for column in COLUMNS if row[column]}
    tables = list(rows.values()) if link_type != "dedupe_only" else [[r for rs in rows.values() for r in rs]]
    db_api = DuckDBAPI()
    inputs = [db_api.register(_columns(table, present), dataset_display_name=f"source_{i}")
              for i, table in enumerate(tables)]
    settings = SettingsCreator(link_type=link_type, comparisons=list(comparisons(present)),
                               blocking_rules_to_generate_predictions=list(blocking_rules(present)),
                               retain_intermediate_calculation_columns=False, retain_matching_columns=False)
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic_rules(present),
                                                                  recall=DETERMINISTIC_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=U_SEED)
    for rule in training_rules(present):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    clusters = {}
    for threshold in thresholds:
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=threshold).as_dict()
        clusters[threshold] = dict(zip(map(str, clustered["unique_id"]), map(str, clustered["cluster_id"]),
                                       strict=True))
    pairs = int(predictions.as_duckdbpyrelation().shape[0])
    return ReferenceRun(clusters, time.perf_counter() - started, pairs)


def _columns(rows: list[dict[str, str | None]], present: set[str]) -> dict[str, list[str | None]]:
    """The input table as columns; a column no record fills is left out, as a user would leave it out."""
    return {c: [row[c] for row in rows] for c in ("unique_id", *COLUMNS) if c == "unique_id" or c in present}


def write_clusters(path: Path, clusters: dict[str, str]) -> None:
    """``source,source_id,cluster_id``: the shape ``c360 export clusters`` writes, read back by one function."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("source", "source_id", "cluster_id"))
        writer.writerows((*key.split(":", 1), cluster) for key, cluster in sorted(clusters.items()))


def clusters_file(directory: Path, threshold: float) -> Path:
    return directory / f"splink-{threshold}.csv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sources", type=Path, help="a directory c360 loads: mappings and data files")
    parser.add_argument("--link-type", required=True, choices=("dedupe_only", "link_only", "link_and_dedupe"))
    parser.add_argument("--out", type=Path, required=True, help="directory for the clusters files")
    args = parser.parse_args()
    started = time.perf_counter()
    records = accepted_records(args.sources, args.out / "rejects")
    read = time.perf_counter() - started
    run = link(records, args.link_type)
    args.out.mkdir(parents=True, exist_ok=True)
    for threshold, clusters in run.clusters.items():
        write_clusters(clusters_file(args.out, threshold), clusters)
    summary: dict[str, Any] = {"records": sum(map(len, records.values())), "read_seconds": read,
                               "seconds": run.seconds, "pairs_scored": run.pairs_scored}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
