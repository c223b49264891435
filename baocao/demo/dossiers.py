"""The one-stop dossiers of September 2021 – October 2022, from receipt to hand-over.

The figures of the seed article are fixed first (new, online, carried-over, late, pending
dossiers of `2022-9M`) and the dossiers are fitted to them exactly: receipts spread over
days and desks, then closing days chosen around the period's boundaries, then plausible
times, statuses and (fake) applicants.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from baocao.demo.apportion import cumulative, pick, split
from baocao.demo.people import People
from baocao.demo.procedures import LAND, PROCEDURES, Procedure, describe
from baocao.demo.timeline import (
    FIRST_DAY,
    HOLIDAYS,
    LAST_DAY,
    PERIOD_END,
    PERIOD_START,
    WorkCalendar,
    office_time,
)

# Statuses as the one-stop system shows them.
OPEN_STATUSES = ("Đang xử lý",) * 14 + ("Chờ bổ sung",) * 2 + ("Yêu cầu bổ sung giấy tờ",) * 2
_TAX_STATUS = "Yêu cầu thực hiện nghĩa vụ tài chính"  # land dossiers wait for the tax notice
HANDED = "Đã trả kết quả"
_READY = ("Đã có kết quả", "Đã có kết quả", "Đã xử lý xong")  # result ready, not yet handed
JUST_RECEIVED = "Được tiếp nhận"
_NEW_SUBMISSION = "Mới đăng ký"
REFUSED = "Không được tiếp nhận"


@dataclass(frozen=True)
class Desk:
    name: str  # receiving unit as the one-stop system writes it
    prefix: str
    share: float
    commune: int | None  # index into the commune list; None for the town desk


@dataclass(slots=True)
class Dossier:
    desk: Desk
    proc: Procedure
    online: bool
    received: datetime  # for a submission never accepted: when it was submitted
    due: date | None
    plan: date | None = None  # closing day while outcomes are being fitted
    closed: datetime | None = None
    outcome: str | None = None  # "resolved", "withdrawn", "not_received"; None while open
    end_status: str = ""  # status text of a withdrawn dossier
    ready_status: str = ""
    open_status: str = ""
    handed: datetime | None = None
    refused_at: datetime | None = None  # when a submission was turned down
    code: str = ""
    applicant: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    content: str = ""


# The figures of the seed article (reference-figures.md) that the dossiers must produce.
_NEW = 20_854
_NEW_ONLINE = 5_670
_CARRIED = 619
_LATE = 253
_PENDING = 357
_CARRIED_LATE = 100  # overdue at the period start (year-end backlog), resolved late in it
_PENDING_OVERDUE = 24  # pending at the period end and already past due

# Relative volume per calendar month: the Covid-19 distancing of autumn 2021, the year-end
# rush, the pre-Tết peak and the Tết lull.
_MONTH_VOLUME = {(2021, 9): 0.5, (2021, 10): 0.75, (2021, 11): 0.95, (2021, 12): 1.3,
                 (2022, 1): 1.2, (2022, 2): 0.75, (2022, 3): 1.1}
_WEEKDAY_VOLUME = (1.15, 1.05, 1.0, 1.0, 0.85, 0.05, 0.0)  # Saturday: the town desk only


def _daily_counts(rng: random.Random) -> dict[date, int]:
    """Dossiers received per day: exactly `_NEW` inside the period, the rest at the same
    rate outside it."""
    days = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    weight = {}
    for day in days:
        w = _MONTH_VOLUME.get((day.year, day.month), 1.0) * _WEEKDAY_VOLUME[day.weekday()]
        if day in HOLIDAYS:
            w = 0.0
        elif date(2022, 1, 24) <= day <= date(2022, 1, 28):
            w *= 1.3  # last week before Tết
        elif date(2022, 2, 7) <= day <= date(2022, 2, 11):
            w *= 0.7  # first week after Tết
        weight[day] = w * rng.lognormvariate(0, 0.15)
    inside = [d for d in days if PERIOD_START <= d <= PERIOD_END]
    rate = _NEW / sum(weight[d] for d in inside)
    counts = dict(zip(inside, split(_NEW, [weight[d] for d in inside]), strict=True))
    for part in ([d for d in days if d < PERIOD_START], [d for d in days if d > PERIOD_END]):
        total = round(rate * sum(weight[d] for d in part))
        counts.update(zip(part, split(total, [weight[d] for d in part]), strict=True))
    return counts


class DossierSimulation:
    """Dossiers from receipt to hand-over, fitted to the exact figures of `2022-9M`."""

    def __init__(self, rng: random.Random, desks: Sequence[Desk], people: People) -> None:
        self.rng = rng
        self.cal = WorkCalendar(date(2021, 8, 1), date(2023, 3, 31))
        self.desks = desks
        self.people = people
        self._menus: dict[tuple[bool, bool, bool], tuple[list[Procedure], list[float]]] = {}

    def run(self) -> list[Dossier]:
        dossiers = self._receive()
        before = [d for d in dossiers if d.received.date() < PERIOD_START]
        inside = [d for d in dossiers if PERIOD_START <= d.received.date() <= PERIOD_END]
        after = [d for d in dossiers if d.received.date() > PERIOD_END]
        self._fit_before(before)
        self._fit_inside(inside)
        self._fit_after(after)
        dossiers += self._submissions_never_received()
        dossiers.sort(key=lambda d: d.received)
        for dossier in dossiers:
            self._finish(dossier)
        self._number(dossiers)
        return dossiers

    # -- receipt

    def _menu(self, town: bool, online: bool, december: bool
              ) -> tuple[list[Procedure], list[float]]:
        """Procedures a desk offers on a channel, with their weights (cached)."""
        key = (town, online, december)
        if key not in self._menus:
            procs = [p for p in PROCEDURES if p.town == town and (p.level >= 3) == online]
            # Land dossiers pile up in December, before the new land-price table applies.
            weights = [p.weight * (3.0 if december and p.field == LAND else 1.0) for p in procs]
            self._menus[key] = (procs, cumulative(weights))
        return self._menus[key]

    def _receive(self) -> list[Dossier]:
        rng, cal = self.rng, self.cal
        town = [d for d in self.desks if d.commune is None]
        shares = cumulative([d.share for d in self.desks])
        drafts: list[tuple[Desk, datetime]] = []
        for day, count in _daily_counts(rng).items():
            for _ in range(count):
                desk = (town[0] if day.weekday() == 5
                        else rng.choices(self.desks, cum_weights=shares)[0])
                drafts.append((desk, office_time(rng, day)))
        drafts.sort(key=lambda draft: draft[1])
        online = self._channels(drafts)
        dossiers = []
        for (desk, received), is_online in zip(drafts, online, strict=True):
            procs, weights = self._menu(desk.commune is None, is_online, received.month == 12)
            proc = rng.choices(procs, cum_weights=weights)[0]
            due = cal.add(received.date(), proc.days)
            dossiers.append(Dossier(desk, proc, is_online, received, due))
        return dossiers

    def _channels(self, drafts: Sequence[tuple[Desk, datetime]]) -> list[bool]:
        """Online or not: exactly `_NEW_ONLINE` of the new dossiers of the period, more as
        the year goes on (the 92-day online-services campaign of June–August 2022)."""
        rng = self.rng
        inside = [i for i, (_, r) in enumerate(drafts) if PERIOD_START <= r.date() <= PERIOD_END]
        span = (PERIOD_END - PERIOD_START).days

        def pull(i: int) -> float:
            desk, received = drafts[i]
            progress = (received.date() - PERIOD_START).days / span
            campaign = 1.4 if date(2022, 6, 1) <= received.date() <= date(2022, 8, 31) else 1.0
            return (0.8 if desk.commune is None else 1.0) * (0.7 + 0.6 * progress) * campaign

        chosen = set(pick(rng, inside, _NEW_ONLINE, [pull(i) for i in inside]))
        online = []
        for i, (_, received) in enumerate(drafts):
            if received.date() < PERIOD_START:
                online.append(rng.random() < 0.18)
            elif received.date() > PERIOD_END:
                online.append(rng.random() < 0.34)
            else:
                online.append(i in chosen)
        return online

    # -- outcomes

    def _natural_day(self, dossier: Dossier) -> date:
        """Closing day of a dossier handled in time: a third on the due day (more in the
        year-end rush of December), the others earlier."""
        rng, limit = self.rng, dossier.proc.days
        on_due_day = 0.6 if dossier.received.month == 12 else 0.35
        if limit == 0 or rng.random() < on_due_day:
            spent = limit
        else:
            spent = rng.randint(limit * 3 // 10 if limit >= 5 else 0, limit - 1)
        return self.cal.add(dossier.received.date(), spent)

    def _withdraw(self, pool: Sequence[Dossier], statuses: Sequence[str], last: date) -> None:
        for dossier, status in zip(pick(self.rng, pool, len(statuses)), statuses, strict=True):
            start = dossier.received.date()
            dossier.plan = self.cal.add(start, self.rng.randint(1, 4))
            if dossier.plan > last:
                raise RuntimeError("demo inbox: a withdrawal would leave its period")
            dossier.outcome, dossier.end_status = "withdrawn", status

    def _late(self, dossier: Dossier, last: date) -> None:
        """Close a dossier 1–8 working days after its due day, but by `last`."""
        room = len(self.cal.between(dossier.due + timedelta(days=1), last))
        dossier.plan = self.cal.add(dossier.due, self.rng.randint(1, min(8, room)))

    def _fit_before(self, dossiers: list[Dossier]) -> None:
        """Received before the period: exactly `_CARRIED` still open at its start, all of
        them resolved in it (`_CARRIED_LATE` of them late); the rest closed before it."""
        rng, cal, start = self.rng, self.cal, PERIOD_START
        eve = start - timedelta(days=1)
        self._withdraw([d for d in dossiers if d.received.date() < date(2021, 11, 15)],
                       ("Rút hồ sơ", "Từ chối"), eve)
        free = [d for d in dossiers if d.outcome is None]
        stuck = [d for d in free
                 if d.proc.days >= 3 and start - timedelta(days=45) <= d.due < start]
        for dossier in pick(rng, stuck, _CARRIED_LATE, [d.proc.days for d in stuck]):
            dossier.plan = rng.choice(cal.between(start, cal.add(start, 30)))
        free = [d for d in free if d.plan is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)
        self._fit_boundary(free, _CARRIED - _CARRIED_LATE, eve)
        # A few overdue dossiers that closed before the period: realistic, and not counted.
        early = [d for d in free if d.plan <= eve and cal.add(d.due, 5) < start]
        for dossier in pick(rng, early, len(early) // 40):
            self._late(dossier, eve)

    def _fit_inside(self, dossiers: list[Dossier]) -> None:
        """Received in the period: 2 withdrawn, `_PENDING` still open at its end, the rest
        resolved in it; `_LATE` resolved late in all, counting the carried-over ones."""
        rng, end = self.rng, PERIOD_END
        middle = [d for d in dossiers if date(2022, 3, 1) <= d.received.date() <= date(2022, 7, 31)]
        self._withdraw(middle, ("Công dân yêu cầu rút hồ sơ", "Trả lại hồ sơ"), end)
        free = [d for d in dossiers if d.outcome is None]
        stuck = [d for d in free if d.proc.days >= 10
                 and end - timedelta(days=150) <= d.received.date() and d.due < end]
        for dossier in pick(rng, stuck, _PENDING_OVERDUE):
            dossier.plan = self.cal.add(end, rng.randint(1, 25))  # late, after the period
        free = [d for d in free if d.plan is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)
        self._fit_boundary(free, _PENDING - _PENDING_OVERDUE, end)
        resolved = [d for d in free if d.plan <= end]
        room = [d for d in resolved if d.due < end]
        late = _LATE - _CARRIED_LATE
        for dossier in pick(rng, room, late, [3.0 if d.proc.days >= 10 else 1.0 for d in room]):
            self._late(dossier, end)

    def _fit_after(self, dossiers: list[Dossier]) -> None:
        """Received after the period: they only matter to later periods."""
        early = [d for d in dossiers if d.received.date() <= date(2022, 9, 23)]
        self._withdraw(early, ("Dừng xử lý", "Công dân yêu cầu rút hồ sơ"), LAST_DAY)
        free = [d for d in dossiers if d.outcome is None]
        for dossier in free:
            dossier.plan = self._natural_day(dossier)

    def _fit_boundary(self, dossiers: list[Dossier], target: int, last: date) -> None:
        """Make exactly `target` dossiers close after `last`, never past their due day:
        close the ones nearest the boundary earlier, or let the latest received stay open
        longer."""
        rng, cal = self.rng, self.cal
        crossing = [d for d in dossiers if d.plan > last]
        if len(crossing) > target:
            crossing.sort(key=lambda d: d.plan)
            for dossier in crossing[:len(crossing) - target]:
                days = cal.between(dossier.received.date(), last)
                dossier.plan = rng.choice(days) if days else dossier.received.date()
        elif len(crossing) < target:
            room = [d for d in dossiers if d.plan <= last < d.due]
            room.sort(key=lambda d: d.received, reverse=True)
            if len(room) < target - len(crossing):
                raise RuntimeError("demo inbox: too few dossiers to carry over a boundary")
            for dossier in room[:target - len(crossing)]:
                dossier.plan = rng.choice(cal.between(last + timedelta(days=1), dossier.due))

    def _submissions_never_received(self) -> list[Dossier]:
        """Online submissions the desk never accepted: `Mới đăng ký` on the newest export,
        `Không được tiếp nhận` once refused. They are counted nowhere."""
        rng = self.rng
        moments = []
        for export_day in (date(2022, 1, 5), date(2022, 4, 5), date(2022, 7, 5)):
            for _ in range(3):  # new on that export, refused by the next one
                submitted = export_day - timedelta(days=rng.randint(1, 5))
                moments.append((submitted, export_day + timedelta(days=rng.randint(1, 4))))
        for _ in range(8):  # still waiting on the newest export
            moments.append((LAST_DAY - timedelta(days=rng.randint(0, 6)), None))
        span = (LAST_DAY - FIRST_DAY).days
        for _ in range(13):
            submitted = FIRST_DAY + timedelta(days=rng.randint(0, span - 8))
            moments.append((submitted, submitted + timedelta(days=rng.randint(1, 3))))
        shares = cumulative([d.share for d in self.desks])
        out = []
        for submitted, refused in moments:
            desk = rng.choices(self.desks, cum_weights=shares)[0]
            procs, weights = self._menu(desk.commune is None, True, False)
            # Citizens submit online at any hour, weekends included.
            at = datetime.combine(submitted, time(rng.randint(6, 22), rng.randint(0, 59),
                                                  rng.randint(0, 59)))
            dossier = Dossier(desk, rng.choices(procs, cum_weights=weights)[0], True, at, None,
                              outcome="not_received")
            dossier.refused_at = (None if refused is None
                                  else datetime.combine(refused, time(9, rng.randint(0, 59))))
            out.append(dossier)
        return out

    # -- details

    def _finish(self, dossier: Dossier) -> None:
        """Times, statuses and the applicant's (fake) data of one dossier."""
        rng, cal = self.rng, self.cal
        proc = dossier.proc
        if dossier.outcome != "not_received":
            if dossier.plan is not None and dossier.plan <= LAST_DAY:
                dossier.closed = office_time(rng, dossier.plan, dossier.received)
                dossier.outcome = dossier.outcome or "resolved"
            dossier.ready_status = rng.choice(_READY)
            waits_tax = proc.field == LAND and rng.random() < 0.25
            dossier.open_status = _TAX_STATUS if waits_tax else rng.choice(OPEN_STATUSES)
            if dossier.outcome == "resolved" and rng.random() < 0.97:
                # Same-day procedures hand over at once; others when the citizen comes.
                wait = 0 if proc.days == 0 else rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 5))
                dossier.handed = office_time(rng, cal.add(dossier.closed.date(), wait),
                                             dossier.closed)
        give_applicant(dossier, rng, self.people)

    @staticmethod
    def _number(dossiers: Sequence[Dossier]) -> None:
        """Codes like 000.25.17.H10-220315-0012: agency, day of receipt, sequence."""
        sequence: dict[tuple[str, date], int] = {}
        for dossier in dossiers:  # sorted by receipt
            key = (dossier.desk.prefix, dossier.received.date())
            sequence[key] = sequence.get(key, 0) + 1
            dossier.code = f"{key[0]}-{key[1]:%y%m%d}-{sequence[key]:04d}"


