"""Personal data of the demo exports, to prove it reaches nothing the pipeline writes."""

from __future__ import annotations

import csv
import re

from openpyxl import load_workbook

from common.text import fold


def fragments(text: str) -> set[str]:
    """Every digit run and every run of 2–5 words: a name, ID or phone inside any text."""
    words = re.findall(r"\w+", text)
    runs = {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 2, min(i + 6, len(words) + 1))}
    return runs | set(re.findall(r"\d{6,}", text))


def personal_values(inbox) -> set[str]:
    """Applicant names, ID numbers and phones from the demo exports' personal columns."""
    wanted = {fold(h) for h in ("Người nộp", "Số CCCD", "Số điện thoại", "Họ tên chủ hồ sơ",
                                "Tên công dân", "Chủ hồ sơ", "CMND", "Số giấy tờ",
                                "Điện thoại liên lạc", "Người nộp hồ sơ")}
    values: set[str] = set()
    for path in inbox.iterdir():
        if path.suffix == ".csv":
            rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        elif path.suffix == ".xlsx":
            rows = [list(r) for r in load_workbook(path, read_only=True).active.iter_rows(
                values_only=True)]
        else:
            continue
        for i, row in enumerate(rows[:20]):
            cols = [j for j, c in enumerate(row) if fold(c) in wanted]
            if cols:
                values |= {str(r[j]) for r in rows[i + 1:] for j in cols if r[j]}
                break
    return {v for v in values if len(v) >= 6}
