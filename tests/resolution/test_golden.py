"""Golden values: names by the majority of records (a slip votes with the spelling it slips from), contact
data by source trust then recency."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from resolution.golden import golden

TRUST = {"service-desk": 5.0, "crm": 4.0, "webshop": 3.0, "loyalty": 2.0}
MAJORITY = ("first_name", "last_name", "birth_date")


def _record(key: str, day: int, **values: Any) -> dict[str, Any]:
    return {"key": key, "source": key.split(":")[0], "loaded_at": datetime(2026, 1, day, tzinfo=UTC), **values}


def test_a_typo_in_the_most_trusted_source_does_not_win_a_name() -> None:
    records = [_record("crm:1", 1, first_name="aPtricia", email="old@x.fr"),
               _record("webshop:2", 2, first_name="Patricia", email="new@x.fr"),
               _record("loyalty:3", 3, first_name="PATRICIA")]
    chosen = golden(records, TRUST, MAJORITY)
    assert chosen["values"]["first_name"] == "Patricia"  # two records agree (case aside); the slip votes with them
    assert "first_name=webshop:2" in chosen["sources"]
    assert chosen["values"]["email"] == "old@x.fr"  # contact data: the most trusted source, whatever the rest say
    assert chosen["count"] == 3


def test_ties_go_to_trust_then_recency_and_slips_join_the_majority() -> None:
    tie = [_record("webshop:1", 5, last_name="Dupont"), _record("crm:2", 1, last_name="Durand")]
    assert golden(tie, TRUST, MAJORITY)["values"]["last_name"] == "Durand"
    recent = [_record("crm:1", 1, last_name="Dupont"), _record("crm:2", 9, last_name="Durand")]
    assert golden(recent, TRUST, MAJORITY)["values"]["last_name"] == "Durand"
    slips = [_record("crm:1", 1, last_name="Lefebvre"), _record("webshop:2", 2, last_name="Lefebrve"),
             _record("webshop:3", 3, last_name="Martin"), _record("loyalty:4", 4, last_name="Martin")]
    assert golden(slips, TRUST, MAJORITY)["values"]["last_name"] == "Lefebvre"  # 2 near spellings vs 2, trust


def test_birth_dates_vote_and_a_correction_wins_contact_data() -> None:
    records = [_record("crm:1", 1, birth_date=date(1984, 7, 3), phone="+33611111111"),
               _record("webshop:2", 2, birth_date=date(1984, 3, 7)),
               _record("loyalty:3", 3, birth_date=date(1984, 3, 7)),
               _record("service-desk:C1", 9, phone="+33622222222")]
    chosen = golden(records, TRUST, MAJORITY)
    assert chosen["values"]["birth_date"] == date(1984, 3, 7)
    assert chosen["values"]["phone"] == "+33622222222"
    assert golden(records, TRUST, ())["values"]["birth_date"] == date(1984, 7, 3)  # by trust when asked


def test_a_source_the_rules_do_not_rank_trails_every_ranked_one() -> None:
    """Unranked sources weigh 1.0: below the least trusted ranked source (2.0), however recent."""
    records = [_record("loyalty:1", 1, email="ranked@x.fr"), _record("partner:2", 9, email="unranked@x.fr")]
    assert golden(records, TRUST, MAJORITY)["values"]["email"] == "ranked@x.fr"


def test_a_record_without_a_load_time_counts_as_the_oldest() -> None:
    records = [{"key": "crm:1", "source": "crm", "phone": "+33611111111"}, _record("crm:2", 1, phone="+33622222222")]
    assert golden(records, TRUST, MAJORITY)["values"]["phone"] == "+33622222222"


def test_four_letters_one_slip_apart_vote_together_two_slips_do_not() -> None:
    marc = [_record("crm:1", 1, first_name="Luca"), _record("webshop:2", 2, first_name="Mark"),
            _record("loyalty:3", 3, first_name="Marc")]
    assert golden(marc, TRUST, MAJORITY)["values"]["first_name"] == "Mark"  # Marc votes with Mark: 2 against 1
    johan = [_record("crm:1", 1, first_name="Emma"), _record("webshop:2", 2, first_name="Johan"),
             _record("loyalty:3", 3, first_name="Jonas")]
    assert golden(johan, TRUST, MAJORITY)["values"]["first_name"] == "Emma"  # two edits: three names, one each
