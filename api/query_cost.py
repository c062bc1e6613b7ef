"""What a GraphQL operation costs, worked out from the parsed document before any resolver runs.

The depth, alias and token limits bound the size of a document, not the work it asks for: thirty aliases of
``invitations(limit: 10000) { customer { transactions(first: 100) { … } } }`` are a short document and tens of
millions of resolved fields. The cost counts every field once for each object it is resolved on: a list's size
argument (``first``, ``limit``) multiplies what is selected inside the list, nested lists multiply, and on a
connection the size applies to its ``edges``. A size comes from the literal, the variable (or its default) or
the argument's default; above the largest size the field accepts it counts as that largest size (the resolver
refuses it and says why). A list the request cannot size (a customer's records) counts once. Directives are
ignored, so the cost is an upper bound of what runs.

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
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
)
from strawberry.extensions import SchemaExtension

from api.marketing import MAX_INVITEES
from api.pagination import MAX_PAGE

#: the arguments that size a list, with the largest value their fields accept
SIZE_ARGUMENTS: Mapping[str, int] = {"first": MAX_PAGE, "limit": MAX_INVITEES}
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
    defaults = {v.variable.name.value: int(v.default_value.value) for v in operation.variable_definitions or ()
                if isinstance(v.default_value, IntValueNode)}
    return _Costing(schema, fragments, defaults | dict(variables or {})).selections(operation.selection_set, root, 1)


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
        than one item, so a negative size cannot make room for other fields.
        """
        for name, largest in SIZE_ARGUMENTS.items():
            if name not in definition.args:
                continue
            value = next((a.value for a in node.arguments or () if a.name.value == name), None)
            if isinstance(value, IntValueNode):
                asked: Any = int(value.value)
            elif isinstance(value, VariableNode):
                asked = self.variables.get(value.name.value, largest)
            else:
                asked = definition.args[name].default_value
            if not isinstance(asked, int) or isinstance(asked, bool):
                asked = largest  # not a number: refused when run, counted at the worst meanwhile
            return max(1, min(int(asked), largest))
        return None


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
