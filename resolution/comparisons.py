"""How two person records are compared: one Splink comparison per kind of evidence, each with graded levels.

Every level carries a starting m (how often two records of one person fall in it) and u (how often two
records of different people do). Training replaces them from the data (u by random sampling, m by EM);
they matter only where the data cannot teach a level (a tiny graph, a level never seen in training blocks),
and they are set so that such a model still behaves: agreement is evidence for, a clear difference against.

Households are modelled, not refused: the same surname with another first name, or a differing birth date,
is strong evidence against, and exact agreement on a name, postcode, email or phone counts less the more
common the value is (term frequency adjustments), so a family sharing a name, a home and a phone does not
add up to one person.
Identifiers are compared like any other field, with a level for a one-character slip, so a typo in a
national id or a customer number is a near-miss the model weighs, not a different person.
"""

from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator


def _level(level: ComparisonLevelCreator, label: str, m: float, u: float,
           tf: str | None = None) -> ComparisonLevelCreator:
    if tf is not None:
        level.configure(tf_adjustment_column=tf)
    return level.configure(label_for_charts=label, m_probability=m, u_probability=u)


def _custom(sql: str, label: str, m: float, u: float) -> ComparisonLevelCreator:
    """A level written in DuckDB's SQL with standard functions only: Splink translates it for Spark."""
    return _level(cll.CustomLevel(sql, base_dialect_str="duckdb"), label, m, u)


def _same_last() -> ComparisonLevelCreator:
    return cll.Or(cll.ExactMatchLevel("last_name"), cll.ExactMatchLevel("last_core"))


_INITIALS = ('(length("first_name_l") = 1 OR length("first_name_r") = 1 '
             'OR "first_name_l" = "first_initials_r" OR "first_initials_l" = "first_name_r") '
             'AND substr("first_name_l", 1, 1) = substr("first_name_r", 1, 1)')


_CONTAINED = ('length("first_name_l") >= 3 AND length("first_name_r") >= 3 '
              'AND (instr("first_name_l", "first_name_r") > 0 OR instr("first_name_r", "first_name_l") > 0)')


def names(fixed_household: bool = True) -> ComparisonCreator:
    """First and last name as one piece of evidence, so that the combinations that tell people apart get their
    own weight: the same surname with another first name (a household), the same first name with another
    surname (a married name), names written the other way round."""
    return cl.CustomComparison(output_column_name="name", comparison_levels=[
        cll.And(cll.NullLevel("first_name"), cll.NullLevel("last_name")).configure(
            is_null_level=True, label_for_charts="no name on one side"),
        _level(cll.ExactMatchLevel("full_name"), "same first and last name", 0.8, 0.0001, tf="full_name"),
        # swapped, even with a slip: the names in alphabetical order agree while the first names do not
        _level(cll.Or(cll.ColumnsReversedLevel("first_name", "last_name", symmetrical=True),
                      cll.And(cll.DamerauLevenshteinLevel("sorted_names", 1),
                              cll.Not(cll.JaroWinklerLevel("first_name", 0.8)))),
               "first and last names swapped", 0.01, 0.000001),
        _level(cll.And(cll.DamerauLevenshteinLevel("first_name", 1), cll.DamerauLevenshteinLevel("last_name", 1)),
               "names one slip apart", 0.06, 0.000005),
        _level(cll.And(cll.JaroWinklerLevel("first_name", 0.92),
                       cll.Or(cll.JaroWinklerLevel("last_name", 0.92), _same_last())),
               "names very alike", 0.03, 0.00001),
        _level(cll.And(_same_last(), cll.CustomLevel(_INITIALS, base_dialect_str="duckdb")),
               "same last name, first name given as initials", 0.02, 0.0002),
        _level(cll.And(_same_last(), cll.JaroWinklerLevel("first_name", 0.8)),
               "same last name, first names alike", 0.01, 0.0005),
        _level(cll.And(_same_last(), cll.CustomLevel(_CONTAINED, base_dialect_str="duckdb")),
               "same last name, a short form of the first name", 0.01, 0.0005),
        _level(cll.ExactMatchLevel("first_name"), "same first name, another last name", 0.02, 0.005),
        # a household's signature — twins share everything else — so fixed strongly against by default: EM on
        # data full of families would learn siblings as one person's nicknames (``matching.households``)
        _level(cll.ExactMatchLevel("last_name"), "same last name, another first name", 0.000002, 0.005,
               tf="last_name").configure(fix_m_probability=fixed_household),
        _level(cll.And(cll.JaroWinklerLevel("first_name", 0.8), cll.JaroWinklerLevel("last_name", 0.8)),
               "names alike", 0.01, 0.002),
        _level(cll.ElseLevel(), "different names", 0.02, 0.98),
    ])


