"""The GraphQL 360 API on Starlette."""
