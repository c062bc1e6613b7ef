"""``c360 sync`` as users run it: a pass, the status, a replay, and one clear line on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import Graph, Settings, outbox
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import c360, deterministic, one_error_line, write_source
from tests.sync.receiver import SECRET, Crm, serving

ROWS = ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2"]


@pytest.mark.store
def test_run_status_and_replay(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    write_source(tmp_path / "s", "shop", ROWS)
    for path, mapping in plan([tmp_path / "s"]):
        load_file(embedded_graph, path, mapping, tmp_path / "home")
    resolve(embedded_graph, deterministic())
    head = outbox.head(embedded_graph)
    crm = Crm()
    with serving(crm) as url:
        config = tmp_path / "destinations.toml"
        config.write_text(f'[[destinations]]\nname = "crm"\nkind = "webhook"\nurl = "{url}"\n'
                          'secret_env = "CRM_SECRET"\nkinds = ["golden_changed"]\n'
                          f'[[destinations]]\nname = "warehouse"\nkind = "jsonl"\ndirectory = "{tmp_path / "wh"}"\n',
                          encoding="utf-8")
        env = {"C360_DESTINATIONS": str(config), "CRM_SECRET": SECRET}
        done = c360("sync", "run", "--once", home=embedded_settings.home, env=env)
        assert done.returncode == 0, done.stderr
        assert "crm: sent 2," in done.stdout and f"warehouse: sent {head}," in done.stdout
        assert SECRET not in done.stdout + done.stderr

        shown = c360("sync", "status", "--json", home=embedded_settings.home, env=env)
        assert shown.returncode == 0, shown.stderr
        rows = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
        assert [(r["destination"], r["lag"], r["dead_letters"]) for r in rows] == [("crm", 0, 0), ("warehouse", 0, 0)]

        again = c360("sync", "replay", "--destination", "crm", "--from", "1", home=embedded_settings.home, env=env)
        assert again.returncode == 0, again.stderr
    assert crm.requests == 4 and len(crm.applied) == 2  # sent twice, applied once
    assert crm.bad_signatures == 0

    unknown = c360("sync", "replay", "--destination", "erp", "--from", "1", home=embedded_settings.home, env=env)
    assert one_error_line(unknown).startswith("error: --destination: no destination 'erp'")
    unset = c360("sync", "run", "--once", home=embedded_settings.home, env={**env, "CRM_SECRET": ""})
    assert one_error_line(unset) == "error: destination crm: the environment variable CRM_SECRET is not set"
    missing = c360("sync", "status", home=embedded_settings.home, env={"C360_DESTINATIONS": str(tmp_path / "no")})
    assert one_error_line(missing) == f"error: {tmp_path / 'no'}: No such file or directory"
