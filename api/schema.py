"""The GraphQL schema: each feature's Query and Mutation joined, and the guards every operation passes through.

The limits stop abusive queries before any resolver runs: a full 360 page needs depth 6, a handful of
aliases, a few hundred tokens and costs a few hundred (``api.query_cost``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, validate
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.access_logging import AccessLogging
from api.desk import DeskMutation
from api.errors import CodedErrors
from api.marketing import MarketingQuery
from api.nodes import NodeQuery
from api.profiles import CustomerQuery
from api.query_cost import QueryCost
from api.request_text import TextArguments
from api.rights import RightsMutation, RightsQuery
from api.subscriptions import Subscription

#: each feature brings its own root fields
Query = merge_types("Query", (CustomerQuery, MarketingQuery, NodeQuery, RightsQuery))
Mutation = merge_types("Mutation", (DeskMutation, RightsMutation))

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
#: front-ends send the same few documents again and again: parsing and validating one costs ~25 ms, so
#: both are cached by document text
QUERY_CACHE = 512

#: built once: the validation cache is keyed by the rule classes, so they must be the same on every request
LIMIT_RULES = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
               *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]


class _ParserCache(ParserCache):
    """A document that does not parse is left to strawberry's own parser, which reports it like any error."""

    def on_parse(self) -> Iterator[None]:
        try:
            yield from super().on_parse()
        except GraphQLError:
            yield


@functools.lru_cache(maxsize=QUERY_CACHE)
def _validate(schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
              ) -> list[GraphQLError]:
    return validate(schema, document, (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
                    hide_suggestions=True)


class _ValidationCache(ValidationCache):
    """Validation as strawberry runs it, cached, without "did you mean" suggestions: graphql-core's suggestion
    code fails on some input (an enum argument given as the string "İ", whose lower case is two characters,
    raises IndexError), and suggestions tell a client nothing the schema does not."""

    def __init__(self) -> None:
        super().__init__(maxsize=QUERY_CACHE)
        self.cached_validate_document = _validate


class C360Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client mistakes are answers, not server faults: nothing to log (``CodedErrors`` logs the rest)."""

    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,
                      context_value: Any | None = None, root_value: Any | None = None,
                      operation_name: str | None = None,
                      allowed_operation_types: Iterable[OperationType] | None = None,
                      operation_extensions: dict[str, Any] | None = None) -> ExecutionResult:
        """One result per operation: a subscription streams on the WebSocket (``api.live_socket``), never here,
        where strawberry would let HTTP run it once and answer nothing."""
        allowed = set(allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES) - {OperationType.SUBSCRIPTION}
        return await super().execute(query, variable_values, context_value, root_value, operation_name, allowed,
                                     operation_extensions)


schema = C360Schema(query=Query, mutation=Mutation, subscription=Subscription, extensions=[
    lambda: _ParserCache(maxsize=QUERY_CACHE), _ValidationCache, CodedErrors,
    lambda: AddValidationRules(LIMIT_RULES), lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS), QueryCost,
    TextArguments, AccessLogging])


def schema_text() -> str:
    """The schema as SDL, as exported to ``api/schema.graphql``."""
    return schema.as_str() + "\n"
