"""Identity rules as a user changes them: whole tables replaced, the rest kept, a bad file refused with its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import InputError
from resolution.rules import default_rules, load_rules, rules_in_use


def test_the_shipped_rules_as_the_resolution_queries_get_them() -> None:
    rules = default_rules()
    assert rules.link_types == ["customer_number", "email", "loyalty_card", "national_id"]
    assert (rules.exclusive("global"), rules.exclusive("source")) == (["national_id"], ["customer_number"])
    assert (rules.trust("email"), rules.trust("national_id"), rules.trust("passport")) == (0.95, 1.0, 0.0)
    parameters = rules.parameters()
    assert parameters["types"] == rules.link_types
    assert parameters["max_records"] == {"national_id": 6, "customer_number": 12, "email": 12, "loyalty_card": 8,
                                         "phone": 6, "device": 5, "cookie": 5}
    assert "email:test@test.com" in parameters["junk_keys"] and "national_id:0" in parameters["junk_keys"]
    assert parameters["junk_prefixes"][0] == "email:noemail@" and len(parameters["junk_patterns"]) == 3
    assert all(type(parameters[k]) is list for k in ("junk_keys", "junk_prefixes", "junk_patterns"))


def test_a_user_file_replaces_the_tables_it_names_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[identifiers.phone]\nlink = true\ntrust = 0.7\n[blocklist]\nvalues = ["email:a@b.c"]\n')
    rules = load_rules(path)
    assert rules.link_types == ["customer_number", "email", "loyalty_card", "national_id", "phone"]
    assert rules.identifiers["phone"].max_records == 12  # the replaced table's unnamed keys take their defaults
    assert rules.identifiers["email"] == default_rules().identifiers["email"]
    assert rules.blocklist.values == ("email:a@b.c",) and rules.blocklist.prefixes == ()
    assert rules.matching == default_rules().matching


def test_the_home_rules_are_used_unless_a_file_is_named(tmp_path: Path) -> None:
    assert rules_in_use(tmp_path) == default_rules()
    (tmp_path / "rules.toml").write_text("[sources]\ncrm = 1\n")
    assert rules_in_use(tmp_path).sources == {"crm": 1.0}
    named = tmp_path / "other.toml"
    named.write_text("[sources]\nwebshop = 2\n")
    assert rules_in_use(tmp_path, named).sources == {"webshop": 2.0}


@pytest.mark.parametrize(("text", "message"), [
    ("[identifiers.email]\ntrust = 2\n", "identifiers.email.trust: Input should be less than or equal to 1"),
    ("[identifiers.email]\nlinks = true\n", "identifiers.email.links: Extra inputs are not permitted"),
    ('[identifiers.national_id]\ncheck_digits = ["xx.nope"]\n',
     "identifiers.national_id.check_digits: Value error, 'xx.nope' is not a python-stdnum format "
     "(e.g. nl.bsn, be.nn, fr.nir)"),
    ('[matching]\nblocking = [["first_name", "shoe_size"]]\n', "matching.blocking: Value error, unknown column "
     "'shoe_size'; columns: first_name, last_name, full_name, sorted_names, first_sound, last_sound, name_sounds, "
     "last_core, first_initials, birth_date, birth_year, postcode, street, city, email, phone, national_id, "
     "customer_number, email_user"),
    ("[matching]\nblocking = [[]]\n", "matching.blocking: Value error, a rule names at least one column"),
    ("[identifiers.email]\ntrust = 2\nmax_records = 1\n", "identifiers.email.trust: Input should be less than or "
     "equal to 1; identifiers.email.max_records: Input should be greater than or equal to 2"),
])
def test_a_bad_rules_file_is_refused_with_its_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(InputError) as refused:
        load_rules(path)
    assert str(refused.value) == f"{path}: {message}"


def test_an_unreadable_rules_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"rules\.toml: cannot read rules: "):
        load_rules(tmp_path / "rules.toml")
    (tmp_path / "rules.toml").write_text("[sources\n")
    with pytest.raises(InputError, match=r"rules\.toml: cannot read rules: "):
        load_rules(tmp_path / "rules.toml")
