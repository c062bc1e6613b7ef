"""GraphQL operations a hostile client could send, generated from the schema, and what counts as a server error.

hypothesis-graphql draws a document with random selections from every query and mutation field; then each
argument, at any depth, keeps its literal, takes a value known to the graph (a real customer id, record key,
cursor…, so the operation reaches past "not found"), or takes a hostile one (lone surrogates, NUL, huge
ints, NaN and infinities, very long strings, injection payloads, odd Unicode, forged cursors), written as a
literal or sent as a variable. Each operation goes with one role's token (or none, or a forged one), mostly
as a JSON POST, sometimes as a GET or a damaged body. A refusal (BAD_USER_INPUT, FORBIDDEN,
GRAPHQL_VALIDATION_FAILED, HTTP 400/401/403/413) is a good answer; anything else is a server error.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

import graphql
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FloatValueNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    TypeNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    print_ast,
    visit,
)
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes
from neo4j import RoutingControl
from starlette.testclient import TestClient

from api.auth import issue_token
from api.pagination import encode_cursor
from graph.database import Graph

T = TypeVar("T")
#: error codes that are refusals, not faults
CODES = frozenset({"BAD_USER_INPUT", "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"})
#: HTTP statuses that are refusals: bad request, no or bad token, forbidden, body too large
REFUSALS = frozenset({400, 401, 403, 413})
ROLES = ("agent", "analyst", "marketing", "admin")

#: what attackers try in any text field: Cypher, SQL, script, templates, paths, format strings
INJECTIONS = (
    "' OR 1=1 //", "\" OR \"\"=\"", "x'}) MATCH (n) DETACH DELETE n //", "`) RETURN 1 //", "$id", "{id: 1}",
    "') CALL dbms.components() YIELD name RETURN name //", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
    "apoc.cypher.runWrite('MATCH (n) DETACH DELETE n', {})", "Robert'); DROP TABLE customers;--",
    "<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>", "javascript:alert(1)",
    "=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "{{7*7}}", "${jndi:ldap://x/a}",
    "../../../../etc/passwd", "%s%s%s%n", "%00", "\\", "\\\\", "\"", "'", "`", "__proto__", "constructor",
    "null", "undefined", "NaN", "-Infinity", "true", "[]", "{}", "0x7fffffff", "1e309", "-0",
)
#: Unicode that breaks naive code: controls, NUL, lone and reversed surrogates, RTL overrides, combining marks,
#: astral characters, the BOM, non-characters, line separators, confusables
ODD_TEXT = (
    "", " ", "\t", "\r\n", "\x00", "a\x00b", "\x1b[31m", "\x7f", "\ud800", "\udfff", "x\udc00y", "\udfff\ud800",
    "\u202eevil\u202c", "e\u0301", "\u0301" * 64, "😀", "👩‍👩‍👧‍👦", "𝕮𝖚𝖘𝖙𝖔𝖒𝖊𝖗", "\ufeff", "\ufffe", "\uffff",
    "\U0010ffff", "\u2028\u2029", "ǅ", "İ", "ß", "ﬁ", "Ω", "\uff21\uff44\uff4d\uff49\uff4e", "🇫🇷", "中文名字", "مرحبا",
    "\u200b",
)
LONG_LENGTHS = (256, 1_000, 10_000, 100_000)
HUGE_INTS = (2**31, -(2**31) - 1, 2**53 + 1, 2**63, -(2**63) - 1, 10**30, -(10**30), 10**400)
ODD_FLOATS = (0.0, -0.0, 1e-320, 1e308, -1e308, 1.7976931348623157e308, float("inf"), float("-inf"), float("nan"),
              90.0000001, -180.5, 20_000.0, 1e15)
#: instants at the ends of the calendar and of time zones: valid ISO 8601, some beyond year 1 or 9999 in UTC
EDGE_TIMES = ("0001-01-01T00:00:00+14:00", "0001-01-01T13:59:59+14:00", "0001-01-01T00:00:00+00:01",
              "9999-12-31T23:59:59-12:00", "9999-12-31T10:00:00-14:00", "9999-12-31T23:59:59.999999-00:01",
              "0001-01-01T00:00:00", "9999-12-31T23:59:59.999999", "9999-12-31T23:59:59.999999+14:00",
              "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z", "2038-01-19T03:14:08Z",
              "2024-10-27T02:30:00+02:00")
#: times that are not ISO 8601 instants, or not instants at all
BAD_TIMES = ("2024-02-30T00:00", "2024-13-01", "2024-01-01T25:00:00", "-2024-01-01", "2024-01-01T00:00:00+99:00",
             "now", "", "1700000000", "2024-06-01T12:00:00.123456789Z", "0000-01-01T00:00:00", "10000-01-01")
ODD_TIMES = EDGE_TIMES + BAD_TIMES
#: argument names whose values the graph knows (``Known``): hostile variants are built from them too
KNOWN_ARGUMENTS = {
    "id": "customer_ids", "customerId": "customer_ids", "otherRecordKey": "record_keys", "ticketKey": "ticket_keys",
    "storeKey": "store_keys", "venue": "venues", "value": "identifier_values", "name": "names",
    "postcode": "postcodes", "emailPrefix": "email_prefixes", "segment": "segments", "purpose": "purposes",
    "after": "cursors", "email": "emails", "phone": "phones", "country": "countries", "city": "cities",
    "status": "statuses", "channel": "channels",
}


@dataclass(frozen=True)
class Known:
    """Values taken from the graph, by kind (``KNOWN_ARGUMENTS`` says which argument takes which)."""

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: strategies built once per (input type, argument): building them is most of a draw's cost
    strategies: dict[tuple[str, str], st.SearchStrategy[Any]] = field(default_factory=dict, compare=False)

    def of(self, argument: str) -> tuple[str, ...]:
        return self.values.get(KNOWN_ARGUMENTS.get(argument, ""), ())


@dataclass(frozen=True)
class Operation:
    """One request: a document with its variables, sent with a role's token (None: no token; "forged")."""

    query: str
    variables: dict[str, Any]
    role: str | None
    transport: str = "post"  # post | get | damaged
    operation_name: str | None = None

    def describe(self) -> str:
        return (f"role={self.role} transport={self.transport} name={self.operation_name!r}\n{self.query}\n"
                f"variables={json.dumps(self.variables)[:2000]}")


