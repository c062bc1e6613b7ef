"""How a run's profile writes are cut into transactions: profiles that trade records are never apart."""

from __future__ import annotations

import pytest

from resolution import profiles
from resolution.profiles import Change


def _move(key: str, customer_id: str) -> dict[str, str]:
    return {"key": key, "customer_id": customer_id}


def test_profiles_trading_records_are_written_together() -> None:
    previous: dict[str, str | None] = {"r1": "A", "r2": "B", "r3": "C", "r4": "C", "r5": None, "r6": "D"}
    moved = [_move("r2", "A"),  # B merges into A
             _move("r4", "E"),  # C splits: E takes r4
             _move("r5", "F")]  # a new record, a new profile
    [change] = profiles.changes(moved, previous, created=["E", "F"], removed=["B"], refreshed=["D"])
    change.refreshed.sort()  # grouped: A with B, C with E, D, F
    assert change == Change(created=["E", "F"], attached=[_move("r5", "F")], moved=[_move("r2", "A"), _move("r4", "E")],
                            removed=["B"], refreshed=["A", "C", "D", "E", "F"])


def test_transactions_are_cut_between_groups_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profiles, "BATCH", 4)
    previous: dict[str, str | None] = {f"r{i}": "BIG" if i < 6 else None for i in range(10)}
    moved = [_move(f"r{i}", "SPLIT") for i in range(3)] + [_move(f"r{i}", f"N{i}") for i in range(6, 10)]
    written = list(profiles.changes(moved, previous, created=["SPLIT", "N6", "N7", "N8", "N9"], removed=[],
                                    refreshed=[]))
    together = [c for c in written if "SPLIT" in c.refreshed]
    assert len(together) == 1 and "BIG" in together[0].refreshed, "a split is one transaction, however big"
    assert sorted(i for c in written for i in c.refreshed) == ["BIG", "N6", "N7", "N8", "N9", "SPLIT"]
    assert len(written) > 1