def birth_date() -> ComparisonCreator:
    swapped = ('substr("birth_date_l", 1, 4) = substr("birth_date_r", 1, 4) '
               'AND substr("birth_date_l", 6, 2) = substr("birth_date_r", 9, 2) '
               'AND substr("birth_date_l", 9, 2) = substr("birth_date_r", 6, 2)')
    return cl.CustomComparison(output_column_name="birth_date", comparison_levels=[
        cll.NullLevel("birth_date"),
        _level(cll.ExactMatchLevel("birth_date"), "same birth date", 0.9, 0.0003),
        _custom(swapped, "day and month swapped", 0.01, 0.00001),
        _level(cll.DamerauLevenshteinLevel("birth_date", 1), "birth date one digit or transposition apart",
               0.05, 0.002),
        _custom('substr("birth_date_l", 1, 7) = substr("birth_date_r", 1, 7)', "same year and month", 0.01, 0.01),
        _level(cll.DamerauLevenshteinLevel("birth_date", 2), "birth date two slips apart", 0.01, 0.02),
        _level(cll.ElseLevel(), "different birth dates", 0.02, 0.97),
    ])


def contact() -> ComparisonCreator:
    """Email, phone and home as one piece of evidence: a household shares them all, so counting each would
    add up a family's shared contract, inbox and address into one person. The strongest agreement counts."""
    def nothing(side: str) -> str:
        return " AND ".join(f'"{c}_{side}" IS NULL' for c in ("email", "phone", "postcode", "city"))

    same_postcode = cll.ExactMatchLevel("postcode")
    return cl.CustomComparison(output_column_name="contact", comparison_levels=[
        cll.CustomLevel(f"({nothing('l')}) OR ({nothing('r')})", base_dialect_str="duckdb").configure(
            is_null_level=True, label_for_charts="no email, phone or address on one side"),
        _level(cll.ExactMatchLevel("email"), "same email", 0.35, 0.0001, tf="email"),
        _level(cll.ExactMatchLevel("phone"), "same phone", 0.2, 0.0001, tf="phone"),
        _level(cll.And(same_postcode, cll.ExactMatchLevel("street")), "same street and postcode", 0.15, 0.0005),
        # no level for emails that are alike: people write their name into their email, so two namesakes'
        # addresses agree on the user part (or differ by one digit) as often as one person's do
        _level(cll.DamerauLevenshteinLevel("phone", 1), "phone one digit apart", 0.01, 0.0001),
        _level(cll.And(cll.ExactMatchLevel("postcode"), cll.JaroWinklerLevel("street", 0.88)),
               "same postcode, street alike", 0.02, 0.0003),
        _level(cll.ExactMatchLevel("postcode"), "same postcode", 0.06, 0.01, tf="postcode"),
        _level(cll.DamerauLevenshteinLevel("postcode", 1), "postcode one slip apart", 0.02, 0.02),
        _level(cll.ExactMatchLevel("city"), "same town", 0.03, 0.05, tf="city"),
        _level(cll.ElseLevel(), "different contact details", 0.12, 0.9193),
    ])


def identifier(column: str, label: str) -> ComparisonCreator:
    """A national id or a customer number: the same value is near-proof, one slip apart a likely typo."""
    return cl.CustomComparison(output_column_name=column, comparison_levels=[
        cll.NullLevel(column),
        _level(cll.ExactMatchLevel(column), f"same {label}", 0.9, 0.00001),
        _level(cll.DamerauLevenshteinLevel(column, 1), f"{label} one slip apart", 0.099, 0.0001),
        # strong evidence against, not a wall: a source that mixed up two people's documents is rarer still
        _level(cll.ElseLevel(), f"different {label}s", 0.001, 0.99989),
    ])


def comparisons(fixed_household: bool = True) -> list[ComparisonCreator]:
    return [names(fixed_household), birth_date(), contact(),
            identifier("national_id", "national id"), identifier("customer_number", "customer number")]
