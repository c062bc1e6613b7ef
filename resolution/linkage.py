"""The pairwise matching engine: Splink's Fellegi-Sunter model (in-process DuckDB, or Spark), trained, kept, scored.

c360 hands it the person records as one table (``resolution.features``) and gets back the pairs whose match
probability reaches the threshold, each with every comparison's level and match weight, so an explanation
can show why (prior + the sum of the fields' weights = the pair's match weight). Training — the share of
matches from pairs the prior rules call certain, u from random pairs, m by EM within the training blocks —
gives a model (Splink's own JSON) that is stored with the run and reused until the rules change or a refit
is asked for. An incremental run scores only the pairs touching the changed records, with the same model
and term frequencies over all records, so it finds exactly what a full run finds for those records.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from splink import Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import SplinkException

from resolution import features
from resolution.comparisons import comparisons
from resolution.engines import Engine, duckdb
from resolution.features import COLUMNS, Row
from resolution.rules import MatchingRules

Table = dict[str, list[str | None]]
Model = dict[str, Any]
_QUIET = logging.ERROR  # Splink reports progress at INFO; c360 reports its own steps


@dataclass(frozen=True)
class Pair:
    """Two records the model scored at or above the threshold."""

    a: str
    b: str
    probability: float
    rule: str  # the blocking rule that found the pair: "matching:" and its columns joined by "+"
    #: per comparison: [level (Splink's gamma), match weight, term-frequency adjustment]; and the prior's weight
    weights: dict[str, Any]


def _blocking(rule: list[str]) -> BlockingRuleCreator:
    return block_on(*rule)


def settings(rules: MatchingRules) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons(rules.households == "apart")),
        blocking_rules_to_generate_predictions=[_blocking(rule) for rule in rules.blocking],
        probability_two_random_records_match=rules.prior, unique_id_column_name="unique_id",
        retain_matching_columns=True, retain_intermediate_calculation_columns=True)


def new_linker(table: Table, model: Model | SettingsCreator, engine: Engine = duckdb) -> Linker:
    return Linker(engine().register(table), model, log_level=_QUIET)


def train(table: Table, rules: MatchingRules, engine: Engine = duckdb) -> Model:
    """A model fitted to ``table``. Below ``rules.min_records`` nothing is estimated (random pairs of a few
    records say little about strangers), and a step the data cannot support (no pair in a training block)
    leaves the starting values of ``resolution.comparisons`` for what it would have estimated."""
    size = len(table["unique_id"])
    steps: list[Callable[[Linker], None]] = [
        lambda linker: linker.training.estimate_probability_two_random_records_match(
            [_blocking(rule) for rule in rules.prior_rules], recall=rules.prior_recall),
        lambda linker: linker.training.estimate_u_using_random_sampling(max_pairs=rules.u_pairs, seed=rules.seed),
        *(_em(rule) for rule in rules.training)]
    model = blank(rules, engine)
    if size < rules.min_records:
        return _without_frequencies(model)
    for step in steps:
        linker = new_linker(table, model, engine)
        try:
            step(linker)
        except (SplinkException, ValueError, ZeroDivisionError):
            continue  # nothing to learn here: the model before this step stands (a failed EM leaves it half-done)
        model = linker.misc.save_model_to_json()
    chance = model.get("probability_two_random_records_match") or 0.0
    if not 0 < chance < 1:  # no certain pair found at all: keep the starting share
        model["probability_two_random_records_match"] = rules.prior
    return model


def blank(rules: MatchingRules, engine: Engine = duckdb) -> Model:
    """The untrained model, its SQL in the engine's dialect."""
    model: Model = new_linker(empty_table(), settings(rules), engine).misc.save_model_to_json()
    return model


