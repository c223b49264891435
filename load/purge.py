"""Retention of the raw archive (`baocao purge`). One-stop exports carry applicants' names,
ID numbers, phones and addresses, and the archive keeps each exactly as received; a copy
whose export date is older than the retention (setting `archive_retention_days`) is
deleted. What was loaded from it stays (raw.dossier_row, fact_dossier, the reports): the
readers never took its personal columns. Its etl_file record says when (`purged_at`), and a
backfill that would need it skips it and says so.

Like a run, a purge holds the writer lock and records through a working copy and the
atomic publish. Files are deleted only after the publish: a purge that dies leaves at worst
copies its record calls purged, and the next purge deletes them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from common.clock import local_now
from common.datafolder import DataPaths
from common.seeds import setting
from common.vn_format import vn_int
from load import warehouse
from load.archive import sha256_of
from load.inbox_hygiene import is_note, note_path
from load.lock import writer_lock

log = logging.getLogger(__name__)

# The files holding applicants' personal data: one-stop exports, by the date of the export;
# and rejected files that are not report workbooks (an export the reader could not read
# has the same columns), by the day they arrived.
PURGEABLE = """archive_path <> '' and (
    (kind = 'one_stop' and coalesce(exported_at, first_seen_at) < $cutoff)
    or (kind <> 'workbook' and status = 'rejected' and first_seen_at < $cutoff))"""
SHOWN = 5  # file names a message lists before "and N more"


@dataclass
class Purged:
    before: dt.date
    files: list[str]  # etl_file.path of the files purged by this purge
    deleted: int  # archived copies deleted (with any an interrupted purge left)
    inbox_copies: int  # copies in the inbox's da-xu-ly / bi-tu-choi deleted


def default_before(today: dt.date | None = None) -> dt.date:
    """Today minus the retention."""
    days = int(setting("archive_retention_days"))
    return (today or local_now().date()) - dt.timedelta(days=days)


def purge_archive(paths: DataPaths, before: dt.date) -> Purged:
    """Delete the archived files of personal data older than `before` (exports by their
    export date), record it in etl_file, keep every row loaded from them."""
    now = local_now()
    paths.ensure()
    with writer_lock(paths, f"purge-{now:%Y%m%d-%H%M%S}"), paths.publishing():
        con = warehouse.open_working_copy(paths)
        try:
            con.execute("begin")
            cutoff = {"cutoff": dt.datetime.combine(before, dt.time())}
            files = [p for (p,) in con.execute(
                f"update etl_file set purged_at = $now where purged_at is null and {PURGEABLE}"
                " returning path", {**cutoff, "now": now}).fetchall()]
            gone = con.execute("select archive_path, sha256 from etl_file"
                               " where purged_at is not null").fetchall()
            # A purge may come before any rebuild has commented the new column.
            warehouse.apply_comments(con)
            con.execute("commit")
        except Exception:
            con.close()
            raise
        warehouse.publish(con, paths)
        deleted = sum(_delete(paths.archived(a)) for a, _ in gone if a)
        inbox_copies = _delete_inbox_copies(paths, {h for _, h in gone})
    log.info("purged %d archived files exported before %s (%d copies deleted, %d in the "
             "inbox's processed folders)", len(files), before, deleted, inbox_copies)
    return Purged(before, sorted(files), deleted, inbox_copies)


def _delete(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _delete_inbox_copies(paths: DataPaths, purged: set[str]) -> int:
    """Handled files a run moved aside (`--move-processed`) hold the same personal data as
    their archived copy: they go with it, and so does the note beside one."""
    deleted = 0
    for folder in (paths.processed, paths.rejected):
        for root, _, names in os.walk(folder):
            for name in names:
                path = Path(root, name)
                try:
                    if sha256_of(path) in purged:
                        path.unlink()
                        if is_note(note_path(path)):
                            note_path(path).unlink()
                        deleted += 1
                except OSError as exc:
                    log.warning("cannot purge the inbox copy %s: %r", path, exc)
    return deleted


def unreadable_message(purged: list[str]) -> str:
    """For staff, in etl_run.error of a backfill: the files it could not read again."""
    names = [Path(p.replace("\\", "/")).name for p in purged]
    shown = ", ".join(names[:SHOWN]) + (
        f" và {vn_int(len(names) - SHOWN)} tệp khác" if len(names) > SHOWN else "")
    return (f"Không đọc lại được {vn_int(len(names))} tệp vì bản lưu trữ của chúng đã bị xoá "
            f"theo thời hạn lưu trữ dữ liệu cá nhân (baocao purge): {shown}. Số liệu đã nạp "
            "từ các tệp này vẫn giữ nguyên; lần nạp lại này bỏ qua chúng.")
