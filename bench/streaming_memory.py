"""Benchmark: peak memory of loading one-stop exports, 2M dossiers against 20M.

    .venv/bin/python bench/streaming_memory.py [--files-small 1] [--files-large 10]
                                               [--rows-per-file 2000000]

For each size, in one run of this script: the exports (files of 2M dossiers each, as a
province's year: 748 MB, under the 1 GB a CSV may weigh) are written by
bench/one_stop.py's generator (the system's columns, personal data, 5 % bad rows; not
timed, not measured), then a fresh Python process archives, reads (rows streamed to
Parquet beyond `stream_rows`), validates and loads them in one batch with the one load
sequence into a fresh data folder, and reports its peak resident set size (VmHWM, which
unlike getrusage's maximum does not carry the generating parent's peak over an exec).
Prints both and the ratio (goal ≤ 1.5).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from one_stop import generate


def peak_rss_mb() -> float:
    """This process's high-water mark of resident memory (reset by exec)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(inbox: Path, data: Path) -> None:  # pragma: no cover - a benchmark
    """Load the exports of `inbox` into a fresh data folder; print what it cost, as JSON."""
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
    paths = DataPaths.of(data, inbox=inbox)
    now = local_now()
    exports = sorted(inbox.glob("*.csv"))
    files = [raw_archive.archive(e, paths, raw_archive.sha256_of(e), now) for e in exports]
    streaming = Streaming(paths.streamed_rows)
    results = [extract_file(f, paths.archived(f.archive_path), streaming) for f in files]
    batch = validate_batch(build_batch(results), pd.Timestamp(now))
    run = {"run_id": "bench", "flow": "bench", "trigger": "manual", "parameters": {},
           "started_at": now, "files_seen": len(files)}
    summary = sequence.load_and_publish(paths, run, batch)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb(),
                      "rows_loaded": summary["rows_loaded"],
                      "rows_rejected": summary["rows_rejected"],
                      "streamed": len(batch.dossier_parts)}))


def measure(files: int, rows_per_file: int, folder: Path) -> dict:  # pragma: no cover
    rows = files * rows_per_file
    inbox = folder / f"inbox{rows}"
    inbox.mkdir(parents=True)
    for n in range(files):
        generate(inbox / f"hoso_1cua_{n + 1:02d}.csv", rows_per_file, first=n * rows_per_file)
    size = sum(f.stat().st_size for f in inbox.iterdir())
    print(f"{rows:,} dossiers in {files} files: {size / 1e9:.1f} GB written; loading …",
          flush=True)
    done = subprocess.run([sys.executable, __file__, "--child", str(inbox),
                           str(folder / f"data{rows}")], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parent)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {result['seconds']:.0f} s, peak RSS {result['peak_mb']:,.0f} MB, rows loaded"
          f" {result['rows_loaded']:,}, rejected {result['rows_rejected']:,}, streamed:"
          f" {result['streamed']} files", flush=True)
    shutil.rmtree(folder / f"inbox{rows}")
    shutil.rmtree(folder / f"data{rows}")
    return result


def main() -> None:  # pragma: no cover - a benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files-small", type=int, default=1)
    parser.add_argument("--files-large", type=int, default=10)
    parser.add_argument("--rows-per-file", type=int, default=2_000_000)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="bench_streaming_"))
    try:
        small = measure(args.files_small, args.rows_per_file, folder)
        large = measure(args.files_large, args.rows_per_file, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"peak RSS {args.files_large * args.rows_per_file:,} /"
          f" {args.files_small * args.rows_per_file:,} = {large['peak_mb']:,.0f} MB /"
          f" {small['peak_mb']:,.0f} MB = {large['peak_mb'] / small['peak_mb']:.2f}"
          "  (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
