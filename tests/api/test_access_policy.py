"""The access policy on its own, without a store: each role's view of a value, a key, a home and a text.

The API tests (``test_access.py``, ``test_role_matrix.py``) check the same rules through GraphQL on a real store;
these pin the ``Masker`` itself, the one place every answer passes through.
"""

from __future__ import annotations

import re

import pytest

from api.access import OPERATIONS, Access, Masker, Operation, allowed, refusal
from api.auth import Principal, Role

KEY = b"server-secret"
HOME = {"latitude": 48.8667, "longitude": 2.3833, "city": "Paris", "country": "FR", "precision": "street"}
PARIS = (48.85341, 2.3488)  # the gazetteer's centre of Paris


def test_each_operation_is_allowed_to_its_roles_only() -> None:
    for operation, rule in OPERATIONS.items():
        assert {role for role in Role if allowed(role, operation)} == set(rule.roles), operation
    assert allowed(Role.DPO, Operation.ERASE) and not allowed(Role.AGENT, Operation.ERASE)
    assert allowed(Role.SOURCE, Operation.INGEST) and not allowed(Role.SOURCE, Operation.MAP)


def test_a_refusal_names_the_role_and_why() -> None:
    assert refusal(Role.ANALYST, Operation.CHANGE) == "the analyst role may not change data (agents and admins only)"
    assert refusal(Role.SOURCE, Operation.MAP) == "the source role may not see the map"


def test_for_principal_takes_the_role_and_the_key() -> None:
    masker = Masker.for_principal(Principal("u1", Role.MARKETING), "secret")
    assert masker == Masker(Role.MARKETING, b"secret")


@pytest.mark.parametrize(("role", "field", "expected"), [
    (Role.AGENT, "national_id", Access.CLEAR), (Role.ADMIN, "email", Access.CLEAR), (Role.DPO, "street", Access.CLEAR),
    (Role.ANALYST, "email", Access.PSEUDONYMISED), (Role.ANALYST, "source_id", Access.PSEUDONYMISED),
    (Role.ANALYST, "first_name", Access.HIDDEN), (Role.ANALYST, "postcode", Access.CLEAR),
    (Role.ANALYST, "location", Access.COARSENED),
    (Role.MARKETING, "national_id", Access.HIDDEN), (Role.MARKETING, "email", Access.CLEAR),
    (Role.SOURCE, "city", Access.HIDDEN), (Role.AGENT, "not_personal", Access.CLEAR),
])
def test_access_by_role_and_field(role: Role, field: str, expected: Access) -> None:
    masker = Masker(role, KEY)
    assert masker.access(field) is expected
    assert masker.clear(field) is (expected is Access.CLEAR)


def test_values_in_clear_pseudonymised_or_hidden() -> None:
    analyst = Masker(Role.ANALYST, KEY)
    assert analyst.value("postcode", "75011") == "75011"
    assert analyst.value("first_name", "Hélène") is None
    assert analyst.value("email", "h@x.fr") == analyst.pseudonym("email", "h@x.fr") != "h@x.fr"
    assert analyst.value("phone", 33612345678) == analyst.pseudonym("phone", "33612345678")  # any value, as text
    assert analyst.value("email", None) is None and Masker(Role.AGENT, KEY).value("email", None) is None
    assert Masker(Role.AGENT, KEY).value("national_id", "1800275") == "1800275"


def test_a_pseudonym_is_stable_keyed_and_per_field() -> None:
    masker = Masker(Role.ANALYST, KEY)
    pseudonym = masker.pseudonym("email", "h@x.fr")
    assert re.fullmatch(r"psn:[0-9a-f]{20}", pseudonym)
    assert masker.pseudonym("email", "h@x.fr") == pseudonym  # stable: records can still be counted and joined
    assert Masker(Role.ANALYST, b"other-secret").pseudonym("email", "h@x.fr") != pseudonym  # needs the secret
    assert masker.pseudonym("phone", "h@x.fr") != pseudonym  # one value under two fields: two pseudonyms
    assert masker.pseudonym("email", "h@x.fr ") != pseudonym


def test_properties_follow_each_field_rule() -> None:
    shown = Masker(Role.ANALYST, KEY).properties({"first_name": "Jean", "city": "Paris", "email": "j@x.fr"})
    assert shown == {"first_name": None, "city": "Paris", "email": Masker(Role.ANALYST, KEY).pseudonym("email",
                                                                                                       "j@x.fr")}


