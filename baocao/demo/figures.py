"""The figures of the monthly report workbooks, M01…M09 of 2022, per commune and town
department: vaccination, Covid-19, food safety, Tết gifts, jobs, loans, training, households
and poverty. The town totals of the seed article are fixed first and spread over communes
and months exactly; a month's row is (plan, the month's flow, lũy kế)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from baocao.demo.apportion import split, split_capped
from baocao.demo.units import COMMUNES

Row = tuple[int | None, int | None, int | None]  # plan, month's flow, lũy kế
Figures = dict[str, list[Row]]  # indicator → rows for M01…M09
MONTHS = 9

# code, town figure at M09, town target population (None: no plan), share already done by
# Dec 2021, pace of the monthly increments M01…M09, the dose it follows (per commune never
# above it: nobody gets a second dose without a first).
_VACCINATION = (
    ("vax_18_dose1", 46_000, 43_478, 0.975, (3, 2, 1.5, 1, .8, .6, .5, .4, .3), None),
    ("vax_18_dose2", 45_337, 46_004, 0.935, (4, 3, 2, 1.2, 1, .8, .6, .5, .4), "vax_18_dose1"),
    ("vax_18_booster", 23_709, 46_306, 0.06, (5, 6, 5, 3, 2, 1.5, 1, .8, .6), "vax_18_dose2"),
    ("vax_18_additional", 13_642, None, 0.12, (2, 3, 3, 2, 1.5, 1, 1, .8, .5), "vax_18_dose2"),
    ("vax_12_17_dose1", 7_458, 7_533, 0.96, (3, 2, 1.5, 1, .8, .6, .5, .4, .3), None),
    ("vax_12_17_dose2", 7_143, 7_535, 0.86, (4, 3, 2, 1.5, 1, .8, .6, .5, .4), "vax_12_17_dose1"),
    # Vietnam began vaccinating children aged 5-11 in mid-April 2022: from M05 on.
    ("vax_5_11_dose1", 3_978, 7_945, 0.0, (0, 0, 0, 0, 5, 4, 2, 1.5, 1), None),
)
# The article's other town totals for 2022-9M: the sum of the monthly flows over the
# communes for `sum` indicators, the sum of the communes' M09 values for stocks; and plans.
_TOTALS = {
    "food_safety_inspected": 174, "tet_gifts": 3_640, "tet_gifts_value": 1_641_750_000,
    "jobs_created": 2_585, "job_loans_value": 13_125_000_000, "job_loans_workers": 240,
    "vocational_trainees": 225, "households": 14_350,
    "poor_households_start": 56, "poor_households": 33,
    "near_poor_households_start": 99, "near_poor_households": 69,
}
_PLANS = {"jobs_created": 3_500, "vocational_trainees": 350}
# F0 cases in isolation per month relative to the March 2022 Omicron peak: none by M09.
_F0_CURVE = (0.15, 0.3, 1.0, 0.45, 0.08, 0.02, 0.0, 0.01, 0.0)


def _running(flows: Sequence[int], plan: int | None = None) -> list[Row]:
    """Rows of a `sum` indicator: the month's flow and the running total since M01."""
    rows, total = [], 0
    for flow in flows:
        total += flow
        rows.append((plan, flow, total))
    return rows


def _path(rng: random.Random, final: int, base: float, pace: Sequence[float]) -> list[int]:
    """A cumulative count for Dec 2021, M01…M09 that starts at ~`base`×`final`, grows
    monthly in proportion to `pace` (with noise) and ends exactly at `final`."""
    start = min(1.0, base * rng.uniform(0.99, 1.01))
    steps = [p * rng.uniform(0.6, 1.4) for p in pace]
    total, reached, shares = sum(steps), 0.0, [start]
    for step in steps:
        reached += step
        shares.append(start + (1 - start) * reached / total)
    shares[-1] = 1.0
    return [round(final * s) for s in shares]


def _grid(rng: random.Random, total: int, commune_weights: Sequence[float],
          month_weights: Sequence[float], active: float = 1.0) -> list[list[int]]:
    """`total` spread over communes × months; a cell is empty with probability 1-`active`."""
    weights = [c * m * rng.uniform(0.5, 1.5) * (rng.random() < active)
               for c in commune_weights for m in month_weights]
    flat = split(total, weights)
    return [flat[i * MONTHS:(i + 1) * MONTHS] for i in range(len(commune_weights))]


