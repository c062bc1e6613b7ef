"""One masking policy on every output path: each GraphQL field, each route of the app, every role.

The paths are derived, not listed: GraphQL documents are built from the schema's introspection (every field
of every type a root field reaches, so a new field is walked as soon as it exists) and the routes are read
from the app; a root field, a required argument, an identifier type or a route without a rule here fails
the test. For each (path, role) the raw response body is searched for every value the role may not see —
as written, JSON-escaped, and as its bare digits — on a real store loaded with a customer who has every
identifier type, a home with exact coordinates, a ticket and a staff note that quote her email, phones, birth
date and national id, and an audited correction.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

import pipeline
from api.app import create_app
from api.schema import schema
from desk.tickets import annotate_ticket
from geo.locate import locate
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from resolution.rules import default_rules
from scoring.score import score_customers
from tests.conftest import clear
from tests.helpers import Sources, bearer, customer_of, write_field_sources

pytestmark = pytest.mark.store

EMAIL, PHONE, PHONE_NATIONAL = "helene.martin@example.fr", "+33612345678", "06 12 34 56 78"
NATIONAL_ID, CUSTOMER_NUMBER, CARD = "1800275123456", "CN7781", "L1007111385"
COOKIE, COOKIE_2, DEVICE, CRM_ID = "ck5f3a9e77c1", "ck77aa01be93", "dev-iphone-4471", "C900001"
LATITUDE, LONGITUDE = "48.85712", "2.37934"
NEW_EMAIL, NEW_PHONE = "h.martin@perso.example.org", "07 55 44 33 22"
#: more than the walks: each walk erases one of them
ERASABLE = 10

# -- the sources: Hélène has every identifier type; Bruno is someone else, for changes and explanations ---
SOURCES: Sources = {
    "stores": ("stores", ["id", "name", "city", "country", "latitude", "longitude"],
               [["S1", "c360 Paris Centre", "Paris", "FR", "48.8606", "2.3376"],
                ["S2", "c360 Lyon Part-Dieu", "Lyon", "FR", "45.7606", "4.8596"]]),
    "crm": ("customers", ["id", "first_name", "last_name", "birth_date", "email", "phone", "street", "house_number",
                          "postcode", "city", "country", "customer_number", "national_id", "latitude", "longitude"],
            [[CRM_ID, "Hélène", "Martin", "1980-02-29", EMAIL, PHONE_NATIONAL, "Rue des Lilas", "12", "75011",
              "Paris", "FR", CUSTOMER_NUMBER, NATIONAL_ID, LATITUDE, LONGITUDE],
             ["C900002", "Bruno", "Petit", "1975-06-01", "bruno@example.fr", "", "Quai Perrache", "3", "69002",
              "Lyon", "FR", "CN9902", "", "", ""],
             # people to erase, one per walk (``eraseCustomer``)
             *([f"C9100{n:02}", "Zoé", f"Durand{n}", "", f"zoe{n}@example.com", "", "", "", "", "", "FR", "", "", "",
                ""] for n in range(ERASABLE))]),
    # a loyalty desk keys its records by card number: the record key is a card number too
    "loyalty": ("customers", ["id", "first_name", "last_name", "email", "loyalty_card", "country"],
                [[CARD, "Hélène", "Martin", EMAIL, CARD, "FR"]]),
    "weblog": ("web_events", ["id", "at", "cookie", "device", "page", "email"],
               [["E1", "2024-05-01T10:00:00Z", COOKIE, DEVICE, "/account", EMAIL],
                ["E2", "2024-05-01T10:05:00Z", COOKIE, DEVICE, f"/newsletter?email={EMAIL}", ""],
                # another browser at the very same second: two sessions tie on their start
                ["E3", "2024-05-01T10:00:00Z", COOKIE_2, "", "/account", EMAIL]]),
    # she lives in Paris and shops in Lyon: near S1 by her home, in S2's catchment, a far shopper
    "tills": ("transactions", ["id", "at", "amount", "currency", "store", "loyalty_card"],
              [["T1", "2024-06-01T10:00:00Z", "80.00", "EUR", "S2", CARD],
               ["T2", "2024-07-01T10:00:00Z", "20.00", "EUR", "S2", CARD]]),
    "consents": ("consents", ["id", "at", "purpose", "granted", "email"],
                 [["K1", "2023-01-01T00:00:00Z", "marketing_email", "yes", EMAIL]]),
    "desk": ("tickets", ["id", "opened_at", "status", "subject", "email"],
             [["Q1", "2024-08-01T09:00:00Z", "open",
               f"Call back on {PHONE_NATIONAL} or at {EMAIL}; born 29/02/1980, NIR {NATIONAL_ID}", EMAIL]]),
}
NOTE = f"Confirmed birth date 1980-02-29; new mobile {NEW_PHONE}, mail {NEW_EMAIL}, card {CARD}"

# -- the specification, written out: what each role may not see (kind → the values as they may appear) ---
SECRETS: dict[str, list[str]] = {
    "first_name": ["Hélène"], "last_name": ["Martin"], "street": ["Rue des Lilas"],
    "birth_date": ["1980-02-29", "29/02/1980"], "email": [EMAIL, NEW_EMAIL],
    "phone": [PHONE, PHONE_NATIONAL, NEW_PHONE], "customer_number": [CUSTOMER_NUMBER],
    "loyalty_card": [CARD], "national_id": [NATIONAL_ID], "cookie": [COOKIE, COOKIE_2], "device": [DEVICE],
    "source_id": [CRM_ID], "location": [LATITUDE, LONGITUDE],
}
HIDDEN_FROM: dict[str, set[str]] = {
    "agent": set(), "admin": set(), "analyst": set(SECRETS), "marketing": {"national_id", "source_id"},
    "dpo": set()}
ROLES = sorted(HIDDEN_FROM)
STAFF, EVERYONE = {"agent", "admin"}, set(ROLES)
#: those who may read one person's explanations and history, and those who act on a person's rights
ONE_PERSON, RIGHTS = STAFF | {"dpo"}, {"dpo", "admin"}
# who may run what, by path: the operations of the policy, and lookups by values a role sees only masked
REFUSED: dict[str, set[str]] = {
    **{f"customerByIdentifier({t})": {"analyst"} for t in ("EMAIL", "PHONE", "CUSTOMER_NUMBER", "LOYALTY_CARD",
                                                            "COOKIE", "DEVICE")},
    "customerByIdentifier(NATIONAL_ID)": {"analyst", "marketing"},
    "searchCustomers(name)": {"analyst"}, "searchCustomers(emailPrefix)": {"analyst"},
    "customersNear": {"analyst", "dpo"}, "storeCatchment": {"analyst", "dpo"}, "farShoppers": {"analyst", "dpo"},
    "invitations": {"agent", "analyst", "dpo"}, "campaigns": {"agent", "dpo"},
    "Customer.explainLink": EVERYONE - ONE_PERSON, "Customer.changes": EVERYONE - ONE_PERSON,
    **{m: EVERYONE - STAFF for m in ("correctContact", "recordConsent", "openTicket", "annotateTicket")},
    "subjectAccess": EVERYONE - RIGHTS, "eraseCustomer": EVERYONE - RIGHTS,
    "restrictProcessing": EVERYONE - RIGHTS, "liftRestriction": EVERYONE - RIGHTS,
    "/geo/near.geojson": {"analyst", "dpo"}, "/geo/catchment.geojson": {"analyst", "dpo"},
    "/geo/far.geojson": {"analyst", "dpo"},
    "/geo/invitations.geojson": {"agent", "analyst", "dpo"}, "/geo/invitations.csv": {"agent", "analyst", "dpo"},
    "/dashboard/indicators.json": {"agent", "dpo"},
    "/ingest/{source}": EVERYONE - {"admin"}, "/ingest/status": EVERYONE - {"admin"},
}

# -- how to call each path (a rule per root field, variant, nested argument and route) ---------------------
IDENTIFIER_VALUES = {"EMAIL": EMAIL, "PHONE": PHONE, "CUSTOMER_NUMBER": CUSTOMER_NUMBER, "LOYALTY_CARD": CARD,
                     "NATIONAL_ID": NATIONAL_ID, "COOKIE": COOKIE, "DEVICE": DEVICE}
ROOT_ARGUMENTS: dict[str, dict[str, str]] = {  # root field → variant → arguments ({id}: Hélène's profile)
    "customer": {"": 'id: "{id}"'},
    "customerByIdentifier": {t: f'type: {t}, value: "{v}"' for t, v in IDENTIFIER_VALUES.items()},
    "searchCustomers": {"name": 'name: "martin"', "postcode": 'postcode: "75011"', "emailPrefix": 'emailPrefix: "hel"'},
    "segments": {"": ""},
    "customersNear": {"": "latitude: 48.8606, longitude: 2.3376, radiusKm: 30"},
    "storeCatchment": {"": 'storeKey: "S2"'},
    "farShoppers": {"": "minKm: 100"},
    "invitations": {"": 'venue: "S1", radiusKm: 30, limit: 5'},
    "campaigns": {"": ""},
    "correctContact": {"": 'customerId: "{other}", correction: {{email: "bruno.new@example.fr"}}, why: "moved"'},
    "recordConsent": {"": 'customerId: "{other}", purpose: "marketing_sms", granted: true'},
    "openTicket": {"": 'customerId: "{other}", subject: "Parcel late"'},
    "annotateTicket": {"": 'ticketKey: "desk:Q1", note: "Called back"'},
    "subjectAccess": {"": 'customerId: "{id}"'},
    "eraseCustomer": {"": 'id: "{erasable}", why: "request 1"'},
    "restrictProcessing": {"": 'customerId: "{other}", purpose: "sync", why: "request 2"'},
    "liftRestriction": {"": 'customerId: "{other}", purpose: "sync", why: "request 3"'},
    # every object of hers with a global id, fetched again by it ({name}: ids read as admin, ``NODE_IDS``)
    "node": {name: f'id: "{{{name}}}"' for name in ("Customer", "SourceRecord_crm", "SourceRecord_loyalty",
                                                   "Transaction", "Ticket", "WebSession_1", "WebSession_2", "Store",
                                                   "Segment")},
    "nodes": {"": "ids: [{nodes}]"},
    # a subscription: its first message (her state now) is walked over the WebSocket
    "customerChanged": {"": 'id: "{id}"'},
}
#: her objects' global ids, read through her profile (records by source; sessions, one per cookie)
NODE_IDS = ('query($id: ID!) { customer(id: $id) { id records { id source } transactions { edges { node { id } } } '
            'tickets { edges { node { id } } } webSessions { edges { node { id } } } stores { store { id } } '
            'segment { id } } }')
NESTED_ARGUMENTS = {"Customer.explainLink": 'otherRecordKey: "crm:C900002"'}
#: fields refused to some roles, walked on their own (a refusal nulls its parent: it would hide the rest)
GUARDED = ("Customer.explainLink", "Customer.changes")
#: paths whose answer is about Hélène when allowed: her profile id must be in it (the walk is not vacuous)
ABOUT_OTHERS = {"segments", "/healthz", "/readyz", "/map", "/static", "/geo/stores.geojson", "/geo/homes.geojson",
                "campaigns", "/dashboard", "/dashboard/indicators.json",  # aggregates: no one in them
                "/explore", "/ingest/{source}", "/ingest/status",  # counts of rows and runs
                "correctContact", "recordConsent", "openTicket", "eraseCustomer", "restrictProcessing",
                "liftRestriction",
                # a lookup by cookie or device finds records that carry one, and customer sources carry neither
                # (web events tie them to people through logins): refused or empty, both checked
                "customerByIdentifier(COOKIE)", "customerByIdentifier(DEVICE)",
                # her things, not her: each must be found (checked: a null node is a failure)
                *(f"node({name})" for name in ROOT_ARGUMENTS["node"] if name != "Customer")}
ROUTE_REQUESTS: dict[str, str | None] = {  # route → what to GET (None: walked as GraphQL documents above)
    "/healthz": "/healthz", "/readyz": "/readyz", "/graphql": None, "/map": "/map",
    "/static": "/static/map.js",  # the page's own files: no data
    "/geo/stores.geojson": "/geo/stores.geojson", "/geo/homes.geojson": "/geo/homes.geojson",
    "/geo/near.geojson": "/geo/near.geojson?venue=S1&radiusKm=30",
    "/geo/catchment.geojson": "/geo/catchment.geojson?storeKey=S2", "/geo/far.geojson": "/geo/far.geojson?minKm=100",
    "/geo/invitations.geojson": "/geo/invitations.geojson?venue=S1&radiusKm=30",
    "/geo/invitations.csv": "/geo/invitations.csv?venue=S1&radiusKm=30",
    "/dashboard": "/dashboard", "/dashboard/indicators.json": "/dashboard/indicators.json",  # aggregates only
    # the explorer: its page, and her neighbourhood ({id}: her profile id; deeper walks in test_explore_masking)
    "/explore": "/explore", "/explore/neighbours": "/explore/neighbours?customer={id}",
    # sending rows: a source's own token and admins (an empty batch: the answer holds counts, nobody)
    "/ingest/{source}": "POST /ingest/crm", "/ingest/status": "/ingest/status",
}


@dataclass(frozen=True)
class Store:
    client: TestClient
    settings: Settings
    helene: str
    other: str
    #: global ids by ``node`` variant, and all of them as the ``nodes`` list
    node_ids: dict[str, str]
    #: customers no path is about, erased one per walk
    erasable: list[str]


def load_helene(graph: Graph, home: Path, sources: Path) -> str:
    """Her store, as every masking walk reads it, in an empty graph: ``SOURCES`` written to ``sources``, loaded
    and resolved, her email corrected (audited), a staff note quoting her values, homes located and customers
    scored. Her customer id."""
    write_field_sources(sources, SOURCES, date_format="%Y-%m-%d")
    for path, mapping in plan([sources]):
        load_file(graph, path, mapping, home)
    resolve(graph)
    helene = customer_of(graph, f"email:{EMAIL}")
    pipeline.correct_contact(graph, default_rules(), helene, {"email": NEW_EMAIL}, "agent-7",
                             f"she called from {NEW_PHONE}")
    annotate_ticket(graph, "desk:Q1", NOTE, None, "agent-7")
    locate(graph)
    score_customers(graph)
    return helene


@pytest.fixture(scope="module")
def store(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_graph(embedded_settings) as graph:
        clear(graph)
        helene = load_helene(graph, embedded_settings.home, tmp_path_factory.mktemp("masking-sources"))
        other = customer_of(graph, "email:bruno@example.fr")
        erasable = [customer_of(graph, f"email:zoe{n}@example.com") for n in range(ERASABLE)]
        with TestClient(create_app(embedded_settings)) as client:
            yield Store(client, embedded_settings, helene, other, _node_ids(client, embedded_settings, helene),
                        erasable)
        clear(graph)


def _node_ids(client: TestClient, settings: Settings, helene: str) -> dict[str, str]:
    response = client.post("/graphql", json={"query": NODE_IDS, "variables": {"id": helene}},
                           headers=bearer(settings, "admin"))
    her = response.json()["data"]["customer"]
    ids = {"Customer": her["id"], "Store": her["stores"][0]["store"]["id"], "Segment": her["segment"]["id"],
           **{f"SourceRecord_{r['source']}": r["id"] for r in her["records"]},
           **{name: her[field]["edges"][0]["node"]["id"] for name, field in (("Transaction", "transactions"),
                                                                           ("Ticket", "tickets"))},
           **{f"WebSession_{n}": e["node"]["id"] for n, e in enumerate(her["webSessions"]["edges"], start=1)}}
    return ids | {"nodes": ", ".join(f'"{i}"' for i in ids.values())}


# -- GraphQL documents from the schema's introspection --------------------------------------------------
def _types() -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in schema.introspect()["__schema"]["types"]}


def _named(reference: dict[str, Any]) -> dict[str, Any]:
    while reference.get("ofType"):
        reference = reference["ofType"]
    return reference


def _arguments(owner: str, field: dict[str, Any]) -> str:
    required = [a["name"] for a in field["args"] if a["type"]["kind"] == "NON_NULL" and a["defaultValue"] is None]
    rule = NESTED_ARGUMENTS.get(f"{owner}.{field['name']}")
    assert rule is not None or not required, f"no rule for the arguments of {owner}.{field['name']}: {required}"
    return f"({rule})" if rule else ""


def _selection(types: dict[str, dict[str, Any]], name: str, seen: tuple[str, ...] = (),
               only: str | None = None, clashing: frozenset[str] = frozenset()) -> str:
    """Every field of type ``name``, recursively (guarded fields left out, or only the guarded ``only``);
    ``clashing``: names the types of an interface give different types (aliased, or the document is invalid)."""
    kind = types[name]
    if kind["kind"] in ("INTERFACE", "UNION"):
        shapes: dict[str, set[str]] = {}
        for possible in kind["possibleTypes"]:
            for field in types[possible["name"]]["fields"]:
                shapes.setdefault(field["name"], set()).add(json.dumps(field["type"], sort_keys=True))
        clash = frozenset(field for field, shape in shapes.items() if len(shape) > 1)
        return "{ __typename " + " ".join(f"... on {p['name']} {_selection(types, p['name'], seen, only, clash)}"
                                          for p in kind["possibleTypes"]) + " }"
    parts = []
    for field in kind["fields"]:
        path, target = f"{name}.{field['name']}", _named(field["type"])
        if (path in GUARDED and path != only) or target["name"] in seen:
            continue
        inner = "" if target["kind"] in ("SCALAR", "ENUM") else _selection(types, target["name"], (*seen, name))
        label = f"{name}_{field['name']}: " if field["name"] in clashing else ""
        parts.append(f"{label}{field['name']}{_arguments(name, field)} {inner}".strip())
    return "{ " + " ".join(parts) + " }"


def _documents(store: Store) -> dict[str, str]:
    """Every GraphQL path: each root field's variants with everything it reaches, and each guarded field."""
    types, documents, erasable = _types(), {}, store.erasable.pop()
    for operation, root in (("query", "Query"), ("mutation", "Mutation"), ("subscription", "Subscription")):
        fields = {f["name"]: f for f in types[root]["fields"]}
        assert not set(fields) - set(ROOT_ARGUMENTS), f"root fields without a rule: {set(fields) - set(ROOT_ARGUMENTS)}"
        for name, field in fields.items():
            variants = ROOT_ARGUMENTS[name]
            if name == "customerByIdentifier":
                enum = next(a for a in field["args"] if a["name"] == "type")
                kinds = {v["name"] for v in types[_named(enum["type"])["name"]]["enumValues"]}
                assert kinds == set(variants), f"identifier types without a rule: {kinds ^ set(variants)}"
            target = _named(field["type"])
            inner = "" if target["kind"] in ("SCALAR", "ENUM") else _selection(types, target["name"])
            for variant, arguments in variants.items():
                filled = arguments.format(id=store.helene, other=store.other, erasable=erasable, **store.node_ids)
                label = f"{name}({variant})" if variant else name
                documents[label] = f"{operation} {{ {name}{f'({filled})' if filled else ''} {inner} }}"
    for guarded in GUARDED:
        owner = guarded.partition(".")[0]
        assert owner == "Customer", f"walk {guarded} through a root field that returns a {owner}"
        only = _selection(types, owner, only=guarded)
        documents[guarded] = f'query {{ customer(id: "{store.helene}") {only} }}'
    return documents


