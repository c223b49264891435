"""Benchmark: peak memory of loading a one-stop export, 2M dossiers against 20M.

    .venv/bin/python bench/streaming_memory.py [--small 2000000] [--large 20000000]

For each size, in one run of this script: the export is written by bench/one_stop.py's
generator (the system's columns, personal data, 5 % bad rows; not timed, not measured),
then a fresh Python process archives, reads (rows streamed to Parquet beyond
`stream_rows`), validates and loads it with the one load sequence into a fresh data folder,
and reports its peak resident set size (getrusage). Prints both and the ratio (goal ≤ 1.5).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from one_stop import generate


def child(export: Path, data: Path) -> None:  # pragma: no cover - a benchmark
    """Load one export into a fresh data folder; print what it cost, as JSON."""
    import pandas as pd

    from common.clock import local_now
    from common.datafolder import DataPaths
    from expectations.staged import validate_batch
    from extract.inbox import extract_file
    from extract.one_stop_rows import Streaming
    from load import archive as raw_archive
    from load import sequence
    from transform.batch import build_batch

    start = time.perf_counter()
    paths = DataPaths.of(data, inbox=export.parent)
    now = local_now()
    file = raw_archive.archive(export, paths, raw_archive.sha256_of(export), now)
    result = extract_file(file, paths.archived(file.archive_path),
                          Streaming(paths.streamed_rows))
    batch = validate_batch(build_batch([result]), pd.Timestamp(now))
    run = {"run_id": "bench", "flow": "bench", "trigger": "manual", "parameters": {},
           "started_at": now, "files_seen": 1}
    summary = sequence.load_and_publish(paths, run, batch)
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "rows_loaded": summary["rows_loaded"],
                      "rows_rejected": summary["rows_rejected"],
                      "streamed": bool(batch.dossier_parts)}))


def measure(rows: int, folder: Path) -> dict:  # pragma: no cover - a benchmark
    export = folder / f"inbox{rows}" / "hoso_1cua.csv"
    export.parent.mkdir(parents=True)
    generate(export, rows)
    print(f"{rows:,} dossiers: {export.stat().st_size / 1e9:.1f} GB written; loading …",
          flush=True)
    done = subprocess.run([sys.executable, __file__, "--child", str(export),
                           str(folder / f"data{rows}")], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parent)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {result['seconds']:.0f} s, peak RSS {result['peak_mb']:,.0f} MB, rows loaded"
          f" {result['rows_loaded']:,}, rejected {result['rows_rejected']:,}, streamed:"
          f" {result['streamed']}", flush=True)
    shutil.rmtree(folder / f"inbox{rows}")
    shutil.rmtree(folder / f"data{rows}")
    return result


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2_000_000)
    parser.add_argument("--large", type=int, default=20_000_000)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench_streaming_"))
    try:
        small, large = measure(args.small, folder), measure(args.large, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"peak RSS {args.large:,} / {args.small:,} = {large['peak_mb']:,.0f} MB /"
          f" {small['peak_mb']:,.0f} MB = {large['peak_mb'] / small['peak_mb']:.2f}"
          "  (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
