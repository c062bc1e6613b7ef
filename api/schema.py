"""The GraphQL schema: reads, service-desk mutations, and the guards every operation passes through.

The limits stop abusive queries before any resolver runs: a full 360 page needs depth 6, a handful of
aliases and a few hundred tokens.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.types import ExecutionContext

from api.errors import CodedErrors
from api.mutations import Mutation
from api.query import Query

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000

class C360Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client mistakes are answers, not server faults: nothing to log (``CodedErrors`` logs the rest)."""


schema = C360Schema(query=Query, mutation=Mutation, extensions=[
    CodedErrors, lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
    lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES), lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS)])


def schema_text() -> str:
    """The schema as SDL, as exported to ``api/schema.graphql``."""
    return schema.as_str() + "\n"
