"""Finding and reading customers: by profile id, by any identifier, or by name, postcode and email."""

from __future__ import annotations

import strawberry
from anyio import to_thread

from api.context import Info
from api.customer import Customer, IdentifierType, customers
from api.errors import UserInputError
from api.pagination import DEFAULT_PAGE, Edge, PageInfo, check_first, decode_cursor, encode_cursor
from api.permissions import MayLookUpByType, MaySearchBy
from loaders import normalise


@strawberry.type(description="A page of customers, by id.")
class CustomerConnection:
    edges: list[Edge[Customer]]
    page_info: PageInfo


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="A customer by profile id.")
    async def customer(self, info: Info, id: strawberry.ID) -> Customer | None:
        found = await customers(info, [str(id)])
        return found[0] if found else None

    @strawberry.field(description="The customers whose records carry this identifier (a household phone "
                                  "may belong to several). The value is normalised as on load.",
                      permission_classes=[MayLookUpByType])
    async def customer_by_identifier(self, info: Info, type: IdentifierType, value: str) -> list[Customer]:
        try:
            ids = await to_thread.run_sync(info.context.dataloaders.repository.customer_ids_by_identifier, type.value,
                                           value)
        except ValueError as error:
            raise UserInputError(f"value: {error}") from None
        return await customers(info, ids)

    @strawberry.field(description="Customers whose last name begins with a word of `name` and whose name holds "
                                  "every word (any case; accents as stored), living in `postcode`, with an email "
                                  "starting with `emailPrefix`; at least one is needed. Ordered by id.",
                      permission_classes=[MaySearchBy])
    async def search_customers(self, info: Info, name: str | None = None, postcode: str | None = None,
                               email_prefix: str | None = None, first: int = DEFAULT_PAGE,
                               after: str | None = None) -> CustomerConnection:
        criteria = {"name": name, "postcode": postcode, "email_prefix": email_prefix}
        given = {k: v.strip() for k, v in criteria.items() if v is not None and v.strip()}
        if not given:
            raise UserInputError("name, postcode or emailPrefix: give at least one")
        check_first(first)
        start = decode_cursor("customers", after, 1)[0] if after else None
        ids = await to_thread.run_sync(
            info.context.dataloaders.repository.search, normalise.text(given.get("name", "")).lower().split(),
            given.get("postcode"), given.get("email_prefix", "").lower() or None, start, first + 1)
        found = await customers(info, ids[:first])
        edges = [Edge(cursor=encode_cursor("customers", str(c.id)), node=c) for c in found]
        return CustomerConnection(edges=edges, page_info=PageInfo(has_next_page=len(ids) > first,
                                                                  end_cursor=edges[-1].cursor if edges else None))