# -- routes of the app ------------------------------------------------------------------------------------
def _route_paths(routes: list[Any], prefix: str = "") -> Iterator[str]:
    """Every path the app answers, mounted routers included (through the middleware wrapping them)."""
    for route in routes:
        inner: Any = route.app if isinstance(route, Mount) else None
        while inner is not None and not hasattr(inner, "routes") and hasattr(inner, "app"):
            inner = inner.app
        if inner is not None and getattr(inner, "routes", None):
            yield from _route_paths(inner.routes, prefix + route.path)
        elif isinstance(route, (Route, Mount)):
            yield prefix + route.path


# -- what a body shows ------------------------------------------------------------------------------------
def _forms(secret: str) -> set[str]:
    """A value as an answer may carry it: as written, JSON-escaped, and as its digits when it has many."""
    forms = {secret.lower(), json.dumps(secret)[1:-1].lower()}
    digits = re.sub(r"\D", "", secret)
    if len(digits) >= 6:
        forms.add(digits)
    return forms


def unseen_secrets(text: str) -> set[tuple[str, str]]:
    """Every secret (kind, value) that ``text`` does not show: what a walk as admin must leave empty, so that a
    secret's absence from another role's answers means something."""
    every = {(kind, value) for kind, values in SECRETS.items() for value in values}
    return every - set(shown_secrets(text, set(SECRETS)))


