"""The one-stop exports of a 2025 province's system over the reform year: four quarterly CSV
exports (taken on 5 April, 5 July, 5 October 2025 and 5 January 2026, each window reaching
back a month into the one before), one row per dossier with the system's columns, fake
personal data included (`people`), each dossier in the state it had when the export was
taken. The columns are named with the reader's vocabulary (`extract.one_stop_vocabulary`):
the system was upgraded for the merged province, so the second half-year's exports name
them differently.

Before 1 July 2025 the legacy communes' desks receive dossiers under their names ("UBND
phường Long Thủy"); from then on the 2025 communes' ("UBND phường Phước Long"), which also
take over the district level's procedures (land, business households, building permits).
A dossier received in June and closed in July or later was closed by the successor: every
export still shows it under the desk that received it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from baocao.demo.apportion import cumulative
from baocao.demo.dossiers import OPEN_STATUSES, Desk, Dossier, give_applicant
from baocao.demo.exports import Export, write_export
from baocao.demo.people import People
from baocao.demo.procedures import LAND, PROCEDURES, Procedure
from baocao.demo.timeline import WorkCalendar, office_time
from common.units import REORGANISATION_DATE
from common.workdays import working_days
from extract.one_stop_vocabulary import HEADERS


@dataclass(frozen=True)
class Office:
    """A commune's one-stop desk while its commune exists."""

    name: str  # as the system writes it: "UBND phường Long Thủy"
    prefix: str  # agency part of its dossier codes
    first: date
    last: date
    households: int  # the commune's size: how busy the desk is
    address: str  # "phường Long Thủy, thị xã Phước Long, tỉnh Bình Phước"
    ward: bool


FIRST_DAY = date(2024, 11, 15)  # a month before 2025-Y starts: dossiers carried over into it
LAST_DAY = date(2026, 1, 4)  # the newest export is taken on the morning of 5 January 2026
# Dossiers per household and working day: ≈ 40,000 a year for Đồng Nai's 1.1 million
# households (the real system sees fifty times more).
_RATE = 0.00013
# The rush before Tết (29 January 2025), the lull after it, the new communes' first weeks,
# the year-end rush.
_MONTH_VOLUME = {(2025, 1): 1.25, (2025, 2): 0.8, (2025, 7): 0.85, (2025, 12): 1.15}
_ONLINE = (0.38, 0.5)  # share filed online before / after the reform
_WITHDRAWN = ("Rút hồ sơ", "Công dân yêu cầu rút hồ sơ", "Dừng xử lý", "Trả lại hồ sơ")
_READY = ("Đã có kết quả", "Đã xử lý xong")  # result ready, not yet handed over
_TAX_STATUS = "Yêu cầu thực hiện nghĩa vụ tài chính"  # land dossiers wait for the tax notice
_STREETS = ("Hùng Vương", "Nguyễn Huệ", "Trần Hưng Đạo", "Lê Duẩn", "Võ Thị Sáu", "Phú Riềng Đỏ",
            "Nguyễn Ái Quốc", "Đồng Khởi", "Phạm Văn Thuận", "Quốc lộ 14", "ĐT 741")


def _columns(variant: int) -> tuple[tuple[str, str], ...]:
    """(header, field): the vocabulary's `variant`-th text of each column the reader keeps,
    and the personal-data and free-text columns it drops."""
    def known(field: str) -> str:
        texts = HEADERS[field]
        return texts[min(variant, len(texts) - 1)]

    personal = (("Nội dung", "Trích yếu"), ("Người nộp", "Chủ hồ sơ"), ("Số CCCD", "Số giấy tờ"),
                ("Số điện thoại", "Điện thoại liên lạc"), ("Email", "Thư điện tử"),
                ("Địa chỉ", "Địa chỉ chủ hồ sơ"))
    return (("STT", "stt"), (known("dossier_code"), "code"), (known("procedure_code"), "proc_code"),
            (known("procedure_name"), "proc_name"), (known("field"), "field"),
            *zip((p[variant] for p in personal),
                 ("content", "applicant", "id_number", "phone", "email", "address"), strict=True),
            (known("receiving_unit"), "desk"), (known("channel"), "channel"),
            (known("service_level"), "level"), (known("received_at"), "received"),
            (known("due_date"), "due"), (known("finished_at"), "finished"),
            (known("handed_over_at"), "handed"), (known("status"), "status"))


_MINUTES = {"received": "%d/%m/%Y %H:%M", "due": "%d/%m/%Y", "finished": "%d/%m/%Y %H:%M",
            "handed": "%d/%m/%Y %H:%M"}
_SECONDS = {"received": "%d/%m/%Y %H:%M:%S", "due": "%d/%m/%Y",
            "finished": "%d/%m/%Y %H:%M:%S", "handed": "%d/%m/%Y %H:%M:%S"}
EXPORTS = (
    Export("hoso_05-04-2025.csv", datetime(2025, 4, 5, 7, 15), date(2024, 12, 1),
           date(2025, 4, 4), _columns(0), _MINUTES, level_words=False),
    Export("hoso_05-07-2025.csv", datetime(2025, 7, 5, 7, 15), date(2025, 3, 1),
           date(2025, 7, 4), _columns(0), _MINUTES, level_words=False),
    Export("DanhSachHoSo_05-10-2025.csv", datetime(2025, 10, 5, 7, 15), date(2025, 6, 1),
           date(2025, 10, 4), _columns(1), _SECONDS, level_words=True),
    Export("DanhSachHoSo_05-01-2026.csv", datetime(2026, 1, 5, 7, 15), date(2025, 9, 1),
           LAST_DAY, _columns(1), _SECONDS, level_words=True, newest_first=True),
)


