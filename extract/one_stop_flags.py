"""The Decision 766 inputs of a one-stop export (fee obligation, online payment,
digitisation at receipt, electronic result) as nullable booleans, SQL over `parsed` for
`extract.one_stop._staged_sql`. A flag is null for every dossier of an export without any
of its columns, so the warehouse can tell "not carried" from "no"."""

from __future__ import annotations

import re

import duckdb

from common.text import fold
from extract.one_stop_vocabulary import (
    FLAG_FALSE,
    FLAG_SOURCES,
    FLAG_TRUE,
    PAYMENT_OFFLINE,
    PAYMENT_ONLINE,
)
from extract.sql_literals import sql_text

# A count of files or an amount of money: digits with thousands separators or decimals.
_NUMBER = re.compile(r"\d+(?:[.,\s]\d+)*")


def meaning(field: str, text: str | None) -> bool | None:
    """One cell's meaning: yes, no, or not known (a text in no list)."""
    folded = fold(text or "")
    if field == "payment_method":
        return True if folded in PAYMENT_ONLINE else False if folded in PAYMENT_OFFLINE else None
    if folded in FLAG_TRUE:
        return True
    if folded in FLAG_FALSE:
        return False
    if _NUMBER.fullmatch(folded):
        return any(ch in "123456789" for ch in folded)
    return None


def flag_columns(con: duckdb.DuckDBPyConnection, mapping: dict[str, int]) -> str:
    """Select items `<flag>` for the rows of `parsed p`: each present field's cells through a
    CASE over its distinct texts (few: yes/no words, small counts), the fields of one flag
    joined by `or` (either may say yes)."""
    items = []
    for flag, fields in FLAG_SOURCES.items():
        cases = []
        for field in (f for f in fields if f in mapping):
            texts = [t for (t,) in con.execute(
                f"select distinct {field} from parsed where {field} is not null").fetchall()]
            whens = " ".join(f"when p.{field} = {sql_text(t)}"
                             f" then {_sql_bool(meaning(field, t))}" for t in texts)
            cases.append(f"(case when p.{field} is null then {_sql_bool(meaning(field, None))}"
                         f" {whens} end)")
        items.append(f"{' or '.join(cases) if cases else 'cast(null as boolean)'} as {flag}")
    return ", ".join(items)


def _sql_bool(value: bool | None) -> str:
    return "null" if value is None else str(value).lower()