def test_keys_keep_their_source_and_mask_their_value() -> None:
    analyst, agent, marketing = Masker(Role.ANALYST, KEY), Masker(Role.AGENT, KEY), Masker(Role.MARKETING, KEY)
    assert agent.record_key("loyalty:L123") == "loyalty:L123"
    assert analyst.record_key("loyalty:L123") == f"loyalty:{analyst.pseudonym('source_id', 'L123')}"
    assert marketing.record_key("crm:C1") == f"crm:{marketing.pseudonym('source_id', 'C1')}"
    assert analyst.key_of("cookie", "web:abc:def") == f"web:{analyst.pseudonym('cookie', 'abc:def')}"
    assert analyst.key_of("cookie", "no-colon") == analyst.pseudonym("cookie", "no-colon")  # nothing to keep
    assert marketing.key_of("cookie", "web:abc") == "web:abc"


def test_identifier_keys_show_their_value_as_the_type_rule_does() -> None:
    analyst, marketing = Masker(Role.ANALYST, KEY), Masker(Role.MARKETING, KEY)
    assert marketing.identifier_key("email:h@x.fr") == "email:h@x.fr"
    assert marketing.identifier_key("national_id:1800275") == "national_id:[national_id]"
    assert analyst.identifier_key("email:h@x.fr") == f"email:{analyst.pseudonym('email', 'h@x.fr')}"
    assert analyst.identifier_key("malformed") == "malformed"
    assert analyst.identifier_key("email:a:b") == f"email:{analyst.pseudonym('email', 'a:b')}"


def test_a_home_in_clear_at_its_town_centre_or_not_at_all() -> None:
    agent, analyst, source = Masker(Role.AGENT, KEY), Masker(Role.ANALYST, KEY), Masker(Role.SOURCE, KEY)
    assert agent.point(HOME) == (48.8667, 2.3833)
    assert agent.point({**HOME, "latitude": "48.5"}) == (48.5, 2.3833)  # as numbers, whatever the store gave
    assert analyst.point(HOME) == PARIS
    assert analyst.point({**HOME, "city": "Nowhere-sur-Rien"}) is None
    assert source.point(HOME) is None
    for missing in ("latitude", "longitude"):
        assert agent.point({**HOME, missing: None}) is None and analyst.point({**HOME, missing: None}) is None


def test_the_precision_shown_is_the_one_of_the_point_shown() -> None:
    agent, analyst, source = Masker(Role.AGENT, KEY), Masker(Role.ANALYST, KEY), Masker(Role.SOURCE, KEY)
    assert agent.precision(HOME) == "street"
    assert agent.precision({**HOME, "precision": None}) == "unknown"
    assert analyst.precision(HOME) == "city"
    assert analyst.precision({**HOME, "city": "Nowhere-sur-Rien"}) == "unknown"
    assert source.precision(HOME) == "unknown"


def test_known_values_are_those_the_role_may_not_see() -> None:
    values = [("first_name", "Hélène"), ("email", "h@x.fr"), ("email", "h2@x.fr"), ("city", "Paris"),
              ("national_id", None), ("street", "rue des Lilas"), ("postcode", "75011"), ("loyalty_card", 1234)]
    assert Masker(Role.ANALYST, KEY).known(values) == {"first_name": {"Hélène"}, "email": {"h@x.fr", "h2@x.fr"},
                                                       "street": {"rue des Lilas"}, "loyalty_card": {"1234"}}
    assert Masker(Role.MARKETING, KEY).known([*values, ("national_id", "1800275")]) == {"national_id": {"1800275"}}
    assert Masker(Role.AGENT, KEY).known(values) == {}


def test_text_is_untouched_for_a_role_that_sees_everything() -> None:
    note = "Hélène, 06 12 34 56 78, h@x.fr"
    assert Masker(Role.AGENT, KEY).text(note, region="FR") == note
    assert Masker(Role.DPO, KEY).texts(region="FR")(note) == note


def test_texts_redacts_with_the_customer_values_given_once() -> None:
    marketing = Masker(Role.MARKETING, KEY)
    redact = marketing.texts({"national_id": {"1800275123456"}}, "FR")
    assert redact("NIR 1800275123456, call 06 12 34 56 78") == "NIR [national_id], call 06 12 34 56 78"
    assert redact("card 99887766554433") == "card [number]"  # a number may be a national id: hidden by shape
    analyst = Masker(Role.ANALYST, KEY).texts(region="FR")
    assert analyst("call 06 12 34 56 78") == "call [phone]"