def commune_figures(rng: random.Random) -> dict[str, Figures]:
    """Every commune indicator for M01…M09; the town totals are exactly the article's."""
    n = len(COMMUNES)
    size = [c.households * rng.uniform(0.97, 1.03) for c in COMMUNES]
    figures: dict[str, Figures] = {c.code: {} for c in COMMUNES}

    def put(code: str, rows_per_commune: Sequence[list[Row]]) -> None:
        for commune, rows in zip(COMMUNES, rows_per_commune, strict=True):
            figures[commune.code][code] = rows

    adults = [s * rng.uniform(0.95, 1.05) for s in size]
    children = [s * rng.uniform(0.85, 1.15) for s in size]
    finals: dict[str, list[int]] = {}
    for code, actual, target, base, pace, follows in _VACCINATION:
        population = children if "_18_" not in code else adults
        plans = (split(target, [p * rng.uniform(0.98, 1.02) for p in population])
                 if target else [None] * n)
        if follows is None:
            weights = [(p or a) * rng.uniform(0.93, 1.07) for p, a in zip(plans, adults,
                                                                          strict=True)]
        elif code.endswith("dose2"):
            weights = [f * rng.uniform(0.985, 1.0) for f in finals[follows]]
        else:
            weights = [f * rng.uniform(0.85, 1.15) for f in finals[follows]]
        finals[code] = split(actual, weights)
        started = next(i for i, p in enumerate(pace) if p)
        rows = []
        for plan, final in zip(plans, finals[code], strict=True):
            cumulative = _path(rng, final, base, pace)
            rows.append([(plan if m >= started else None, cumulative[m + 1] - cumulative[m],
                          cumulative[m + 1]) for m in range(MONTHS)])
        put(code, rows)

    put("covid_f0_active", [
        [(None, None, round(s / sum(size) * rng.uniform(200, 380) * f * rng.uniform(0.7, 1.3)))
         for f in _F0_CURVE] for s in size])
    # Inspections peak before Tết, in the food-safety action month (15 Apr – 15 May) and
    # before the Mid-Autumn festival.
    put("food_safety_inspected", [_running(r) for r in _grid(
        rng, _TOTALS["food_safety_inspected"], size, (2.0, 1.6, 0.5, 0.5, 2.2, 0.5, 0.3, 0.6, 1.5),
        active=0.75)])

    needy = [s * c.poverty for s, c in zip(size, COMMUNES, strict=True)]
    # Tết (1 Feb 2022) gifts go out in M01-M02, a few late ones in M03.
    gifts = _grid(rng, _TOTALS["tet_gifts"], needy, (0.55, 0.42, 0.03, 0, 0, 0, 0, 0, 0))
    flat = [g for row in gifts for g in row]
    # Gift values in steps of 50,000 đồng, roughly 450,000 đồng a gift.
    value = split(_TOTALS["tet_gifts_value"] // 50_000,
                  [g * rng.uniform(0.8, 1.25) for g in flat])
    put("tet_gifts", [_running(r) for r in gifts])
    put("tet_gifts_value", [_running([v * 50_000 for v in value[i * MONTHS:(i + 1) * MONTHS]])
                            for i in range(n)])

    job_plans = split(_PLANS["jobs_created"], [s * rng.uniform(0.85, 1.15) for s in size])
    jobs = _grid(rng, _TOTALS["jobs_created"], size,
                 (0.8, 0.6, 1.3, 1.1, 1.1, 1.0, 1.0, 1.0, 1.0))
    put("jobs_created", [_running(r, p) for r, p in zip(jobs, job_plans, strict=True)])
    # Loans are disbursed in batches, in steps of 5,000,000 đồng.
    workers = _grid(rng, _TOTALS["job_loans_workers"], size, (1,) * MONTHS, active=0.45)
    flat = [w for row in workers for w in row]
    loans = split(_TOTALS["job_loans_value"] // 5_000_000,
                  [w * rng.uniform(0.7, 1.3) for w in flat])
    put("job_loans_value", [_running([v * 5_000_000 for v in loans[i * MONTHS:(i + 1) * MONTHS]])
                            for i in range(n)])
    put("job_loans_workers", [_running(r) for r in workers])

    # Vocational training comes in classes of 15-35 trainees, none in the Tết month.
    trainees = [[0] * MONTHS for _ in range(n)]
    for size_of_class in split(_TOTALS["vocational_trainees"],
                               [rng.uniform(0.7, 1.3) for _ in range(9)]):
        commune = rng.choices(range(n), weights=size)[0]
        trainees[commune][rng.choice((0, 2, 3, 4, 5, 6, 7, 8))] += size_of_class
    training_plans = split(_PLANS["vocational_trainees"],
                           [s * rng.uniform(0.8, 1.2) for s in size])
    put("vocational_trainees", [_running(r, p) for r, p in zip(trainees, training_plans,
                                                               strict=True)])

    households = split(_TOTALS["households"], size)
    rows = []
    for final in households:
        path = [final]
        for _ in range(MONTHS - 1):
            path.insert(0, path[0] - rng.randint(0, 4))
        rows.append([(None, None, h) for h in path])
    put("households", rows)

    for prefix in ("poor", "near_poor"):
        start_total = _TOTALS[f"{prefix}_households_start"]
        end_total = _TOTALS[f"{prefix}_households"]
        starts = split(start_total, [w * rng.uniform(0.8, 1.2) for w in needy])
        drops = split_capped(start_total - end_total,
                             [s * rng.uniform(0.7, 1.3) for s in starts], starts)
        put(f"{prefix}_households_start", [[(None, None, s)] * MONTHS for s in starts])
        rows = []
        for start, drop in zip(starts, drops, strict=True):
            # Households leave poverty after the mid-year reviews mostly; none in M01.
            steps = [0, *split(drop, [w * rng.uniform(0.5, 1.5) for w in
                                      (0.5, 0.8, 1, 1.5, 1.5, 1.2, 1, 1)])]
            now, path = start, []
            for step in steps:
                now -= step
                path.append((None, None, now))
            rows.append(path)
        put(f"{prefix}_households", rows)
        put(f"new_{prefix}_households", [_running([0] * MONTHS) for _ in range(n)])
    return figures