def state_at(dossier: Dossier, at: datetime) -> tuple[str, datetime | None, datetime | None]:
    """Status, finish and hand-over as the system showed them at `at`."""
    if dossier.outcome == "not_received":
        refused = dossier.refused_at is not None and dossier.refused_at < at
        return (REFUSED if refused else _NEW_SUBMISSION), None, None
    if dossier.closed is not None and dossier.closed < at:
        if dossier.outcome == "withdrawn":
            return dossier.end_status, dossier.closed, None
        if dossier.handed is not None and dossier.handed < at:
            return HANDED, dossier.closed, dossier.handed
        return dossier.ready_status, dossier.closed, None
    fresh = at - dossier.received < timedelta(days=1)
    return (JUST_RECEIVED if fresh else dossier.open_status), None, None


def give_applicant(dossier: Dossier, rng: random.Random, people: People) -> None:
    """The fake personal data an export carries (and the pipeline must never keep): the
    applicant, ID number, phone, e-mail for some, address and the free-text description."""
    male = rng.random() < 0.5
    dossier.applicant = people.name(male)
    dossier.id_number = people.id_number(male)
    dossier.phone = people.phone()
    if rng.random() < (0.35 if dossier.online else 0.08):
        dossier.email = people.email(dossier.applicant)
    dossier.address = people.address(dossier.desk.commune)
    dossier.content = describe(dossier.proc.topic, rng, people, dossier.applicant, male)
