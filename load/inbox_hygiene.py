"""Inbox hygiene (`baocao run --move-processed`, setting `move_processed`): after a run has
published, each inbox file it handled moves into the inbox's `da-xu-ly/` (loaded, a copy of
a loaded file, replaced by a correction) or `bi-tu-choi/` (rejected), which the scan never
enters. Beside a rejected file, and a loaded one some of whose rows were not, a note in
Vietnamese says why, where (sheet, cell) and what to do.

Only after the publish: a run that dies leaves the inbox as it was, and the next run
handles the same files. A file changed since the scan, or not recorded, stays for the next
run; a file that cannot be moved stays where it is with a warning in the run's log:
tidying never fails a run that has published.

A destination is built from the file's name alone (`Path.name`) inside those two folders,
so no name (`..` inside it, a leading `-`, emoji, decomposed accents, 255 bytes) puts a
file outside the inbox; a name already taken gets ` (2)`, ` (3)` … before its extension.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from common.datafolder import DataPaths
from common.vn_format import vn_datetime, vn_int
from expectations.findings import records
from load.archive import Sighting

log = logging.getLogger(__name__)

NAME_MAX = 255  # bytes in one file name (ext4, xfs, btrfs)
SUFFIX_MAX = 16  # bytes: a longer "extension" is part of the name
NOTE_SUFFIX = ".txt"
NOTE_FIRST_WORDS = "Ghi chú của baocao về tệp: "
GROUPS_SHOWN = 20  # kinds of row problem a note lists
CELLS_SHOWN = 3  # cells a note names for one kind of problem


@dataclass
class Moved:
    processed: int = 0
    rejected: int = 0
    left: int = 0  # changed since the scan, not recorded, or not movable


def move_processed(paths: DataPaths, seen: Sequence[Sighting]) -> Moved:
    """Move the files a published run handled out of the inbox's way."""
    moved = Moved()
    files = _records(paths.warehouse, sorted({s.sha256 for s in seen}))
    for sighting in seen:
        record = files.get(sighting.sha256)
        source = Path(sighting.path)
        if record is None or not sighting.unchanged():
            moved.left += 1
            continue
        rejected = record["status"] == "rejected"
        folder = paths.rejected if rejected else paths.processed
        try:
            _make_folder(folder, paths.inbox)
            target = _free_name(folder, source.name)
            source.rename(target)
            if rejected or record["problems"]:
                _write_note(note_path(target), source.name, record, paths.inbox)
        except OSError as exc:
            log.warning("cannot move inbox file %s: %r", source, exc)
            moved.left += 1
            continue
        if rejected:
            moved.rejected += 1
        else:
            moved.processed += 1
    log.info("inbox: %d files moved to %s, %d to %s, %d left", moved.processed,
             paths.processed, moved.rejected, paths.rejected, moved.left)
    return moved


def note_path(file: Path) -> Path:
    """The note beside a file: its name and `.txt`, shortened to fit."""
    stem, suffix = _split(file.name)
    return file.with_name(_fitted(stem, suffix + NOTE_SUFFIX))


def is_note(path: Path) -> bool:
    """Whether a file is a note this module wrote (a file sent in may bear a note's name)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            return handle.readline().startswith(NOTE_FIRST_WORDS)
    except OSError:
        return False


def _records(warehouse: Path, hashes: list[str]) -> dict[str, dict]:
    """The published record of each file by content, and its rejected rows grouped by sheet
    and reason, with their first cells."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = {f["sha256"]: {**f, "problems": []} for f in records(con, """
            select file_id, sha256, status, error, first_seen_at, first_seen_run,
                   rows_rejected
            from etl_file where sha256 in (select unnest(?::varchar[]))""", [hashes])}
        rejected = [f["file_id"] for f in files.values() if f["rows_rejected"]]
        problems = records(con, f"""
            select file_id, sheet, reason, count(*) as rows,
                   list(coalesce('ô ' || cell, 'dòng ' || row_number) order by row_number)
                       [1:{CELLS_SHOWN}] as cells
            from rejected_row where file_id in (select unnest(?::integer[]))
            group by file_id, sheet, reason order by file_id, min(row_number)""", [rejected])
    by_id = {f["file_id"]: f for f in files.values()}
    for problem in problems:
        by_id[problem["file_id"]]["problems"].append(problem)
    return files


def _make_folder(folder: Path, inbox: Path) -> None:
    """Created with the inbox's own permissions: whoever drops files there may read what
    became of them."""
    if not folder.is_dir():
        folder.mkdir()
        folder.chmod(stat.S_IMODE(inbox.stat().st_mode))


def _split(name: str) -> tuple[str, str]:
    suffix = Path(name).suffix
    if not suffix or len(os.fsencode(suffix)) > SUFFIX_MAX:
        return name, ""
    return name[:-len(suffix)], suffix


def _fitted(stem: str, tail: str) -> str:
    """stem + tail within NAME_MAX bytes, the stem cut short if need be."""
    while stem and len(os.fsencode(stem + tail)) > NAME_MAX:
        stem = stem[:-1]
    return stem + tail


def _free_name(folder: Path, name: str) -> Path:
    """`name` in the folder, or `stem (2).ext`, `stem (3).ext` …: never over a file or a
    note already there (a name and its note are both free, so no note is another file's)."""
    stem, suffix = _split(name)
    candidate, n = folder / name, 1
    while os.path.lexists(candidate) or os.path.lexists(note_path(candidate)):
        n += 1
        candidate = folder / _fitted(stem, f" ({n}){suffix}")
    return candidate


def _write_note(path: Path, name: str, record: dict, inbox: Path) -> None:
    received = (f"nhận lúc {vn_datetime(record['first_seen_at'])}, lần chạy "
                f"{record['first_seen_run'][:8]}")
    lines = [NOTE_FIRST_WORDS + name]
    if record["status"] == "rejected":
        lines += [f"Bị từ chối, chưa nạp vào kho số liệu ({received}).", "",
                  f"Lý do: {record['error'] or 'không rõ lý do (xem baocao status)'}"]
    else:
        lines.append(f"Đã nạp, trừ {vn_int(record['rows_rejected'])} dòng bị loại ({received}).")
    problems = record["problems"]
    if problems:
        lines += ["", "Các dòng bị loại (trang, ô: lý do):"]
        for p in problems[:GROUPS_SHOWN]:
            more = p["rows"] - len(p["cells"])
            lines.append("  - " + (f"trang \"{p['sheet']}\", " if p["sheet"] else "")
                         + ", ".join(p["cells"])
                         + (f" và {vn_int(more)} dòng khác" if more > 0 else "")
                         + f": {p['reason']}")
        if len(problems) > GROUPS_SHOWN:
            lines.append(f"  - … và {vn_int(len(problems) - GROUPS_SHOWN)} loại lỗi khác.")
    lines += ["", "Cần làm: sửa tệp theo các lỗi trên (hoặc đề nghị nơi gửi gửi lại bản đúng), "
              "kiểm tra bản đã sửa bằng lệnh  baocao check \"đường dẫn tệp\"  rồi bỏ nó vào "
              f"thư mục tệp đến ({inbox.name}). Bỏ lại chính tệp này thì không có tác dụng: "
              "nội dung này đã được nhận."]
    # Never over an existing file; readable by whoever may read the folder.
    mode = stat.S_IMODE(path.parent.stat().st_mode) & 0o666
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.fchmod(handle, mode)
    with open(handle, "w", encoding="utf-8-sig", errors="replace", newline="\r\n") as note:
        note.write("\n".join(lines) + "\n")
