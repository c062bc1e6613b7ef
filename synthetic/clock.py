"""The simulated years 2023-2024 and how sources write an instant: local time of FR, BE and NL.

Instants are whole UTC seconds (ints): cheap to draw, add to and sort. The three countries share one zone
(CET, CEST in summer), so the EU summer-time rule alone gives every local time, without a tz database
whose version could change the output between machines.
"""

from __future__ import annotations

import random
from bisect import bisect
from datetime import UTC, datetime, timedelta, timezone

from synthetic.weighted import Weighted

MINUTE = 60
HOUR = 3_600
DAY = 86_400
_CET = timezone(timedelta(hours=1))
_CEST = timezone(timedelta(hours=2))
START = int(datetime(2023, 1, 1, tzinfo=_CET).timestamp())  # first second of 2023, local time
END = int(datetime(2025, 1, 1, tzinfo=_CET).timestamp())  # first second after 2024, local time
# Local hours people do things at: tills are open 9-20, the web shop never closes but sleeps at night.
STORE_HOURS: Weighted[int] = Weighted.of({9: 4, 10: 7, 11: 9, 12: 9, 13: 7, 14: 7, 15: 8, 16: 9, 17: 10, 18: 10,
                                          19: 6})
ONLINE_HOURS: Weighted[int] = Weighted.of({0: 2, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 2, 7: 4, 8: 5, 9: 6, 10: 6, 11: 6,
                                           12: 7, 13: 7, 14: 6, 15: 6, 16: 6, 17: 6, 18: 7, 19: 8, 20: 9, 21: 9,
                                           22: 7, 23: 4})
OFFICE_HOURS: Weighted[int] = Weighted.of({hour: 1 for hour in range(8, 19)})


def _last_sunday(year: int, month: int) -> datetime:
    """Summer time starts and ends on the last Sunday of March and October at 01:00 UTC."""
    day = datetime(year, month, 31, 1, tzinfo=UTC)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# Starts and ends of summer time, in order: ``at`` is in summer when an odd number of them have passed.
_CHANGES = tuple(int(_last_sunday(year, month).timestamp()) for year in (2022, 2023, 2024, 2025) for month in (3, 10))


def zone(at: int) -> timezone:
    """The UTC offset local clocks showed at ``at``."""
    return _CEST if bisect(_CHANGES, at) % 2 else _CET


def iso(at: int) -> str:
    """``2024-03-05T14:22:10+01:00``: local time with its offset, what event logs write."""
    return datetime.fromtimestamp(at, zone(at)).isoformat()


def local(at: int, fmt: str) -> str:
    """Local wall-clock time without offset, in ``fmt``, as a back-office tool shows it."""
    return datetime.fromtimestamp(at, zone(at)).strftime(fmt)


def moment(rng: random.Random, hours: Weighted[int], start: int = START, end: int = END) -> int:
    """A second on a day drawn uniformly in ``[start, end)``, at a local hour drawn from ``hours``.

    ``start`` is a local midnight (``START`` plus whole days); a partial last day is never drawn.
    """
    days = max(1, (end - start) // DAY)
    utc_if_winter = start + int(rng.random() * days) * DAY + hours.pick(rng) * HOUR + int(rng.random() * HOUR)
    return utc_if_winter - HOUR if zone(utc_if_winter - HOUR) is _CEST else utc_if_winter


def day_of(at: int) -> int:
    """The local midnight (as ``START`` plus whole days) of the day ``at`` falls on, give or take summer time."""
    return START + (at - START) // DAY * DAY
