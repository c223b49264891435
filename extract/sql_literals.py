"""Texts as SQL literals, for the DuckDB statements the readers build from data (enum
values, vocabulary, cleaned cell texts)."""

from __future__ import annotations


def sql_text(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"
