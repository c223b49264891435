"""The demo's time frame: the reporting period it must reproduce, the span its exports cover,
the days off, working days (legal time limits count in them) and office hours."""

from __future__ import annotations

import os
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from common.clock import LOCAL

PERIOD_START = date(2021, 12, 15)  # 2022-9M under the Decree 09 cut-off (periods.md)
PERIOD_END = date(2022, 9, 14)
FIRST_DAY = date(2021, 9, 1)  # the oldest export's window starts here
LAST_DAY = date(2022, 10, 2)  # the newest export is taken on the morning of 3 Oct 2022
YEAR = 2022

# Days off of civil servants in 2021-2022 that fall on weekdays. Hard-coded rather than
# taken from the `holidays` package, so that a package update can never move a due date
# and with it the demo's figures.
HOLIDAYS = frozenset({
    date(2021, 9, 2), date(2021, 9, 3), date(2022, 1, 3),
    *(date(2022, 1, 31) + timedelta(days=i) for i in range(5)),  # Tết Nhâm Dần, 1 Feb
    date(2022, 4, 11), date(2022, 5, 2), date(2022, 5, 3), date(2022, 9, 1), date(2022, 9, 2),
})


class WorkCalendar:
    """Working days: legal time limits, processing times and hand-overs count in them."""

    def __init__(self, first: date, last: date) -> None:
        span = (first + timedelta(days=i) for i in range((last - first).days + 1))
        self.days = [d for d in span if d.weekday() < 5 and d not in HOLIDAYS]
        self._index = {d: i for i, d in enumerate(self.days)}

    def index(self, day: date) -> int:
        """Position of `day`, or of the next working day when `day` is a day off."""
        while day not in self._index:
            day += timedelta(days=1)
        return self._index[day]

    def add(self, day: date, n: int) -> date:
        """`n` working days after `day`; `day` itself for 0 (same-day procedures)."""
        if n == 0:
            return day
        # A dossier received on a Saturday starts counting on the next working day.
        start = self.index(day)
        return self.days[start + n if day in self._index else start + n - 1]

    def between(self, first: date, last: date) -> list[date]:
        """The working days from `first` to `last`, both included."""
        return self.days[self.index(first):self.index(last + timedelta(days=1))]


def office_time(rng: random.Random, day: date, after: datetime | None = None) -> datetime:
    """A moment during office hours (07:30–11:30, 13:30–16:30) of `day`, after `after`."""
    if after is not None and after.date() == day:
        start = after + timedelta(minutes=rng.randint(5, 40))
        end = max(start, datetime.combine(day, time(16, 30)))
        return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))
    saturday = day.weekday() == 5  # desks open on Saturday mornings only
    if saturday or rng.random() < 0.62:
        minute = 450 + rng.randint(0, 239)
    else:
        minute = 810 + rng.randint(0, 179)
    return datetime.combine(day, time()) + timedelta(minutes=minute, seconds=rng.randint(0, 59))


def arrive(path: Path, moment: datetime) -> Path:
    """Give a file the modification time of its arrival (local wall-clock `moment`): the
    pipeline dates a report, and a CSV export, by it."""
    seconds = moment.replace(tzinfo=LOCAL).timestamp()
    os.utime(path, (seconds, seconds))
    return path