@dataclass
class Tally:
    """What a fuzz run did: operations tried, and each server error with the operation that caused it."""

    tried: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    #: how the answers went: "answered" (no error), an error code, or an HTTP status
    outcomes: Counter[str] = field(default_factory=Counter)

    def distinct(self) -> dict[str, tuple[str, str, int]]:
        """Errors grouped by their first line: the first error, its operation, and how many happened."""
        groups: dict[str, tuple[str, str, int]] = {}
        for error, operation in self.errors:
            key = error.splitlines()[0][:200]
            first, example, count = groups.get(key, (error, operation, 0))
            groups[key] = (first, example, count + 1)
        return groups


def weighted(*choices: tuple[int, st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """``one_of`` with weights: hypothesis's own ``one_of`` collapses a branch given several times."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.integers(0, len(table) - 1).flatmap(lambda i: table[i])


def text(known: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Hostile text, and (when given) values the graph knows, as they are (half the time) or changed."""
    long = st.builds(lambda n, c: c * n, st.sampled_from(LONG_LENGTHS),
                     st.sampled_from(("A", "é", "😀", "'", "\ud800")))
    hostile = weighted((3, st.sampled_from(INJECTIONS)), (3, st.sampled_from(ODD_TEXT)), (1, long),
                       (2, st.text(max_size=40)),
                       (1, st.text(st.characters(codec=None, exclude_categories=()), max_size=20)))  # surrogates too
    if not known:
        return hostile
    base = st.sampled_from(known)
    altered = st.builds(_altered, base, st.sampled_from(ODD_TEXT + INJECTIONS[:8]), st.integers(0, 3))
    return weighted((5, base), (2, altered), (3, hostile))


def _altered(value: str, odd: str, how: int) -> str:
    """A known value with something hostile added, cut or changed."""
    if how == 0:
        return value + odd
    if how == 1:
        return odd + value
    if how == 2:
        return value[: len(value) // 2]
    return value.upper() if value.islower() else value.lower()


def cursors(known: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Cursors as c360 issues them, and forged ones: other lists, wrong shapes, hostile positions."""
    kinds = st.sampled_from(("customers", "transactions", "tickets", "web_sessions") * 3 + ("other", "\ud800"))
    positions = st.one_of(st.tuples(text()), st.tuples(st.sampled_from(EDGE_TIMES), text(known)),
                          st.tuples(st.sampled_from(BAD_TIMES), text(known)),
                          st.lists(st.one_of(text(), st.integers(), st.none()), max_size=3))
    forged = st.builds(lambda kind, parts: base64.urlsafe_b64encode(json.dumps([kind, *parts]).encode()).decode(),
                       kinds, positions)
    junk = st.one_of(st.binary(max_size=40).map(lambda b: base64.urlsafe_b64encode(b).decode()),
                     st.builds(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode(),
                               st.one_of(st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                                         st.integers(), st.floats(), st.lists(st.integers(), max_size=3))))
    return weighted((2, text(known)), (2, forged), (1, junk))


def json_value(type_: GraphQLInputType, argument: str, known: Known) -> st.SearchStrategy[Any]:
    """A value for a variable of ``type_``: usually of the right shape, with hostile content, sometimes not."""
    key = (str(type_), argument)
    if key not in known.strategies:
        known.strategies[key] = _json_value(type_, argument, known)
    return known.strategies[key]


def _json_value(type_: GraphQLInputType, argument: str, known: Known) -> st.SearchStrategy[Any]:
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    right = _right_shape(inner, argument, known)
    wrong = st.one_of(st.none(), st.booleans(), st.integers(), st.lists(st.integers(), max_size=2),
                      st.dictionaries(text(), text(), max_size=2), text())
    # mostly the right shape with hostile content, so that most operations pass validation and reach resolvers
    return weighted((18, right), (1, st.none() if nullable else right), (1, wrong))


def _right_shape(type_: GraphQLInputType, argument: str, known: Known) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(json_value(type_.of_type, argument, known), max_size=3)
    if isinstance(type_, GraphQLInputObjectType):
        fields = {name: json_value(f.type, name, known) for name, f in type_.fields.items()}
        return st.fixed_dictionaries({}, optional=fields)
    if isinstance(type_, GraphQLEnumType):
        return weighted((5, st.sampled_from(sorted(type_.values))), (1, text()))
    assert isinstance(type_, GraphQLScalarType)
    return {"Int": weighted((12, st.integers(1, 100)), (3, st.sampled_from((0, -1, 101, 2**31 - 1, -(2**31)))),
                            (1, st.sampled_from(HUGE_INTS)), (1, st.sampled_from((1.5, 1e300, "10")))),
            "Float": weighted((8, st.floats(-200, 200)), (2, st.floats(0, 1e4)), (2, st.sampled_from(ODD_FLOATS)),
                              (1, st.floats()), (1, st.just("5"))),
            "Boolean": weighted((5, st.booleans()), (1, st.sampled_from(("true", 1, 0)))),
            "DateTime": weighted((1, st.datetimes().map(lambda d: d.isoformat())),
                                 (1, st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())),
                                 (5, st.sampled_from(EDGE_TIMES)), (2, st.sampled_from(BAD_TIMES)), (1, text())),
            "Date": weighted((2, st.dates().map(str)), (2, st.sampled_from(ODD_TIMES)), (1, text())),
            }.get(type_.name, cursors(known.of(argument)) if argument == "after" else text(known.of(argument)))


def literal(value: Any, type_: GraphQLInputType) -> ValueNode:
    """``value`` written in the document, as close to ``type_`` as it can be (an enum name as an enum)."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if value is None:
        return NullValueNode()
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value) if value == value and abs(value) != float("inf") else "1e400")
    if isinstance(value, str):
        if isinstance(inner, GraphQLEnumType) and value in inner.values:
            return EnumValueNode(value=value)
        return StringValueNode(value=value)
    if isinstance(value, list):
        item = inner.of_type if isinstance(inner, GraphQLList) else inner
        return ListValueNode(values=tuple(literal(v, item) for v in value))
    fields = inner.fields if isinstance(inner, GraphQLInputObjectType) else {}
    return ObjectValueNode(fields=tuple(
        ObjectFieldNode(name=NameNode(value=str(k)), value=literal(v, fields[k].type if k in fields else inner))
        for k, v in value.items()))


def _type_node(type_: GraphQLInputType) -> TypeNode:
    if isinstance(type_, GraphQLNonNull):
        inner = _type_node(type_.of_type)
        assert isinstance(inner, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=inner)
    if isinstance(type_, GraphQLList):
        return ListTypeNode(type=_type_node(type_.of_type))
    return NamedTypeNode(name=NameNode(value=type_.name))


class _Arguments(Visitor):
    """Replaces each argument's value with a hostile one, written as a literal or sent as a variable (declared
    on the operation), or with a benign one. Mostly one argument of the operation is hostile (``hostile``,
    its place), so that no refusal of another hides what it does to the resolver behind it; otherwise any
    may be, one argument of a field in n + 1."""

    def __init__(self, draw: st.DrawFn, type_info: TypeInfo, known: Known, hostile: int | None) -> None:
        super().__init__()
        self.draw, self.type_info, self.known, self.hostile = draw, type_info, known, hostile
        self.seen = 0
        self.definitions: list[VariableDefinitionNode] = []
        self.variables: dict[str, Any] = {}

    def enter_argument(self, node: ArgumentNode, *_: Any) -> ArgumentNode | None:
        argument = self.type_info.get_argument()
        field_def = self.type_info.get_field_def()
        if argument is None:
            return None
        self.seen += 1
        if self.hostile is not None:
            hostile = self.seen - 1 == self.hostile
        else:
            hostile = self.draw(st.integers(0, len(field_def.args) if field_def else 1)) == 0
        if hostile:
            value = self.draw(json_value(argument.type, node.name.value, self.known))
        elif self.draw(st.integers(0, 3)) == 0:
            return None  # hypothesis-graphql's own literal
        else:
            value = self.draw(benign(argument.type, node.name.value, self.known))
        if self.draw(st.integers(0, 2)) == 0:
            return ArgumentNode(name=node.name, value=literal(value, argument.type))
        name = f"v{len(self.definitions)}"
        declared = argument.type if self.draw(st.integers(0, 49)) else graphql.GraphQLString  # now and then, a lie
        self.definitions.append(VariableDefinitionNode(variable=VariableNode(name=NameNode(value=name)),
                                                       type=_type_node(declared)))
        self.variables[name] = value
        return ArgumentNode(name=node.name, value=VariableNode(name=NameNode(value=name)))


#: plausible values of arguments the graph does not know (``Known``), by name
BENIGN = {"first": st.integers(1, 20), "limit": st.integers(1, 50), "radiusKm": st.floats(1, 200),
          "minKm": st.floats(0, 100), "latitude": st.floats(43, 51), "longitude": st.floats(-1, 7),
          "granted": st.booleans(), "subject": st.sampled_from(("Colis non reçu", "Refund")),
          "note": st.sampled_from(("called back", "sent a voucher")), "why": st.sampled_from(("customer called",)),
          "street": st.sampled_from(("rue de la Paix", "Kerkstraat")), "houseNumber": st.sampled_from(("12", "3b")),
          "since": st.datetimes(datetime(2020, 1, 1), datetime(2026, 1, 1)).map(lambda d: d.isoformat())}


def benign(type_: GraphQLInputType, argument: str, known: Known) -> st.SearchStrategy[Any]:
    """A value that passes validation and means something: null where allowed, else what the graph holds."""
    key = (f"benign {type_}", argument)
    if key not in known.strategies:
        known.strategies[key] = _benign(type_, argument, known)
    return known.strategies[key]


def _benign(type_: GraphQLInputType, argument: str, known: Known) -> st.SearchStrategy[Any]:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLInputObjectType):
        value: st.SearchStrategy[Any] = st.fixed_dictionaries({}, optional={
            name: benign(f.type, name, known) for name, f in inner.fields.items()})
    elif isinstance(inner, GraphQLEnumType):
        value = st.sampled_from(sorted(inner.values))
    elif argument in BENIGN:
        value = BENIGN[argument]
    elif known.of(argument):
        value = st.sampled_from(known.of(argument))
    else:
        value = _right_shape(inner, argument, known)
    return value if isinstance(type_, GraphQLNonNull) else weighted((1, st.none()), (2, value))


class _Count(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_argument(self, *_: Any) -> None:
        self.count += 1


def _with_arguments(draw: st.DrawFn, schema: GraphQLSchema, document: DocumentNode,
                    known: Known) -> tuple[DocumentNode, dict[str, Any]]:
    type_info = TypeInfo(schema)
    arguments = _Count()
    visit(document, arguments)
    one = draw(st.integers(0, 4)) > 0 and arguments.count > 0
    visitor = _Arguments(draw, type_info, known, draw(st.integers(0, arguments.count - 1)) if one else None)
    changed: DocumentNode = visit(document, TypeInfoVisitor(type_info, visitor))
    if not visitor.definitions:
        return changed, {}
    [operation] = changed.definitions
    assert isinstance(operation, OperationDefinitionNode)
    declared = OperationDefinitionNode(operation=operation.operation, name=operation.name,
                                       variable_definitions=tuple(visitor.definitions),
                                       directives=operation.directives, selection_set=operation.selection_set)
    return DocumentNode(definitions=(declared,)), visitor.variables


SCALARS = {
    "DateTime": st.one_of(st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=20)).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
    "JSON": st.text(max_size=10).map(nodes.String),
    "Decimal": st.decimals(allow_nan=False).map(nodes.String),
}


def documents(schema: GraphQLSchema) -> st.SearchStrategy[DocumentNode]:
    """Valid documents with random selections, most over one root field (each as likely as any other, and one
    argument refused then spoils nothing else), some over several, and now and then an invalid one."""
    def identity(document: DocumentNode) -> DocumentNode:
        return document

    roots = {**(schema.query_type.fields if schema.query_type else {}),
             **(schema.mutation_type.fields if schema.mutation_type else {})}
    single = weighted(*((1 + _arguments_below(root.type, 2), from_schema(
        schema, fields=[name], custom_scalars=SCALARS, print_ast=identity)) for name, root in roots.items()))
    several = from_schema(schema, custom_scalars=SCALARS, print_ast=identity)
    invalid = from_schema(schema, custom_scalars=SCALARS, print_ast=identity, mode=Mode.NEGATIVE)
    return weighted((14, single), (5, several), (1, invalid))


def _arguments_below(type_: GraphQLOutputType, depth: int) -> int:
    """Fields taking arguments within ``depth`` levels of ``type_``: a root field over a customer is drawn
    more often than one over a flat list, so that its pages, filters and cursors are reached as often."""
    named = get_named_type(type_)
    if depth == 0 or not isinstance(named, GraphQLObjectType):
        return 0
    return sum(bool(f.args) + _arguments_below(f.type, depth - 1) for f in named.fields.values())


def operations(schema: GraphQLSchema, known: Known) -> st.SearchStrategy[Operation]:
    drawn = documents(schema)

    @st.composite
    def build(draw: st.DrawFn) -> Operation:
        document, variables = _with_arguments(draw, schema, draw(drawn), known)
        role = draw(st.sampled_from((*ROLES * 12, None, "forged")))
        transport = draw(st.sampled_from(("post",) * 18 + ("get", "damaged")))
        name = draw(st.sampled_from((None,) * 38 + ("\ud800", "Missing")))
        return Operation(print_ast(document), variables, role, transport, name)

    return build()


def role_headers(key: str) -> dict[str | None, dict[str, str]]:
    """The Authorization header of each role's token (signed with ``key``), of none, and of a forged one."""
    headers: dict[str | None, dict[str, str]] = {
        role: {"Authorization": f"Bearer {issue_token(key, role, f'fuzz-{role}', timedelta(hours=4))}"}
        for role in ROLES}
    forged = issue_token("not the server's key, but long enough" * 2, "admin", "forger", timedelta(hours=4))
    return headers | {None: {}, "forged": {"Authorization": f"Bearer {forged}"}}


def _body(operation: Operation) -> dict[str, Any]:
    body: dict[str, Any] = {"query": operation.query, "variables": operation.variables}
    if operation.operation_name is not None:
        body["operationName"] = operation.operation_name
    return body


def _damaged(body: bytes, seed: int) -> bytes:
    """A body as a broken client or a proxy might send it."""
    cut = len(body) // 2
    return (body[:cut], body[:cut] + b"\xff" + body[cut:], b"\xef\xbb\xbf" + body, body.replace(b"{", b"[", 1),
            b"[" + body + b"," + body + b"]", body.decode().encode("utf-16"))[seed % 6]


def request(client: TestClient, headers: Mapping[str | None, dict[str, str]], operation: Operation
            ) -> tuple[int, bytes]:
    """Send one operation as its transport says; the status and body of the answer."""
    header = headers[operation.role]
    if operation.transport == "get" and len(operation.query) + len(json.dumps(operation.variables)) < 2000:
        params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in _body(operation).items()}
        query = urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in params.items()})
        response = client.get(f"/graphql?{query}", headers=header)
    else:
        body = json.dumps(_body(operation)).encode("ascii")  # a lone surrogate travels as \\ud800, as JSON allows
        if operation.transport == "damaged":
            body = _damaged(body, len(operation.query))
        response = client.post("/graphql", content=body, headers={**header, "content-type": "application/json"})
    return response.status_code, response.content


