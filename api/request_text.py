"""What a client sends must be text before anything reads it: strict UTF-8, strict JSON, no lone surrogates.

JSON can spell a lone UTF-16 surrogate (``"\\ud800"``) that no UTF-8 encoder, the store's driver included, can
write, and a body or query string need not be UTF-8 at all. Both are refused where they enter, naming the
argument or parameter, so no resolver or store query ever meets them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from api.errors import UserInputError
from loaders.normalise import LONE_SURROGATE, lone_surrogate

NOT_UTF8 = "not valid text (not UTF-8)"


class NotText(ValueError):
    """A request body that is not UTF-8 JSON: the reason is the client's to read."""


def request_json(data: str | bytes) -> object:
    """A request body as JSON (RFC 8259): UTF-8 only, no ``NaN``/``Infinity``; ``NotText`` says why not."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotText(f"the request body is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
                          f"{error.start})") from None
    try:
        return json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise NotText("the request body is not JSON: nested too deeply") from None
    except json.JSONDecodeError as error:
        raise NotText(f"the request body is not JSON: {error.msg} at offset {error.pos}") from None
    except ValueError as error:  # a constant refused below, or an integer too long to convert
        raise NotText(f"the request body is not JSON: {error}") from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def undecodable_parameter(query_string: bytes) -> str | None:
    """The first query parameter whose name or value is not UTF-8 once unquoted (starlette would silently
    replace it with U+FFFD), or None."""
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part in (name, value):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
    return None


def argument_with_lone_surrogate(document: DocumentNode, operation_name: str | None,
                                 variables: Mapping[str, Any]) -> str | None:
    """The argument (or input field) of the operation to run whose variable value holds a lone surrogate.

    Literals need no check: graphql-core's lexer refuses a surrogate in a document.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    for argument in _arguments(operation, fragments):
        bad = _bad_value(argument.name.value, argument.value, variables)
        if bad:
            return bad
    return None


class TextArguments(SchemaExtension):
    """Refuses an operation whose variables hold a lone surrogate before any resolver runs, naming the
    argument (``customerId: not valid text (lone surrogate)``)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.variables:
            bad = argument_with_lone_surrogate(context.graphql_document, context.operation_name, context.variables)
            if bad:
                context.result = ExecutionResult(data=None, errors=[UserInputError(f"{bad}: {LONE_SURROGATE}")])
        yield


def _arguments(operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
               ) -> Iterator[ArgumentNode]:
    """Every argument in the operation, its directives and the fragments it spreads (each fragment once)."""
    seen: set[str] = set()
    pending: list[SelectionSetNode] = [operation.selection_set]
    for directive in operation.directives or ():
        yield from directive.arguments or ()
    while pending:
        for selection in pending.pop().selections:
            for directive in selection.directives or ():
                yield from directive.arguments or ()
            if isinstance(selection, FieldNode):
                yield from selection.arguments or ()
                if selection.selection_set:
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)


def _bad_value(name: str, node: ValueNode, variables: Mapping[str, Any]) -> str | None:
    """The name of the innermost argument or input field whose value holds a lone surrogate."""
    if isinstance(node, VariableNode):
        return _bad_json(name, variables.get(node.name.value))
    if isinstance(node, ObjectValueNode):
        for field in node.fields:
            if bad := _bad_value(field.name.value, field.value, variables):
                return bad
    if isinstance(node, ListValueNode):
        for item in node.values:
            if bad := _bad_value(name, item, variables):
                return bad
    return None


def _bad_json(name: str, value: Any) -> str | None:
    """The innermost field of a JSON value holding a lone surrogate; a loop, as JSON nests deeper than the
    stack."""
    pending = [(name, value)]
    while pending:
        field, item = pending.pop()
        if isinstance(item, Mapping):
            for key, inner in item.items():
                if lone_surrogate(key):
                    return field
                pending.append((str(key), inner))
        elif isinstance(item, list):
            pending += [(field, inner) for inner in item]
        elif lone_surrogate(item):
            return field
    return None
