"""Finding and reading customers: by profile id, by any identifier, or by name, postcode and email."""

from __future__ import annotations

import strawberry
from anyio import to_thread

from api.context import Info
from api.customer import Customer, IdentifierType, customers
from api.errors import UserInputError
from api.pagination import Edge, PageInfo, cut, decode_cursor, encode_cursor, window
from api.permissions import MayLookUpByType, MaySearchBy
from customers.repository import Search
from loaders import normalise


@strawberry.type(description="A page of customers, by id.")
class CustomerConnection:
    edges: list[Edge[Customer]]
    page_info: PageInfo
    search: strawberry.Private[Search]

    @strawberry.field(description="How many customers the search finds in all (a count query: ask only when "
                                  "shown).")
    async def total_count(self, info: Info) -> int:
        return await to_thread.run_sync(info.context.dataloaders.repository.search_count, self.search)


def _start(cursor: str | None, argument: str) -> str | None:
    return decode_cursor("customers", cursor, 1, argument)[0] if cursor else None


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
                               email_prefix: str | None = None, first: int | None = None,
                               after: str | None = None, last: int | None = None,
                               before: str | None = None) -> CustomerConnection:
        criteria = {"name": name, "postcode": postcode, "email_prefix": email_prefix}
        given = {k: v.strip() for k, v in criteria.items() if v is not None and v.strip()}
        if not given:
            raise UserInputError("name, postcode or emailPrefix: give at least one")
        page = window(first, last, after, before)
        search = Search(tuple(normalise.text(given.get("name", "")).lower().split()), given.get("postcode"),
                        given.get("email_prefix", "").lower() or None)
        ids = await to_thread.run_sync(info.context.dataloaders.repository.search, search,
                                       _start(after, "after"), _start(before, "before"), page.backward,
                                       page.size + 1)
        shown, more = cut(ids, page)
        found = await customers(info, shown)
        edges = [Edge(cursor=encode_cursor("customers", str(c.id)), node=c) for c in found]
        return CustomerConnection(edges=edges, page_info=page.page_info([edge.cursor for edge in edges], more),
                                  search=search)
