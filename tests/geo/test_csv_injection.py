"""Formula injection through source data: hostile names loaded from a file reach no CSV as a formula.

Customers whose first names are spreadsheet formulas are loaded from a source file, resolved and placed; the
invitation list written by the real command (``c360 invite --out``) and served by the real app
(``/geo/invitations.csv``), and ``c360 export clusters``, must carry them as text (a leading ``'``) while
normal names, phones and distances stay as they were.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from geo.locate import locate
from graph import Graph, Settings
from resolution import resolve
from tests.geo.test_marketing import haversine_km, load_all
from tests.helpers import api_client, c360, write_people

PARIS = (48.8566, 2.3522)
VENUE = f"{PARIS[0]},{PARIS[1]}"
# first name as written in the source → as the CSV must hold it (names hold no digits, so the loader
# refuses "-2+3"; it also trims a leading tab, after which the formula must still be caught)
HOSTILE = {
    '=HYPERLINK("http://x","y")': '\'=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A": "'+cmd|' /C calc'!A",
    "-Ab+Cd": "'-Ab+Cd",
    "@Sum(Ab:Cd)": "'@Sum(Ab:Cd)",
    "\t=Tab()": "'=Tab()",
    "Anne": "Anne",  # a normal name is left alone
}


@pytest.fixture
def hostile(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    sources = tmp_path / "hostile"
    people = [{"id": f"=1+{i}" if i == 1 else str(i), "first_name": first, "last_name": "Roux",
               "email": f"p{i}@x.fr", "phone": f"06 12 34 56 {10 + i}", "street": f"{i} rue de Rivoli",
               "postcode": "75001", "city": "Paris", "country": "FR"} for i, first in enumerate(HOSTILE, 1)]
    write_people(sources, "shop", people)
    (sources / "consents.toml").write_text(
        '[source]\nname = "consents"\nkind = "consents"\nid = "id"\ndefault_region = "FR"\n[columns]\n'
        'at = "at"\npurpose = "purpose"\ngranted = "granted"\nemail = "email"\n', encoding="utf-8")
    with open(sources / "consents.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "at", "purpose", "granted", "email"])
        writer.writerows((f"K{i}", "2024-01-01T00:00:00Z", "marketing_email", "yes", p["email"])
                         for i, p in enumerate(people, 1))
    load_all(embedded_graph, sources, embedded_settings.home)
    resolve(embedded_graph)
    locate(embedded_graph)
    return embedded_graph


def _check(rows: list[dict[str, str]]) -> None:
    """Every hostile name neutralised, the rest of each row as c360 computed it."""
    assert sorted(r["first_name"] for r in rows) == sorted(HOSTILE.values())
    paris_km = haversine_km(PARIS, (48.85341, 2.3488))  # every home is placed at Paris by the gazetteer
    for row in rows:
        number = int(row["email"][1:].split("@")[0])
        assert row["phone"] == f"+336123456{10 + number}"  # a number in text: unchanged
        assert row["postcode"] == "75001" and row["last_name"] == "Roux"
        assert float(row["distance_km"]) == pytest.approx(paris_km, abs=0.01)
        assert row["reason"].startswith("home ")


@pytest.mark.store
def test_invite_command_writes_no_formula(hostile: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "invite.csv"
    result = c360("invite", "--venue", VENUE, "--radius", "30", "--out", str(out), home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        _check(list(csv.DictReader(handle)))


@pytest.mark.store
def test_invitations_csv_route_serves_no_formula(hostile: Graph, embedded_settings: Settings) -> None:
    with api_client(embedded_settings, "marketing") as client:
        response = client.get(f"/geo/invitations.csv?venue={VENUE}&radiusKm=30")
    assert response.status_code == 200, response.text
    _check(list(csv.DictReader(io.StringIO(response.text, newline=""))))


@pytest.mark.store
def test_export_clusters_writes_no_formula(hostile: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    result = c360("export", "clusters", "--out", str(out), home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    with open(out, encoding="utf-8", newline="") as handle:
        ids = sorted(r["source_id"] for r in csv.DictReader(handle) if r["source"] == "shop")
    assert ids == ["'=1+1", *map(str, range(2, len(HOSTILE) + 1))]
