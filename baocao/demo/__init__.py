"""A realistic, seeded demo inbox for the Phước Long reporting warehouse.

The warehouse is fed by whatever staff drop into an inbox folder: the nightly exports of the
province's one-stop system (one row per dossier, `.xlsx` and `.csv`, overlapping windows)
and the monthly report workbooks of the 7 communes/wards and of the town's departments.
`write_demo_inbox` writes such an inbox for September 2021 – October 2022 from which the
pipeline must reproduce every figure of the seed article for `2022-9M` exactly
(`shared/spec/reference-figures.md`), while it carries the mess real inboxes carry:
exports that overlap and show older states of the same dossier, header synonyms, dates as
cells or as text, Vietnamese number text, `-` for zero, a corrected resubmission, rows
that count nowhere, and fake personal data that must never reach the warehouse.

The exact figures are fixed first and the noise is fitted around them (exact
apportionment, then plausible dates, times and statuses), so every seed yields the same
totals and only the details move. All randomness comes from one `random.Random(seed)` and
no file carries the wall clock (zip entry times and document properties are the file's
own arrival time), so one seed gives byte-identical files.

Modules, in the order the generator uses them: `timeline` (period, days off, working days,
office hours), `apportion` (exact splits), `units` (communes, departments, their habits),
`people` (fake personal data), `procedures`, `dossiers` (the simulation), `exports` (the
one-stop exports), `figures` and `workbooks` (the monthly reports), with `template` (the
report template's fixed texts) and `xlsx` (deterministic .xlsx files). `grid` and `layouts`
write the report template in the many layouts and formats staff send, for tests and
benchmarks.
"""

from __future__ import annotations

import random
from pathlib import Path

from baocao.demo.dossiers import Desk, DossierSimulation
from baocao.demo.exports import EXPORTS, write_export
from baocao.demo.people import People
from baocao.demo.units import COMMUNES, TOWN_DESK, TOWN_PREFIX, TOWN_SHARE, commune_names
from baocao.demo.workbooks import write_reports

__all__ = ["write_demo_inbox"]


def write_demo_inbox(inbox: Path, seed: int = 20220921) -> list[Path]:
    """Write the demo inbox files into `inbox` (created if missing); return their paths."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = commune_names()
    people = People(rng, [(n.split(" ", 2)[2], c.ward)  # "UBND phường Long Thủy" → "Long Thủy"
                          for n, c in zip(names, COMMUNES, strict=True)])
    desks = [Desk(TOWN_DESK, TOWN_PREFIX, TOWN_SHARE, None)]
    desks += [Desk(n, c.prefix, c.share, i)
              for i, (n, c) in enumerate(zip(names, COMMUNES, strict=True))]
    dossiers = DossierSimulation(rng, desks, people).run()
    written = [write_export(inbox, export, dossiers) for export in EXPORTS]
    return written + write_reports(inbox, rng, people)
