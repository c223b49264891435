"""A province's demo inbox for 2025, the year of the reform, generated from the unit tree.

`write_province_inbox(inbox, area="75")` writes what a 2025 province's data folder receives
for 2025-M01 … 2025-M12: the monthly report workbook of every commune the catalog expects
(`common.catalog.reporters_of`) — each legacy commune for the months it existed (M01–M06),
each 2025 commune from M07 — and of the province's departments (`province_area`), plus the
quarterly exports of the province's one-stop system (`province_exports`). For Đồng Nai
that is 270 × 6 + 95 × 6 + 2 × 6 workbooks and ≈ 40,000 dossiers.

The figures are plausible and consistent rather than fixed in advance: flows (`sum`) and
stocks (`last`) in proportion to each commune's households, lũy kế that add up month after
month, and a 2025 commune that starts in M07 from its predecessors' June figures (the
legacy communes whose default successor it is): its stocks are theirs together and its
lũy kế and plans carry on theirs, so every series runs on across the reform. Communes keep
their clerk's habits (case of the title, header texts, numbers as text, file names) from
month to month.

Names two communes of the area share once folded (in Đồng Nai 19 pairs of legacy communes,
e.g. two "Xã Tân Thành", "Xã Thạnh Phú" and "Xã Thanh Phú"; and the 2025 "Xã Lộc Thạnh" and
"Xã Lộc Thành") are written as staff write them: the reader refuses to guess between two
units, so their files are rejected (docs/jurisdictions.md).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb

from baocao.demo.layouts import ORDER, Layout, Line, report_grid
from baocao.demo.province_exports import Office, write_exports
from baocao.demo.sheet_xlsx import write_grid
from baocao.demo.template import HEADERS, ON_BEHALF, PREPARED_BY, SECTIONS
from baocao.demo.timeline import arrive
from common.area import CONFIG_NAME, Area, Department, read_area, write_config
from common.catalog import Reporter, load_catalog, reporters_of
from common.datafolder import DataPaths
from common.text import fold
from common.units import AdminUnit, area_kind, area_name, area_units
from common.workdays import working_days

YEAR = 2025
MONTHS = tuple(range(1, 13))

# The province's departments that report besides the communes: reporter prefix, title (the
# name is the title and the province's: "Sở Y tế tỉnh Đồng Nai"), signer. Sở Nội vụ took
# over labour from Sở Lao động - Thương binh và Xã hội in March 2025.
_DEPARTMENTS = (("syt", "Sở Y tế", "GIÁM ĐỐC"), ("snv", "Sở Nội vụ", "GIÁM ĐỐC"))

# Rough size of a legacy commune by type (households), spread by a log-normal factor.
_HOUSEHOLDS = {"Phường": 5_500, "Thị trấn": 4_500, "Xã": 3_200}
# How poverty differs by type: rural communes have more poor households.
_POVERTY = {"Phường": 0.4, "Thị trấn": 0.7, "Xã": 1.4}
# Tết Ất Tỵ fell on 29 January 2025: gifts go out in M01 (to 14/01) and M02 (to 14/02).
_TET = {1: 0.35, 2: 0.65}
# Food-safety inspections peak before Tết (M02), in the action month (15/04–15/05, M05) and
# before the Mid-Autumn festival (6 October 2025, M10).
_INSPECTIONS = {2: 2.5, 5: 2.0, 10: 1.8}
_JOBS = {2: 0.5, 3: 1.2}  # the Tết lull, then the hiring after it
_JOBS_A_MONTH = 4.5  # jobs created a month per 1,000 households
_CLASSES_A_MONTH = 0.03  # chance of a vocational class in a month, per 1,000 households
_TRAINEES = (15, 35)  # in a class
_PERIOD_LINES = ("Tháng {m} năm {y}",) * 4 + ("tháng {m:02d}/{y}", "Kỳ báo cáo: T{m}/{y}")
_FILE_NAMES = ("BC thang {m} - {ascii}.xlsx", "Bao cao thang {m:02d}.{y} - {ascii}.xlsx",
               "{ascii} - BC DVCQ T{m}.{y}.xlsx", "Báo cáo tháng {m} năm {y} {name}.xlsx")
_SHEETS = ("BC", "Sheet1", "Báo cáo", "T{m}")
_WIDTHS = {0: 6, 1: 62, 2: 9, 3: 12, 4: 14, 5: 13, 6: 10, 7: 18}


def province_area(code: str) -> Area:
    """A 2025 province with the departments that report in the demo, for baocao.toml."""
    unit = next(u for u in area_units(code) if u.unit_code == code and u.valid_from)
    province = _in_sentence(unit.unit_name, unit.unit_type)  # "tỉnh Đồng Nai"
    return Area(code, tuple(Department(f"{key}_{code}", f"{title} {province}", (title,))
                            for key, title, _ in _DEPARTMENTS))


def prepare_data_folder(paths: DataPaths, area: str) -> Path:
    """`baocao init --area` for the demo: baocao.toml with the demo's departments. Refuses
    (ValueError, in Vietnamese for staff) a code that is not a 2025 province, and a data
    folder that serves another area: the two would mix in one warehouse."""
    if area_kind(area) != "province_2025":  # an unknown code: UnknownArea, a ValueError
        raise ValueError(f"Dữ liệu mẫu theo địa bàn chỉ có cho một tỉnh sau 01/7/2025 (ví dụ "
                         f"75), không có cho mã '{area}'.")
    served = read_area(paths.data_dir).code
    if served != area and (paths.warehouse.exists() or (paths.data_dir / CONFIG_NAME).exists()):
        raise ValueError(f"Thư mục dữ liệu {paths.data_dir} đang phục vụ địa bàn mã {served}; "
                         "hãy chọn một --data-dir khác cho dữ liệu mẫu.")
    return write_config(paths.data_dir, province_area(area), area_name(area))


def report_period(warehouse: Path, area: str) -> str:
    """The province's year to report, or its nine months when the files loaded do not reach
    the year's end."""
    if not warehouse.exists():
        return f"{YEAR}-Y"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (complete,) = con.execute(
            "select bool_and(complete) from report_one_stop where unit_code = ?"
            " and period_code = ? and scope = 'area'", [area, f"{YEAR}-Y"]).fetchone()
    return f"{YEAR}-Y" if complete else f"{YEAR}-9M"


