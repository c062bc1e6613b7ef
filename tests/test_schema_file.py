"""The exported schema is what front-ends build against: it may change, but never unnoticed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from typer.testing import CliRunner

from api.schema import schema_text
from cli.main import app


def test_exported_schema_is_current() -> None:
    exported = resources.files("api").joinpath("schema.graphql").read_text(encoding="utf-8")
    assert exported == schema_text(), "the GraphQL schema changed: run `c360 export schema` and review the diff"


def test_export_schema_command_writes_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "schema", "--out", str(tmp_path / "s.graphql")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.graphql").read_text(encoding="utf-8") == schema_text()
    assert "type Mutation" in schema_text() and "searchCustomers" in schema_text()