def server_error(status: int, content: bytes) -> str | None:
    """Why an answer is a server fault, or None when it is an answer or a clean refusal."""
    if status >= 500:
        return f"HTTP {status}: {content[:300]!r}"
    if status != 200 and status not in REFUSALS:
        return f"unexpected HTTP {status}: {content[:300]!r}"
    try:
        answer = json.loads(content)
    except ValueError:
        return f"HTTP {status} answered with something that is not JSON: {content[:300]!r}"
    for error in (answer.get("errors") or []) if isinstance(answer, dict) else []:
        code = (error.get("extensions") or {}).get("code")
        if code not in CODES:
            return f"error code {code}: {error.get('message')} at {error.get('path')}"
        if "Traceback" in error.get("message", "") or "neo4j" in error.get("message", "").lower():
            return f"internals in an error message: {error['message'][:300]}"
    return None


def _outcome(status: int, content: bytes) -> str:
    """``answered`` (data, no error), else the first error's code, or the HTTP status of a refusal."""
    try:
        answer = json.loads(content)
    except ValueError:
        return f"HTTP {status}"
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if status == 200 and not errors:
        return "answered"
    if errors:
        code = str((errors[0].get("extensions") or {}).get("code"))
        return code if status == 200 else f"HTTP {status} {code}"
    return f"HTTP {status}"


