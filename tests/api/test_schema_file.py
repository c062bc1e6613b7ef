"""The exported schema is what front-ends build against: it may change, but never unnoticed."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
from graphql import parse, validate
from typer.testing import CliRunner

from api.schema import schema, schema_text
from cli.main import app


def test_exported_schema_is_current() -> None:
    exported = resources.files("api").joinpath("schema.graphql").read_text(encoding="utf-8")
    assert exported == schema_text(), "the GraphQL schema changed: run `c360 export schema` and review the diff"


def test_export_schema_command_writes_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "schema", "--out", str(tmp_path / "s.graphql")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.graphql").read_text(encoding="utf-8") == schema_text()
    assert "type Mutation" in schema_text() and "searchCustomers" in schema_text()


def _documented_queries() -> list[tuple[str, str]]:
    """Every ```graphql block of the README and docs/, and the query the demo prints."""
    from cli.main import _DEMO_QUERY

    found = [("demo banner", _DEMO_QUERY.split("Then paste:", 1)[1])]
    root = Path(__file__).resolve().parents[2]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        blocks = re.findall(r"```graphql\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S)
        found += [(f"{page.name} block {i + 1}", block) for i, block in enumerate(blocks)]
    return found


@pytest.mark.parametrize(("where", "document"), _documented_queries(), ids=lambda v: v if " " in v else "")
def test_documented_queries_are_valid(where: str, document: str) -> None:
    errors = validate(schema._schema, parse(document))
    assert not errors, f"{where}: {[e.message for e in errors]}"