def shown_secrets(body: str, kinds: set[str]) -> list[tuple[str, str]]:
    """The secrets of ``kinds`` found in ``body``, as (kind, value); page cursors are read decoded."""
    cursors = re.findall(r'"(?:cursor|startCursor|endCursor)"\s*:\s*"([A-Za-z0-9_=-]+)"', body)
    text = " ".join([body, *(base64.urlsafe_b64decode(c).decode(errors="replace") for c in cursors)]).lower()
    joined = re.sub(r"(?<=\d)[\s.\-/+]+(?=\d)", "", text)  # 06 12 34 56 78, 29/02/1980 → their digits
    return [(kind, secret) for kind in sorted(kinds) for secret in SECRETS[kind]
            if any(form in text or (form.isdigit() and form in joined) for form in _forms(secret))]


def _not_found(data: dict[str, Any]) -> bool:
    """A ``node`` or ``nodes`` answer missing an object."""
    found = data["node"] if "node" in data else data["nodes"]
    return found is None or (isinstance(found, list) and None in found)


def _walk(store: Store, role: str) -> dict[str, tuple[int, str, list[str]]]:
    """Every path as ``role``: path → (HTTP status, body, the GraphQL error codes)."""
    headers = bearer(store.settings, role)
    answers: dict[str, tuple[int, str, list[str]]] = {}
    for path, document in _documents(store).items():
        if document.startswith("subscription"):
            answers[path] = _first_message(store, document, headers)
            continue
        response = store.client.post("/graphql", json={"query": document}, headers=headers)
        codes = [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]
        answers[path] = (response.status_code, response.text, codes)
    app_paths = set(_route_paths(store.client.app.routes))  # type: ignore[attr-defined]
    assert app_paths == set(ROUTE_REQUESTS), f"routes without a rule: {app_paths ^ set(ROUTE_REQUESTS)}"
    for path, request in ROUTE_REQUESTS.items():
        if request is not None:
            method, _, target = request.rpartition(" ")
            response = store.client.request(method or "GET", target.format(id=store.helene), headers=headers,
                                            json={"rows": []} if method == "POST" else None)
            answers[path] = (response.status_code, response.text, [])
    return answers


