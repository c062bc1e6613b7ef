"""The GraphQL schema: reads, service-desk mutations, and the guards every operation passes through.

The limits stop abusive queries before any resolver runs: a full 360 page needs depth 6, a handful of
aliases and a few hundred tokens.
"""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from api.errors import CodedErrors
from api.mutations import Mutation
from api.query import Query

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000

schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[
    CodedErrors, lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
    lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES), lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS)])
