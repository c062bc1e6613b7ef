"""The command line as users and scripts meet it: real subprocesses, one clear line per error."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from graph import Settings
from tests.helpers import c360, one_error_line, write_source

pytestmark = pytest.mark.store


def test_empty_file_is_one_line_and_nonzero(embedded_settings: Settings, tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", [])
    path.write_bytes(b"")
    result = c360("load", str(path), home=embedded_settings.home)
    assert result.returncode == 1
    assert one_error_line(result) == f"error: {path}: the file is empty"


def test_missing_column_is_one_line(embedded_settings: Settings, tmp_path: Path) -> None:
    write_source(tmp_path, "crm", ["1,A"], header="id,first")
    result = c360("load", str(tmp_path), home=embedded_settings.home)
    assert result.returncode == 1
    assert "column(s) last, email" in one_error_line(result)


def test_unreadable_file_is_one_line(embedded_settings: Settings, tmp_path: Path) -> None:
    result = c360("load", str(tmp_path / "nope.csv"), home=embedded_settings.home)
    assert result.returncode == 1
    assert "no such file or directory" in one_error_line(result)


def test_debug_shows_the_traceback(embedded_settings: Settings, tmp_path: Path) -> None:
    result = c360("--debug", "load", str(tmp_path / "nope.csv"), home=embedded_settings.home)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_unreachable_store_is_one_line(tmp_path: Path) -> None:
    result = c360("check", home=tmp_path, env={"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"})
    assert result.returncode == 1
    assert "cannot reach the graph store at bolt://127.0.0.1:9" in one_error_line(result)


def test_port_taken_for_serve_is_one_line(embedded_settings: Settings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = c360("serve", "--port", str(port), home=embedded_settings.home)
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in one_error_line(result)


def test_usage_error_exits_2(embedded_settings: Settings) -> None:
    result = c360("generate", "--customers", "0", "--out", "x", home=embedded_settings.home)
    assert result.returncode == 2
    assert "customers" in result.stderr


def test_status_json_tells_an_analyst_how_to_connect(embedded_settings: Settings) -> None:
    result = c360("db", "status", "--json", home=embedded_settings.home)
    info = json.loads(result.stdout)
    assert info["running"] and info["uri"].startswith("bolt://127.0.0.1:")
    assert info["user"] == "root" and info["database"] == "graph"
    assert info["password"] == Path(info["password_file"]).read_text().strip()
    assert (Path(info["password_file"]).stat().st_mode & 0o777) == 0o600