def _first_message(store: Store, document: str, headers: dict[str, str]) -> tuple[int, str, list[str]]:
    """A subscription's first message over graphql-transport-ws, as a GraphQL answer would be walked."""
    with store.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init", "payload": headers})
        assert socket.receive_json() == {"type": "connection_ack"}
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": document}})
        message = socket.receive_json()
        socket.send_json({"id": "1", "type": "complete"})
    payload = message["payload"] if message["type"] == "next" else {"errors": message["payload"]}
    codes = [e.get("extensions", {}).get("code") for e in payload.get("errors", [])]
    return 200, json.dumps(payload), codes


@pytest.mark.parametrize("role", ROLES)
def test_every_path_shows_only_what_the_role_may_see(store: Store, role: str) -> None:
    problems = []
    for path, (status, body, codes) in _walk(store, role).items():
        refused = role in REFUSED.get(path, set())
        if refused:
            if not (status == 403 or (status == 200 and codes == ["FORBIDDEN"])):
                problems.append(f"{path}: not refused to {role} ({status}, {codes})")
        elif status != 200 or codes:
            problems.append(f"{path}: {status} {codes} {body[:300]}")
        elif path not in ABOUT_OTHERS and store.helene not in body:
            problems.append(f"{path}: the customer is not in the answer, nothing was checked: {body[:300]}")
        elif path.startswith("node") and _not_found(json.loads(body)["data"]):
            problems.append(f"{path}: an object of hers was not found, nothing was checked: {body[:300]}")
        problems += [f"{path}: {role} sees {kind} {value!r}" for kind, value in shown_secrets(body, HIDDEN_FROM[role])]
    assert not problems, "\n".join(problems)


def test_the_walk_sees_every_secret_where_it_may_be_seen(store: Store) -> None:
    """Admins see everything: every secret shows on some path, so its absence elsewhere means something."""
    assert unseen_secrets(" ".join(body for _, body, _ in _walk(store, "admin").values())) == set()


def test_pages_of_sessions_tied_on_their_start_carry_no_cookie(store: Store) -> None:
    """The cursor breaks ties with the session's content hash: every session once, and no cookie in it."""
    document = ('query($id: ID!, $after: String) { customer(id: $id) { webSessions(first: 1, after: $after) '
                '{ edges { cursor node { key } } pageInfo { hasNextPage endCursor } } } }')
    keys, after = [], None
    for _ in range(5):
        response = store.client.post("/graphql", json={"query": document, "variables": {"id": store.helene,
                                                                                           "after": after}},
                                     headers=bearer(store.settings, "analyst"))
        assert shown_secrets(response.text, {"cookie"}) == []
        page = response.json()["data"]["customer"]["webSessions"]
        keys += [edge["node"]["key"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert len(keys) == len(set(keys)) == 2
