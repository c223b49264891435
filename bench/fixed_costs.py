"""Benchmark: what a command costs before it does any work, each in a fresh process.

    .venv/bin/python bench/fixed_costs.py [--repeat 3]

In one run of this script, each timed as a new process the way staff start it:
(a) a trivial one-task Prefect flow (its temporary server included): the floor of any run;
(b) `baocao run` on a data folder holding the demo's warehouse, with one new workbook in
    the inbox (the demo's M05 report of Phước Tín sent again): goal ≤ 1.2 × (a);
(c) `baocao check FILE` on that workbook: goal ≤ 1 s;
and which of prefect / great_expectations each command that runs no flow imports
(`check`, `report`, `status`): none, by design.
The demo warehouse is built first (not timed). Prints the medians and the ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

BIN = Path(sys.executable).parent
TRIVIAL = """
from prefect import flow, task

@task
def one():
    return 1

@flow
def trivial():
    return one()

trivial()
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def imports_of(command: list[str], env: dict[str, str]) -> set[str]:
    """Which heavy packages the command imports (python -X importtime)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *command], env=env,
                          capture_output=True, text=True)
    found = {line.split("|")[-1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:")}
    return found & {"prefect", "great_expectations"}


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with tempfile.TemporaryDirectory(prefix="bench_fixed_") as tmp:
        root = Path(tmp)
        demo = root / "demo"
        print("building the demo warehouse (not timed) …", flush=True)
        subprocess.run([str(BIN / "baocao"), "demo", "--data-dir", str(demo)], check=True,
                       env=env, stdout=subprocess.DEVNULL)
        workbook = demo / "inbox" / "bao cao T05.2022 Phuoc Tin.xlsx"
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL)
        flows, runs, checks = [], [], []
        for n in range(args.repeat):
            flows.append(timed([sys.executable, str(trivial)], env))
            data = root / f"run{n}"
            shutil.copytree(demo, data, ignore=shutil.ignore_patterns("inbox", "work"))
            (data / "inbox").mkdir()
            # the same report saved again: a new file (other bytes), same figures
            load_workbook(workbook).save(
                data / "inbox" / "bao cao T05.2022 Phuoc Tin (gui lai).xlsx")
            runs.append(timed([str(BIN / "baocao"), "run", "--data-dir", str(data)], env))
            checks.append(timed([str(BIN / "baocao"), "check", str(workbook)], env))
            print(f"  round {n + 1}: trivial flow {flows[-1]:.2f} s, one-file run"
                  f" {runs[-1]:.2f} s, check {checks[-1]:.2f} s", flush=True)
        a, b, c = (statistics.median(x) for x in (flows, runs, checks))
        print(f"(a) trivial one-task flow, fresh process: {a:.2f} s (median of {args.repeat})")
        print(f"(b) baocao run, one new workbook:         {b:.2f} s")
        print(f"(c) baocao check FILE:                    {c:.2f} s  (goal ≤ 1 s)")
        print(f"(b)/(a) = {b / a:.2f}  (goal ≤ 1.2)")
        for command in (["check", str(workbook)],
                        ["report", "--data-dir", str(demo), "--period", "2022-9M"],
                        ["status", "--data-dir", str(demo)]):
            heavy = imports_of([str(BIN / "baocao"), *command], env)
            print(f"baocao {command[0]:<7} imports {', '.join(sorted(heavy)) or 'neither'}"
                  " of prefect / great_expectations")


if __name__ == "__main__":
    main()
