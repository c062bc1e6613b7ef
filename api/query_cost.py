"""What a GraphQL operation costs, worked out from the parsed document before any resolver runs.

The depth, alias and token limits bound the size of a document, not the work it asks for: thirty aliases of
``invitations(limit: 10000) { customer { transactions(first: 100) { … } } }`` are a short document and tens of
millions of resolved fields. The cost counts every field once for each object it is resolved on: a list's size
argument (``first``, ``limit``) multiplies what is selected inside the list, nested lists multiply, and on a
connection the size applies to its ``edges``. A size comes from the literal, the variable (or its default) or
the argument's default; above the largest size the field accepts it counts as that largest size (the resolver
refuses it and says why). A connection pages with ``first`` or ``last``, either counted alike, and with
neither its default page; ``nodes(ids:)`` counts one for each id. A list the request cannot size (a
customer's records) counts once. Directives are ignored, so the cost is an upper bound of what runs.

Written here, not taken from a package: strawberry has no cost extension; graphql-complexity multiplies only
fields typed as lists (a connection's ``first`` would count once), and Ariadne's cost validator drops the sizes
at a fragment spread, so an expensive selection moved into a fragment escapes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NonNullTypeNode,
    NullValueNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from strawberry.extensions import SchemaExtension

from api.marketing import MAX_INVITEES
from api.nodes import MAX_NODES
from api.pagination import DEFAULT_PAGE, MAX_PAGE

#: the arguments that size a list, with the largest value their fields accept
SIZE_ARGUMENTS: Mapping[str, int] = {"first": MAX_PAGE, "last": MAX_PAGE, "limit": MAX_INVITEES}
#: the list arguments that size a list by their length, with the longest their fields accept
LIST_ARGUMENTS: Mapping[str, int] = {"ids": MAX_NODES}
#: the Relay connection field whose items a connection's size counts
EDGES = "edges"


def operation_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
                   variables: Mapping[str, Any] | None = None) -> int:
    """The cost of the operation that ``operation_name`` picks (0 when it names none: nothing runs)."""
    operation = get_operation_ast(document, operation_name)
    root = schema.get_root_type(operation.operation) if operation else None
    if operation is None or root is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    definitions = operation.variable_definitions or ()
    defaults = {v.variable.name.value: int(v.default_value.value) for v in definitions
                if isinstance(v.default_value, IntValueNode)}
    # a nullable variable without a default that is not sent is null: that size argument is not given
    nulls: dict[str, Any] = {v.variable.name.value: None for v in definitions
                             if not isinstance(v.type, NonNullTypeNode) and v.default_value is None}
    return _Costing(schema, fragments, nulls | defaults | dict(variables or {})).selections(
        operation.selection_set, root, 1)


class _Costing:
    """One walk over an operation; fragments are costed once per page size, so the walk stays linear."""

    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode],
                 variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.costed: dict[tuple[str, int], int] = {}
        self.open: set[str] = set()

    def selections(self, selection_set: SelectionSetNode, parent: GraphQLNamedType, page: int) -> int:
        """The cost of a selection set on ``parent``; ``page`` is the size a connection above gives its edges."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                named = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, named or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int) -> int:
        definition = self.fragments.get(name)
        if definition is None or name in self.open:  # unknown or cyclic: validation refuses those
            return 0
        if (name, page) not in self.costed:
            named = self.schema.get_type(definition.type_condition.name.value)
            self.open.add(name)
            self.costed[name, page] = self.selections(definition.selection_set, named, page) if named else 0
            self.open.discard(name)
        return self.costed[name, page]

    def field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        definition = self.schema.get_field(parent, node.name.value) if is_composite_type(parent) else None
        if definition is None or node.selection_set is None:
            return 1
        size = self.size(node, definition)
        if size is None and node.name.value == EDGES:
            each, inner = page, 1
        elif is_list_type(get_nullable_type(definition.type)):
            each, inner = size or 1, 1
        else:  # an object: a size it takes (a connection's) is for its edges
            each, inner = 1, size or 1
        return 1 + each * self.selections(node.selection_set, get_named_type(definition.type), inner)

    def size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The value of the field's size argument, within 1 and what the field accepts; ``None`` when it has none.

        Sizes the resolver refuses (0, negative, over the largest) count as the nearest it accepts: never less
        than one item, so a negative size cannot make room for other fields. Of ``first`` and ``last``, the one
        given counts (both given: the larger, though the resolver refuses the pair); neither: the default page.
        """
        given = {a.name.value: a.value for a in node.arguments or ()}
        sizes: list[int] = []
        for name, largest in SIZE_ARGUMENTS.items():
            if name not in definition.args:
                continue
            asked = self.value(given[name]) if name in given else definition.args[name].default_value
            if asked is None or asked is Undefined:
                continue  # not given (null): the other size argument, or the default page, counts
            if not isinstance(asked, int) or isinstance(asked, bool):
                asked = largest  # not a number: refused when run, counted at the worst meanwhile
            sizes.append(max(1, min(int(asked), largest)))
        for name, longest in LIST_ARGUMENTS.items():
            if name in definition.args:
                items = self.value(given[name]) if name in given else None
                sizes.append(max(1, min(len(items) if isinstance(items, list) else longest,
                                        longest)))
        if sizes:
            return max(sizes)
        return DEFAULT_PAGE if "first" in definition.args else None

    def value(self, value: ValueNode) -> Any:
        """An argument's value as far as costing needs it: an int, a list, null, or the node as written."""
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, NullValueNode):
            return None
        if isinstance(value, ListValueNode):
            return list(value.values)
        if isinstance(value, VariableNode):  # a required one not sent counts at the worst
            return self.variables.get(value.name.value, value)
        return value


class QueryCost(SchemaExtension):
    """Refuses an operation costing more than the server allows, before any resolver runs.

    It runs as execution starts, so the document has parsed and validated, and the variables are known: the
    operation is answered with the error instead of being executed.
    """

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.context is None:  # run in-process without a request (introspection, tooling): no client
            yield
            return
        limit: int = context.context.max_query_cost
        if document is not None:
            cost = operation_cost(context.schema._schema, document, context.operation_name, context.variables)
            if cost > limit:
                context.result = ExecutionResult(data=None, errors=[GraphQLError(
                    f"the query costs {cost:,}, over the limit of {limit:,}: ask for smaller pages (first, "
                    f"limit) or fewer fields", extensions={"cost": cost, "maxCost": limit})])
        yield