def town_figures(rng: random.Random) -> dict[str, Figures]:
    """The departments' own indicators (reporter scope `town`) for M01…M09."""
    rounds: Figures = {}
    # code, rounds at M09, rounds by Dec 2021, pace of new rounds M01…M09
    for code, final, base, pace in (
            ("vax_rounds_18", 24, 20, (3, 2, 2, 1, 1, 1, .5, .5, .5)),
            ("vax_rounds_booster", 11, 1, (3, 3, 2, 1, 1, 1, .5, .5, .5)),
            ("vax_rounds_12_17", 3, 2, (1, 1, 1, .5, .5, .5, .5, .5, .5)),
            ("vax_rounds_5_11", 4, 0, (0, 0, 0, 0, 2, 1, 1, 1, 1))):
        steps = split(final - base, [p * rng.uniform(0.5, 1.5) for p in pace])
        now, rows = base, []
        for step in steps:
            now += step
            rows.append((None, step, now))
        rounds[code] = rows

    # The Thị ủy's Tết gifts (1,000,000 đồng each) went out in January, mostly after the
    # 14th (M02): one gift to every poor and near-poor household and full orphan.
    party: Figures = {}
    by_month = [0] * MONTHS
    for code, total in (("party_gifts_poor", _TOTALS["poor_households_start"]),
                        ("party_gifts_near_poor", _TOTALS["near_poor_households_start"]),
                        ("party_gifts_orphan", 11)):
        early = round(total * rng.uniform(0.2, 0.4))
        flows = [early, total - early] + [0] * (MONTHS - 2)
        party[code] = _running(flows)
        by_month = [a + b for a, b in zip(by_month, flows, strict=True)]
    party["party_gifts_value"] = _running([g * 1_000_000 for g in by_month])

    fairs = [rng.choice((0, 0, 1, 1, 1, 2)) for _ in range(MONTHS)]
    return {"ttyt_688": rounds, "vptu_688": party, "ldtbxh_688": {"job_fairs": _running(fairs)}}