def _in_sentence(name: str, unit_type: str) -> str:
    """'Phường Long Thủy' → 'phường Long Thủy', as inside a sentence or an address."""
    return unit_type.lower() + name[len(unit_type):] if name.startswith(unit_type) else name


@dataclass
class _State:
    """A commune's figures at the end of a month: stocks, lũy kế and yearly plans."""

    households: int
    poor_start: int
    near_start: int
    poor: int
    near: int
    plans: dict[str, int]
    totals: dict[str, int] = field(default_factory=dict)  # lũy kế of each flow since M01


def _merge(states: Sequence[_State]) -> _State:
    """Predecessors' June figures as their 2025 successor starts from them."""
    def add(key: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in states:
            for code, value in getattr(s, key).items():
                out[code] = out.get(code, 0) + value
        return out

    return _State(*(sum(getattr(s, f) for s in states)
                    for f in ("households", "poor_start", "near_start", "poor", "near")),
                  add("plans"), add("totals"))


def _start(rng: random.Random, unit: AdminUnit, poverty: float) -> _State:
    """A commune as its series starts: a legacy one at the end of 2024."""
    households = round(_HOUSEHOLDS.get(unit.unit_type, 3_200) * rng.lognormvariate(0, 0.35))
    rate = poverty * _POVERTY.get(unit.unit_type, 1.0) * rng.uniform(0.5, 1.6)
    poor = round(households * rate)
    near = round(poor * rng.uniform(1.5, 2.5))
    # Yearly plans a little above what the commune will achieve (none in the Tết month).
    size = households / 1000
    jobs = size * _JOBS_A_MONTH * sum(_JOBS.get(m, 1.0) for m in MONTHS)
    trainees = min(0.6, size * _CLASSES_A_MONTH) * (len(MONTHS) - 1) * sum(_TRAINEES) / 2
    plans = {code: 5 * max(1, round(expected * rng.uniform(1.0, 1.25) / 5))
             for code, expected in (("jobs_created", jobs), ("vocational_trainees", trainees))}
    return _State(households, poor, near, poor, near, plans)


Row = tuple[int | None, int | None, int | None]  # plan, the month's flow, lũy kế or stock


def _month(rng: random.Random, s: _State, m: int) -> dict[str, Row]:
    """One month of a commune: `s` moves on to the month's end; returns its report rows."""
    s.households += round(s.households * rng.uniform(0.0004, 0.0018))
    new = {"new_poor_households": int(rng.random() < 0.08) * rng.randint(1, 2),
           "new_near_poor_households": int(rng.random() < 0.12) * rng.randint(1, 3)}
    # Households leave poverty mostly after the year-end review (M11–M12).
    pace = 0.08 if m >= 11 else 0.025
    s.poor += new["new_poor_households"] - round(s.poor * rng.uniform(0, pace))
    s.near += new["new_near_poor_households"] - round(s.near * rng.uniform(0, pace))
    size = s.households / 1000
    jobs = round(size * _JOBS_A_MONTH * _JOBS.get(m, 1.0) * rng.uniform(0.6, 1.4))
    gifts = round(_TET.get(m, 0) * (2 * (s.poor_start + s.near_start) + 8 * size)
                  * rng.uniform(0.8, 1.2))
    workers = min(jobs, round(rng.uniform(0, 0.3) * jobs)) if rng.random() < 0.4 else 0
    flows = {
        "food_safety_inspected": round(size * 0.6 * _INSPECTIONS.get(m, 1.0)
                                       * rng.uniform(0, 2)),
        "tet_gifts": gifts,
        # 400,000–600,000 đồng a gift, in steps of 50,000; 50–100 million đồng a loan.
        "tet_gifts_value": sum(50_000 * rng.randint(8, 12) for _ in range(gifts)),
        "jobs_created": jobs,
        "job_loans_value": sum(5_000_000 * rng.randint(10, 20) for _ in range(workers)),
        "job_loans_workers": workers,
        # A vocational class now and then, none in the Tết month.
        "vocational_trainees": (rng.randint(*_TRAINEES) if m != 2 and rng.random()
                                < min(0.6, size * _CLASSES_A_MONTH) else 0),
        **new,
    }
    rows: dict[str, Row] = {}
    for code, flow in flows.items():
        s.totals[code] = s.totals.get(code, 0) + flow
        rows[code] = (s.plans.get(code), flow, s.totals[code])
    stocks = {"households": s.households, "poor_households_start": s.poor_start,
              "poor_households": s.poor, "near_poor_households_start": s.near_start,
              "near_poor_households": s.near}
    rows.update((code, (None, None, value)) for code, value in stocks.items())
    return rows


@dataclass
class _Sender:
    """A reporter and its clerk: what its title block says, how it fills the template."""

    reporter: Reporter
    council: str  # row 1: the council it answers to
    title: str  # row 2: the reporter line
    place: str  # of the date line
    file_name: str  # str.format pattern with {m}
    layout: dict  # Layout fields its clerk changes
    signer: tuple[str, ...]
    rows: dict[int, dict[str, Row]] = field(default_factory=dict)  # month → code → row


def _habits(rng: random.Random, full: str) -> tuple[str, dict]:
    """A clerk's file name pattern (naming the sender's `full` name) and template edits,
    kept month after month."""
    header = rng.choice(HEADERS)
    layout: dict = {"period_line": rng.choice(_PERIOD_LINES),
                    "header": dict(zip(ORDER, header, strict=True)),
                    "numbers_as_text": rng.random() < 0.2,
                    "money_suffix": rng.random() < 0.2,
                    "sections": "letters" if rng.random() < 0.2 else "roman"}
    if rng.random() < 0.15:
        layout["number_row"] = tuple(f"({i})" for i in range(1, len(ORDER) + 1))
    sheet = rng.choice(_SHEETS)
    # The full name, with its type: whatever else a file name matches, it names its sender.
    ascii_name = " ".join(w.capitalize() for w in fold(full).split())
    pattern = rng.choice(_FILE_NAMES).replace("{ascii}", ascii_name).replace("{name}", full)
    return pattern, {**layout, "sheet_name": sheet}


@cache
def _calendar() -> frozenset[date]:
    return frozenset(d.item() for d in working_days(YEAR, YEAR + 1))


def _arrival(rng: random.Random, m: int) -> datetime:
    """When a month's report is sent: a working day around the 14th (the cut-off), or 1–3
    days later for a late one. It is signed that day: its date line tells its lateness once
    the files are loaded long after (int_workbook_received)."""
    days = [d for d in (12, 13, 14, 14, 14, 15, 16) if date(YEAR, m, d) in _calendar()]
    late = rng.choice((1, 2, 3)) if rng.random() < 0.07 else 0
    return (datetime(YEAR, m, rng.choice(days), rng.randint(8, 16), rng.randint(0, 59))
            + timedelta(days=late))


def _reports_in(reporter: Reporter) -> list[int]:
    """The months a reporter is expected for: its unit exists on the month's cut-off."""
    return [m for m in MONTHS if (reporter.valid_from or date.min) <= date(YEAR, m, 14)
            <= (reporter.valid_to or date.max)]


@dataclass(frozen=True)
class _Tree:
    """The area's communes as the demo needs them."""

    legacy: list[AdminUnit]  # chosen legacy communes, in code order
    new: list[AdminUnit]  # chosen 2025 communes
    units: dict[tuple[str, bool], AdminUnit]  # (code, is 2025) → unit
    province: AdminUnit


def _tree(area: str, communes: int | None) -> _Tree:
    units = area_units(area)
    new = [u for u in units if u.level == "commune" and u.in_area and u.valid_from]
    if communes is not None:  # spread over the province: both legacy provinces
        new = [new[i * len(new) // communes] for i in range(min(communes, len(new)))]
    chosen = {u.unit_code for u in new}
    legacy = [u for u in units if u.level == "commune" and u.in_area and not u.valid_from
              and u.successor_code in chosen]
    by_key = {(u.unit_code, u.valid_from is not None): u for u in units}
    return _Tree(legacy, new, by_key, by_key[(area, True)])


def _commune_senders(rng: random.Random, tree: _Tree, reporters: dict[str, Reporter]
                     ) -> list[_Sender]:
    """Every chosen commune with a year of figures: legacy ones to M06, then their
    successors from their June figures on."""
    poverty = {u.unit_code: rng.uniform(0.004, 0.02) for u in tree.units.values()
               if u.level == "province" and not u.valid_from}
    by_unit = {(r.unit_code, r.valid_from is not None): r for r in reporters.values()
               if r.scope == "commune"}
    senders, june = [], {}
    for unit in [*tree.legacy, *tree.new]:
        reporter = by_unit[(unit.unit_code, unit.valid_from is not None)]
        months = _reports_in(reporter)
        if unit.valid_from:
            before = [june[u.unit_code] for u in tree.legacy if u.successor_code == unit.unit_code]
            # A commune no legacy one defaults to (all its parts merged elsewhere by
            # default) starts afresh.
            state = (_merge(before) if before
                     else _start(rng, unit, sum(poverty.values()) / len(poverty)))
            council = tree.province
        else:
            district = tree.units[(unit.parent_code, False)]
            state = _start(rng, unit, poverty[district.parent_code])
            council = district
        pattern, layout = _habits(rng, unit.unit_name)
        upper = rng.random() < 0.85
        chair = (ON_BEHALF, "CHỦ TỊCH") if rng.random() < 0.6 else (ON_BEHALF, "KT. CHỦ TỊCH",
                                                                   "PHÓ CHỦ TỊCH")
        sender = _Sender(reporter, f"UBND {council.unit_name.upper()}",
                         f"UBND {unit.unit_name.upper()}" if upper else reporter.name_vi,
                         unit.unit_name[len(unit.unit_type):].strip(), pattern, layout,
                         (PREPARED_BY, *chair))
        for m in months:
            sender.rows[m] = _month(rng, state, m)
        if not unit.valid_from:
            june[unit.unit_code] = state
        senders.append(sender)
    return senders


def _department_senders(rng: random.Random, area: Area, province: AdminUnit,
                        reporters: dict[str, Reporter]) -> list[_Sender]:
    """Sở Y tế: its Covid-19 vaccination rounds (none since 2023: the counts stand still);
    Sở Nội vụ: its job fairs, lũy kế carrying on the old Sở Lao động's first half."""
    rounds = {"vax_rounds_18": rng.randint(24, 32), "vax_rounds_booster": rng.randint(10, 16),
              "vax_rounds_12_17": rng.randint(3, 6), "vax_rounds_5_11": rng.randint(3, 5)}
    fairs = rng.randint(8, 14)
    senders = []
    for department, (key, title, signer) in zip(area.departments, _DEPARTMENTS, strict=True):
        reporter = reporters[department.reporter]
        pattern, layout = _habits(rng, title)
        sender = _Sender(reporter, f"UBND {province.unit_name.upper()}", title.upper(),
                         province.unit_name[len(province.unit_type):].strip(), pattern,
                         layout, (PREPARED_BY, signer))
        for m in _reports_in(reporter):
            if key == "syt":
                sender.rows[m] = {code: (None, None, n) for code, n in rounds.items()}
            else:
                held = rng.choice((0, 1, 1, 2, 2, 3))
                fairs += held
                sender.rows[m] = {"job_fairs": (None, held, fairs)}
        senders.append(sender)
    return senders


def _lines(rows: dict[str, Row]) -> list[Line]:
    """A month's rows in the catalog's order, each under its domain's section."""
    catalog = load_catalog().indicators
    lines = []
    for code, indicator in catalog.items():
        if code not in rows:
            continue
        plan, flow, cumulative = rows[code]
        rate = round(100 * cumulative / plan, 1) if plan and cumulative is not None else None
        lines.append(Line(code, indicator.name_vi, indicator.unit_vi, plan, flow, cumulative,
                          rate, SECTIONS[indicator.domain]))
    return lines


def _write(inbox: Path, rng: random.Random, sender: _Sender, used: set[str]) -> list[Path]:
    written = []
    for m, rows in sender.rows.items():
        arrived = _arrival(rng, m)
        name, copy = sender.file_name.format(m=m, y=YEAR), 0
        while name in used:  # two communes of one name: saved from e-mail as "… (1).xlsx"
            copy += 1
            name = sender.file_name.format(m=m, y=YEAR).replace(".xlsx", f" ({copy}).xlsx")
        used.add(name)
        layout = Layout(month=m, year=YEAR, council_line=sender.council,
                        reporter_line=sender.title, signature=sender.signer,
                        date_line=f"{sender.place}, ngày {arrived.day} tháng {{m}} năm {{y}}",
                        **{**sender.layout,
                           "sheet_name": sender.layout["sheet_name"].format(m=m)})
        path = write_grid(inbox / name, report_grid(layout, _lines(rows)), arrived, _WIDTHS)
        written.append(arrive(path, arrived))
    return written


def write_province_inbox(inbox: Path, area: str = "75", seed: int = 20251214,
                         communes: int | None = None) -> list[Path]:
    """Write a 2025 province's demo inbox into `inbox` (created if missing): the monthly
    workbooks of M01–M12 and the one-stop exports; returns their paths. `communes`: only
    that many 2025 communes, spread over the province, with their predecessors (a smaller
    inbox for tests); the departments always report."""
    if area_kind(area) != "province_2025":
        raise ValueError(f"the province demo needs a 2025 province, not {area!r}")
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    config = province_area(area)
    reporters = reporters_of(config)
    tree = _tree(area, communes)
    senders = _commune_senders(rng, tree, reporters)
    senders += _department_senders(rng, config, tree.province, reporters)
    used: set[str] = set()
    written = [path for sender in senders for path in _write(inbox, rng, sender, used)]
    return written + write_exports(inbox, rng, _offices(tree, senders))


def _offices(tree: _Tree, senders: list[_Sender]) -> list[Office]:
    """The communes' one-stop desks, each as busy as its commune is large."""
    size = {(s.reporter.unit_code, s.reporter.valid_from is not None):
            s.rows[min(s.rows)]["households"][2] for s in senders if s.reporter.scope == "commune"}
    offices = []
    for unit in [*tree.legacy, *tree.new]:
        parent = tree.units[(unit.parent_code, False)] if not unit.valid_from else None
        province = tree.units[(parent.parent_code, False)] if parent else tree.province
        where = [unit, *([parent] if parent else []), province]
        offices.append(Office(
            name=f"UBND {_in_sentence(unit.unit_name, unit.unit_type)}",
            prefix=f"000.{unit.unit_code}.H{province.unit_code}",
            first=unit.valid_from or date.min, last=unit.valid_to or date.max,
            households=size[(unit.unit_code, unit.valid_from is not None)],
            address=", ".join(_in_sentence(u.unit_name, u.unit_type) for u in where),
            ward=unit.unit_type == "Phường"))
    return offices
