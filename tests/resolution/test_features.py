"""The matching row of a record, column by column, without the matcher: what each comparison and block sees.

``test_matching_model.py`` checks that the comparison levels fire on such rows through Splink; these pin the
row itself, so a column that silently goes blank or changes shape is caught without training a model.
"""

from __future__ import annotations

from datetime import date

from resolution.features import COLUMNS, row, surname_core, table


def test_a_complete_record_fills_every_column() -> None:
    record = {"key": "crm:1", "first_name": "Zoë Anne", "last_name": "van der Berg", "birth_date": date(1984, 3, 7),
              "street": "Rue des Lilas", "house_number": "12 b", "postcode": "1012 AB", "city": "Den Haag",
              "email": "zoe.berg@x.nl", "phone": "+31612345678", "national_id": "111222333",
              "customer_number": "CN7"}
    assert row(record) == {
        "unique_id": "crm:1", "first_name": "zoe anne", "last_name": "van der berg",
        "full_name": "zoe anne van der berg", "sorted_names": "van der berg|zoe anne",
        "first_sound": "SN", "last_sound": "FNTRBRK", "name_sounds": "FNTRBRK|SN", "last_core": "berg",
        "first_initials": "za", "birth_date": "1984-03-07", "birth_year": "1984", "postcode": "1012ab",
        "street": "rue des lilas 12 b", "city": "den haag", "email": "zoe.berg@x.nl", "phone": "+31612345678",
        "national_id": "111222333", "customer_number": "CN7", "email_user": "zoe.berg"}
    assert list(row(record)) == list(COLUMNS)


def test_a_name_sounds_the_same_written_in_one_word_or_two() -> None:
    apart, glued = row({"key": "a", "first_name": "Anne Marie"}), row({"key": "b", "first_name": "Annemarie"})
    assert apart["first_sound"] == glued["first_sound"] == "ANMR"


def test_columns_built_from_both_names_stay_blank_when_one_is_missing() -> None:
    """A full name or a sound pair made of one name would block a first name against a last name."""
    for record in ({"key": "a", "last_name": "Berg"}, {"key": "a", "first_name": "Anna"}):
        only = row(record)
        assert only["full_name"] is only["sorted_names"] is only["name_sounds"] is None
    assert row({"key": "a", "last_name": "Berg"})["last_sound"] == "BRK"
    assert row({"key": "a", "first_name": "Anna"})["first_sound"] == "AN"


def test_a_missing_value_is_blank_not_a_word() -> None:
    empty = row({"key": "w:2"})
    assert empty == {name: ("w:2" if name == "unique_id" else None) for name in COLUMNS}


def test_a_birth_date_as_text_is_kept_and_its_year_derived() -> None:
    assert (row({"key": "a", "birth_date": "1984-03-07"})["birth_date"],
            row({"key": "a", "birth_date": "1984-03-07"})["birth_year"]) == ("1984-03-07", "1984")


def test_street_and_house_number_are_one_column_either_may_be_missing() -> None:
    assert row({"key": "a", "street": "Rue des Lilas"})["street"] == "rue des lilas"
    assert row({"key": "a", "house_number": "12"})["street"] == "12"


def test_junk_and_hub_values_are_blanked_not_compared() -> None:
    record = {"key": "a", "email": "info@shop.fr", "phone": "+33600000000", "national_id": "1"}
    blanked = row(record, unusable={"email:info@shop.fr", "national_id:1"})
    assert (blanked["email"], blanked["email_user"], blanked["phone"], blanked["national_id"]) == (
        None, None, "+33600000000", None)
    assert row(record, unusable={"phone:info@shop.fr"})["email"] == "info@shop.fr"  # the key names its type


def test_the_email_user_is_what_comes_before_the_first_at() -> None:
    assert row({"key": "a", "email": '"a@b"@x.fr'})["email_user"] == '"a'


def test_surname_core_keeps_short_names_and_joins_words() -> None:
    assert surname_core("ter horst") == "horst"
    assert surname_core("ter") == "ter" and surname_core("van der") == "vander"  # only particles: the name itself
    assert surname_core("van dam") == "dam"  # a particle written apart always goes
    assert surname_core("vandam") == "vandam"  # glued, it stays unless four letters are left
    assert surname_core("tenbosch") == "bosch"
    assert surname_core("mac donald") == "macdonald"


def test_table_turns_rows_into_columns() -> None:
    rows = [row({"key": "a", "city": "Paris"}), row({"key": "b"})]
    columns = table(rows)
    assert list(columns) == list(COLUMNS)
    assert columns["unique_id"] == ["a", "b"] and columns["city"] == ["paris", None]