class _Captured(logging.Handler):
    """Errors the server logged (an unexpected exception is logged with its traceback before being masked)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@contextmanager
def server_log() -> Iterator[_Captured]:
    captured = _Captured()
    captured.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(captured)
    try:
        yield captured
    finally:
        root.removeHandler(captured)


def try_operation(client: TestClient, headers: Mapping[str | None, dict[str, str]], operation: Operation,
                  log: _Captured, tally: Tally) -> None:
    """Send one operation and add it, with any server error it caused, to ``tally``."""
    tally.tried += 1
    log.records.clear()
    try:
        status, content = request(client, headers, operation)
        error = server_error(status, content)
        tally.outcomes[_outcome(status, content)] += 1
    except Exception:  # the app raised instead of answering: the worst kind of server error
        error = "uncaught exception\n" + traceback.format_exc()
    if log.records:
        error = (error or "the server logged an error") + "\n" + "\n".join(log.records)
    if error is not None:
        tally.errors.append((error, operation.describe()))


#: (kind of value, Cypher returning it as ``v``): samples of what the graph holds, for ``Known``
SAMPLES = {
    "customer_ids": "MATCH (c:Customer) RETURN c.id AS v ORDER BY v LIMIT 40",
    "record_keys": "MATCH (r:SourceRecord) RETURN r.key AS v ORDER BY v LIMIT 40",
    "ticket_keys": "MATCH (t:Ticket) RETURN t.key AS v ORDER BY v LIMIT 20",
    "store_keys": "MATCH (s:Store) RETURN s.key AS v ORDER BY v LIMIT 20",
    "identifier_values": "MATCH (i:Identifier) RETURN i.value AS v ORDER BY i.key LIMIT 60",
    "names": "MATCH (c:Customer) WHERE c.last_name IS NOT NULL RETURN DISTINCT c.last_name AS v ORDER BY v LIMIT 20",
    "postcodes": "MATCH (c:Customer) WHERE c.postcode IS NOT NULL RETURN DISTINCT c.postcode AS v ORDER BY v LIMIT 20",
    "emails": "MATCH (i:Identifier {type: 'email'}) RETURN i.value AS v ORDER BY v LIMIT 20",
    "phones": "MATCH (i:Identifier {type: 'phone'}) RETURN i.value AS v ORDER BY v LIMIT 20",
    "segments": "MATCH (s:Segment) RETURN s.name AS v ORDER BY v",
    "purposes": "MATCH (p:Purpose) RETURN p.name AS v ORDER BY v",
    "cities": "MATCH (c:Customer) WHERE c.city IS NOT NULL RETURN DISTINCT c.city AS v ORDER BY v LIMIT 10",
}


def known_values(graph: Graph) -> Known:
    """Samples of what the graph holds, and cursors c360 would issue over them."""
    values: dict[str, tuple[str, ...]] = {}
    for kind, query in SAMPLES.items():
        records, _, _ = graph.driver.execute_query(query, database_=graph.database,
                                                   routing_=RoutingControl.READ)
        values[kind] = tuple(str(r["v"]) for r in records if r["v"] is not None)
    records, _, _ = graph.driver.execute_query(
        "MATCH (t:Transaction) RETURN t.at AS at, t.key AS key ORDER BY key LIMIT 10", database_=graph.database,
        routing_=RoutingControl.READ)
    values["cursors"] = (*(encode_cursor("customers", i) for i in values["customer_ids"][:10]),
                         *(encode_cursor("transactions", r["at"].iso_format(), r["key"]) for r in records))
    values["email_prefixes"] = tuple(e[:3] for e in values["emails"])
    values["venues"] = (*values["store_keys"], "48.8566,2.3522", "0,0", "90,180", "-91,0", "48.85,2.35,1", "nan,nan")
    values["countries"] = ("FR", "BE", "NL", "DE", "LU", "ZZ", "fr")
    values["statuses"] = ("open", "closed", "pending")
    values["channels"] = ("phone", "email", "store", "chat")
    return Known(values)
