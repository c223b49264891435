"""The clock of the data: local time in Vietnam (Asia/Ho_Chi_Minh, UTC+7, no daylight
saving), naive, to the second, as the warehouse stores it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_now() -> dt.datetime:
    return dt.datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)


def local_from_timestamp(seconds: float) -> dt.datetime:
    """A file system time (seconds since the epoch) as local wall-clock time."""
    return dt.datetime.fromtimestamp(seconds, LOCAL).replace(tzinfo=None, microsecond=0)