def for_engine(model: Model, rules: MatchingRules, engine: Engine) -> Model:
    """A stored model in the engine's dialect: a model is SQL, and DuckDB's quoting is not Spark's. The trained
    parameters are carried over level by level (the rules, so the levels, are the same)."""
    target = blank(rules, engine)
    if target["sql_dialect"] == model["sql_dialect"]:
        return model
    target["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for mine, theirs in zip(target["comparisons"], model["comparisons"], strict=True):
        for level, trained in zip(mine["comparison_levels"], theirs["comparison_levels"], strict=True):
            for name in ("m_probability", "u_probability", "tf_adjustment_column", "tf_adjustment_weight"):
                if name in trained:
                    level[name] = trained[name]
                else:
                    level.pop(name, None)
    return target


def _without_frequencies(model: Model) -> Model:
    """The model with term-frequency adjustments off: among a few records every value looks common."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return model


def _tf_columns(model: Model) -> list[str]:
    return sorted({level["tf_adjustment_column"] for comparison in model["comparisons"]
                   for level in comparison["comparison_levels"] if level.get("tf_adjustment_column")})


def _em(rule: list[str]) -> Callable[[Linker], None]:
    def estimate(linker: Linker) -> None:
        # frequencies are for scoring: EM on the comparison levels alone is faster and runs on every engine
        linker.training.estimate_parameters_using_expectation_maximisation(_blocking(rule),
                                                                          estimate_without_term_frequencies=True)

    return estimate


def prior_weight(model: Model) -> float:
    """The match weight of two records before any comparison: log2 of the prior odds."""
    prior = float(model["probability_two_random_records_match"])
    return math.log2(prior / (1 - prior))


def predict(table: Table, model: Model, rules: MatchingRules, changed: set[str] | None = None,
            engine: Engine = duckdb) -> list[Pair]:
    """Pairs at or above the threshold: all of them, or (``changed``) those with a changed record.

    ``model`` was trained under ``rules`` (the run checks the rules' digest), so its blocking rules are theirs.
    """
    linker = new_linker(table, for_engine(model, rules, engine), engine)
    threshold = rules.threshold
    labels = ["matching:" + "+".join(rule) for rule in rules.blocking]
    if changed is None:
        frame = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        rows = frame.as_record_list()
    else:
        for column in _tf_columns(model):  # frequencies over every record, as a full run computes them
            linker.table_management.compute_tf_table(column)
        inside = [i for i, key in enumerate(table["unique_id"]) if key in changed]
        if not inside:
            return []
        outside = [i for i, key in enumerate(table["unique_id"]) if key not in changed]
        database = linker._db_api  # the linker's own database: the frames must live where the model runs
        left = database.register(_subset(table, inside))
        rows = linker.inference.predict_within(left, threshold_match_probability=threshold,
                                               warning_mode="never").as_record_list()
        if outside:
            right = database.register(_subset(table, outside))
            rows += linker.inference.predict_between(left, right, threshold_match_probability=threshold,
                                                     warning_mode="never").as_record_list()
    names = [comparison["output_column_name"] for comparison in model["comparisons"]]
    base = round(prior_weight(model), 4)
    return [_pair(row, names, base, labels) for row in rows]


def vouched(table: Table, model: Model, rules: MatchingRules, groups: dict[str, str],
            engine: Engine = duckdb) -> set[frozenset[str]]:
    """Among the records of each group (a component with conflicting identifiers), the pairs the model is sure
    (``rules.vouch``) are one person — every pair compared, whatever blocking would say, with frequencies over
    every record."""
    if len(groups) < 2:
        return set()
    linker = new_linker(table, for_engine(model, rules, engine), engine)
    for column in _tf_columns(model):
        linker.table_management.compute_tf_table(column)
    positions = [i for i, key in enumerate(table["unique_id"]) if key in groups]
    members = _subset(table, positions)
    members["conflict_group"] = [groups[str(key)] for key in members["unique_id"]]
    frame = linker._db_api.register(members)
    rows = linker.inference.predict_within(frame, blocking_rules_to_generate_predictions=[block_on("conflict_group")],
                                           threshold_match_probability=rules.vouch,
                                           warning_mode="never").as_record_list()
    return {frozenset((str(row["unique_id_l"]), str(row["unique_id_r"]))) for row in rows}


def score(model: Model, a: Row, b: Row) -> Pair:
    """How the model scores one pair now, whatever blocking would say, without term-frequency adjustments
    (they need every record's values): for an explanation of why two records are apart."""
    tf_neutral = {f"tf_{column}": u for column, u in _exact_u(model).items()}  # empty when frequencies are off
    pair = features.table([a, b])
    linker = new_linker(pair, model)
    left, right = ({**record, **tf_neutral} for record in (a, b))
    found = linker.inference.score_pair(left, right).as_record_list()
    names = [comparison["output_column_name"] for comparison in model["comparisons"]]
    return _pair(found[0], names, round(prior_weight(model), 4), ["scored on request"])


def _exact_u(model: Model) -> dict[str, float]:
    """Per term-frequency column, the u of the level it adjusts: a frequency equal to it adjusts nothing."""
    found: dict[str, float] = {}
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and level.get("u_probability"):
                found[column] = float(level["u_probability"])
    return found


def _subset(table: Table, positions: list[int]) -> Table:
    return {name: [values[i] for i in positions] for name, values in table.items()}


def _pair(row: dict[str, Any], names: list[str], base: float, labels: list[str]) -> Pair:
    a, b = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
    fields = {name: [int(row[f"gamma_{name}"]), round(float(row[f"mw_{name}"] or 0.0), 4),
                     round(float(row.get(f"mw_tf_adj_{name}") or 0.0), 4)] for name in names}
    key = row.get("match_key")
    rule = labels[int(key)] if key is not None and str(key).isdigit() and int(key) < len(labels) else "blocking"
    return Pair(a, b, float(row["match_probability"]), rule, {"prior": base, "fields": fields})


def level_labels(model: Model) -> dict[str, dict[int, str]]:
    """Per comparison, each level's label by its gamma (-1 is "missing on one side")."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        present = [level for level in levels if not level.get("is_null_level")]
        named = {len(present) - 1 - i: level.get("label_for_charts") or level["sql_condition"]
                 for i, level in enumerate(present)}
        labels[comparison["output_column_name"]] = {-1: "missing on one side", **named}
    return labels


def empty_table() -> Table:
    return {name: [] for name in COLUMNS}