class _Calendar(WorkCalendar):
    """Civil-service working days of 2024–2026 as the warehouse counts them (public holidays
    and the government's swaps, `common.workdays`)."""

    def __init__(self) -> None:
        self.days = [d.item() for d in working_days(2024, 2026)]
        self._index = {d: i for i, d in enumerate(self.days)}


class _Residents(People):
    """Applicants living in the commune of the desk they go to, with addresses written as
    they were then: three levels before the reform, two after it."""

    def address(self, commune: int | None) -> str:
        rng = self.rng
        where, ward = self.places[commune]
        if not ward:
            return f"{rng.choice(('Ấp', 'Thôn'))} {rng.randint(1, 9)}, {where}"
        if rng.random() < 0.3:
            return (f"Số {rng.randint(1, 250)}, đường {rng.choice(_STREETS)}, khu phố "
                    f"{rng.randint(1, 8)}, {where}")
        return f"Tổ {rng.randint(1, 12)}, khu phố {rng.randint(1, 8)}, {where}"


class _Simulation:
    def __init__(self, rng: random.Random, offices: Sequence[Office]) -> None:
        self.rng, self.cal = rng, _Calendar()
        self.offices = offices
        self.desks = [Desk(o.name, o.prefix, o.households, i) for i, o in enumerate(offices)]
        self.people = _Residents(rng, [(o.address, o.ward) for o in offices])
        # After the reform communes also handle what the district level did.
        self.menus = {}
        for after in (False, True):
            for online in (False, True):
                procs = [p for p in PROCEDURES
                         if (p.level >= 3) == online and (after or not p.town)]
                self.menus[after, online] = procs, cumulative([p.weight for p in procs])

    def run(self) -> list[Dossier]:
        rng, cal = self.rng, self.cal
        dossiers = []
        for after in (False, True):
            day_one = REORGANISATION_DATE if after else FIRST_DAY
            desks = [d for d, o in zip(self.desks, self.offices, strict=True)
                     if o.first <= day_one <= o.last]
            weights = cumulative([d.share for d in desks])
            days = (cal.between(REORGANISATION_DATE, LAST_DAY) if after
                    else cal.between(FIRST_DAY, REORGANISATION_DATE - timedelta(days=1)))
            for day in days:
                volume = _MONTH_VOLUME.get((day.year, day.month), 1.0)
                for _ in range(round(_RATE * weights[-1] * volume * rng.lognormvariate(0, 0.15))):
                    desk = rng.choices(desks, cum_weights=weights)[0]
                    dossiers.append(self._dossier(desk, day, after))
        dossiers.sort(key=lambda d: d.received)
        sequence: dict[tuple[str, date], int] = {}
        for dossier in dossiers:  # codes like 000.25217.H70-250315-0012
            key = (dossier.desk.prefix, dossier.received.date())
            sequence[key] = sequence.get(key, 0) + 1
            dossier.code = f"{key[0]}-{key[1]:%y%m%d}-{sequence[key]:04d}"
        return dossiers

    def _dossier(self, desk: Desk, day: date, after: bool) -> Dossier:
        rng, cal = self.rng, self.cal
        online = rng.random() < _ONLINE[after]
        procs, weights = self.menus[after, online]
        proc = rng.choices(procs, cum_weights=weights)[0]
        received = office_time(rng, day)
        dossier = Dossier(desk, proc, online, received, cal.add(day, proc.days))
        fate = rng.random()
        if online and fate < 0.004:  # submitted online, never accepted by the desk
            dossier.due, dossier.outcome = None, "not_received"
            if rng.random() < 0.8:
                dossier.refused_at = office_time(rng, cal.add(day, rng.randint(1, 3)))
        elif fate < 0.01:
            dossier.outcome, dossier.end_status = "withdrawn", rng.choice(_WITHDRAWN)
            dossier.closed = office_time(rng, cal.add(day, rng.randint(1, 4)), received)
        else:
            dossier.outcome = "resolved"
            dossier.closed = office_time(rng, self._closing_day(proc, day, dossier.due, fate),
                                         received)
            if rng.random() < 0.97:  # the rest are never collected
                wait = 0 if proc.days == 0 else rng.choice((0, 0, 0, 0, 1, 1, 2, 3, 5))
                dossier.handed = office_time(rng, cal.add(dossier.closed.date(), wait),
                                             dossier.closed)
        self._finish(dossier)
        return dossier

    def _closing_day(self, proc: Procedure, day: date, due: date, fate: float) -> date:
        """Late (1–8 working days past due) for 3 % of short procedures and 8 % of those of
        ten days or more; otherwise a third on the due day, the others earlier."""
        rng, limit = self.rng, proc.days
        if limit and fate > (0.92 if limit >= 10 else 0.97):
            return self.cal.add(due, rng.randint(1, 8))
        if limit == 0 or rng.random() < 0.35:
            return due
        return self.cal.add(day, rng.randint(limit * 3 // 10 if limit >= 5 else 0, limit - 1))

    def _finish(self, dossier: Dossier) -> None:
        """Statuses and the applicant's (fake) data."""
        rng, people = self.rng, self.people
        dossier.ready_status = rng.choice(_READY)
        waits_tax = dossier.proc.field == LAND and rng.random() < 0.25
        dossier.open_status = _TAX_STATUS if waits_tax else rng.choice(OPEN_STATUSES)
        give_applicant(dossier, rng, people)


def write_exports(inbox: Path, rng: random.Random, offices: Sequence[Office]) -> list[Path]:
    """The four quarterly exports of the desks' dossiers, written into `inbox`."""
    dossiers = _Simulation(rng, offices).run()
    return [write_export(inbox, export, dossiers) for export in EXPORTS]
