"""The raw archive: every inbox file copied unchanged, addressed by its sha256, before any
parsing, so that a backfill can re-read exactly what was received after the inbox is
cleaned."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from common.clock import local_from_timestamp
from common.datafolder import PROCESSED, REJECTED, DataPaths, private_dir, private_file
from extract.inbox import InboxFile, unreadable_reason

log = logging.getLogger(__name__)

IGNORED_PREFIXES = (".", "~$")  # hidden files and Excel's lock files of open workbooks


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class HashCache:
    """sha256 of inbox files keyed by path, size and modification time: a file whose size
    and mtime are unchanged is not read again (rsync's rule), so a nightly run over an inbox
    of thousands of old files costs a `stat` each."""

    def __init__(self, paths: DataPaths):
        self.path = paths.hash_index
        self.entries: dict[str, str] = (
            json.loads(self.path.read_text()) if self.path.exists() else {})
        self.used: dict[str, str] = {}

    def digest(self, path: Path) -> tuple[str, bool]:
        """The file's sha256, and whether it was hashed before unchanged (one `stat`)."""
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        known = self.entries.get(key)
        self.used[key] = known or sha256_of(path)
        return self.used[key], known is not None

    def save(self, inbox: Path) -> None:
        """Keep this inbox's entries for files still in it (and other folders' entries);
        write atomically."""
        prefix = f"{inbox.resolve()}{os.sep}"
        kept = {k: v for k, v in self.entries.items() if not k.startswith(prefix)}
        private_dir(self.path.parent)
        partial = private_file(self.path.with_suffix(".part"))
        partial.write_text(json.dumps(kept | self.used))
        partial.replace(self.path)


def recorded(path: Path) -> str:
    """A path as the warehouse records and shows it. A name in a legacy encoding (bytes
    that are not UTF-8, from an old Windows share) cannot be stored as it is and would fail
    the night; its odd bytes become U+FFFD. The file itself is still found by its path."""
    return os.fsencode(path).decode("utf-8", "replace")


def inbox_files(inbox: Path) -> list[Path]:
    """Files to look at: everything under the inbox but hidden files, Excel's lock files
    and the folders handled files were moved into (never entered: they only grow)."""
    found = []
    for folder, subfolders, names in os.walk(inbox):
        if Path(folder) == inbox:
            subfolders[:] = [d for d in subfolders if d not in (PROCESSED, REJECTED)]
        found += [Path(folder, n) for n in names if not n.startswith(IGNORED_PREFIXES)]
    return sorted(p for p in found if p.is_file())


def archive(path: Path, paths: DataPaths, sha256: str, seen_at: dt.datetime) -> InboxFile:
    """Copy a file into the archive (once per content) and describe it. The archive path is
    recorded relative to the data folder, so the folder can be moved or copied."""
    relative = DataPaths.archive_name(sha256, path.suffix)
    target = paths.archived(relative)
    if not target.exists():
        private_dir(target.parent)
        # Owner-only before a byte is written (copy2 would give it the inbox file's mode);
        # the modification time kept, as copy2 keeps it.
        partial = private_file(target.with_suffix(target.suffix + ".part"))
        shutil.copyfile(path, partial)
        source = path.stat()
        os.utime(partial, ns=(source.st_atime_ns, source.st_mtime_ns))
        partial.replace(target)  # never a half-copied file under the final name
    return InboxFile(path=recorded(path), sha256=sha256, archive_path=str(relative),
                     file_mtime=local_from_timestamp(path.stat().st_mtime),
                     first_seen_at=seen_at)


@dataclass(frozen=True)
class Duplicate:
    """An inbox file whose content the warehouse already has under another name."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Sighting:
    """An inbox file as the scan saw it: a run moves it (`--move-processed`) only if it is
    still the same file (same size and modification time) after the publish."""

    path: str
    sha256: str
    size: int
    mtime_ns: int

    def unchanged(self) -> bool:
        try:
            stat = Path(self.path).stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass
class InboxScan:
    new: list[InboxFile]  # to read: first sightings of their content (or unreadable)
    duplicates: list[Duplicate]  # new names for content already loaded: not read again
    files: int  # inbox files looked at
    seen: list[Sighting] = field(default_factory=list)  # every inbox file, by content
    # Backfill: archived files it should read again but cannot, their copy purged.
    purged: list[str] = field(default_factory=list)


def scan_inbox(paths: DataPaths, known: set[str], seen_at: dt.datetime) -> InboxScan:
    """Archive every inbox file whose content the warehouse has not seen; note the new names
    of content it has. A file the process cannot read is kept as an unreadable file (to be
    recorded as rejected) and never stops the scan."""
    hashes = HashCache(paths)
    scan = InboxScan([], [], 0)
    seen: set[str] = set()
    candidates = inbox_files(paths.inbox) if paths.inbox.is_dir() else []
    for path in candidates:
        scan.files += 1
        try:
            digest, was_known = hashes.digest(path)
            if digest not in known and digest not in seen:
                scan.new.append(archive(path, paths, digest, seen_at))
            elif not was_known:
                scan.duplicates.append(Duplicate(recorded(path), digest))
            seen.add(digest)
            scan.seen.append(_sighting(path, digest))
        except OSError as exc:
            log.warning("cannot read inbox file %s: %r", path, exc)
            file = _unreadable(path, exc, seen_at)
            if file.sha256 not in known and file.sha256 not in seen:
                scan.new.append(file)
                seen.add(file.sha256)
            scan.seen.append(_sighting(path, file.sha256))
    hashes.save(paths.inbox)
    return scan


def _sighting(path: Path, sha256: str) -> Sighting:
    try:
        stat = path.stat()
    except OSError:
        return Sighting(str(path), sha256, -1, -1)  # gone: never "unchanged", never moved
    return Sighting(str(path), sha256, stat.st_size, stat.st_mtime_ns)


def _unreadable(path: Path, exc: OSError, seen_at: dt.datetime) -> InboxFile:
    """A file that cannot be copied, keyed by its name, size and time (its content cannot be
    hashed): recorded once as rejected, read again when any of them changes."""
    try:
        stat = path.stat()
        size, mtime_ns, mtime = stat.st_size, stat.st_mtime_ns, local_from_timestamp(
            stat.st_mtime)
    except OSError:
        size, mtime_ns, mtime = 0, 0, seen_at
    key = hashlib.sha256(f"{path.resolve()}|{size}|{mtime_ns}".encode()).hexdigest()
    return InboxFile(path=recorded(path), sha256=f"unreadable-{key}", archive_path="",
                     file_mtime=mtime, first_seen_at=seen_at, unreadable=unreadable_reason(exc))


def remove_partial_copies(paths: DataPaths) -> int:
    """Copies cut short by a killed run; the file is copied again from the inbox."""
    leftovers = list(paths.archive.glob("*/*.part"))
    for leftover in leftovers:
        leftover.unlink()
    return len(leftovers)
