"""What BI users read: every table, table macro and column of `main` carries a comment
"English — Tiếng Việt" in plain words (warehouse/seeds/table_comments.csv,
column_comments.csv, applied by load.warehouse.apply_comments at every build)."""

from __future__ import annotations

import csv
import logging
import re
from importlib import resources

import duckdb

from load.models import create_tables
from load.warehouse import apply_comments

# A lone letter in a comment is a symbol its reader was never told about ("r < S").
LONE_LETTER = re.compile(r"(?<![\w.'’/-])[B-Zb-z](?![\w.'’/-])")


def seed(name: str) -> list[dict[str, str]]:
    text = resources.files("warehouse").joinpath("seeds", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def bilingual(comment: str | None) -> bool:
    english, _, vietnamese = (comment or "").partition(" — ")
    return bool(english.strip() and vietnamese.strip())


def test_every_relation_and_column_of_main_has_an_english_and_vietnamese_comment(demo_db):
    relations = demo_db.execute("""
        select table_name, comment from duckdb_tables() where schema_name = 'main'
        union all
        select view_name, comment from duckdb_views()
        where schema_name = 'main' and not internal
        union all
        select function_name, comment from duckdb_functions()
        where schema_name = 'main' and function_type = 'table_macro' and not internal
        """).fetchall()
    columns = demo_db.execute("""
        select table_name || '.' || column_name, comment from duckdb_columns()
        where schema_name = 'main' and not internal""").fetchall()
    assert {"report_one_stop", "one_stop_between", "etl_file"} <= {r for r, _ in relations}
    assert [name for name, comment in relations + columns if not bilingual(comment)] == []


def test_comments_are_plain_words():
    texts = [(f"{row['relation']}.{row.get('column', '')}", row[language])
             for name in ("table_comments.csv", "column_comments.csv") for row in seed(name)
             for language in ("comment_en", "comment_vi")]
    assert [name for name, text in texts if not text.strip()] == []
    assert [(name, text) for name, text in texts if LONE_LETTER.search(text)] == []
    assert LONE_LETTER.search("r < S and (no c or c ≥ S)")


def test_a_comment_on_what_main_does_not_hold_is_skipped_with_a_warning(caplog):
    con = duckdb.connect()
    create_tables(con)  # the operations tables only: no dimension, fact or report yet
    con.execute("begin")
    with caplog.at_level(logging.WARNING, logger="load.warehouse"):
        apply_comments(con)
    con.execute("commit")  # nothing failed inside the transaction
    assert "report_one_stop.on_time_rate" in caplog.text
    assert "one_stop_between" in caplog.text
    comment = con.execute("select comment from duckdb_columns() where schema_name = 'main'"
                          " and table_name = 'etl_run' and column_name = 'run_id'").fetchone()[0]
    assert bilingual(comment)
    comment = con.execute("select comment from duckdb_tables() where schema_name = 'main'"
                          " and table_name = 'etl_run'").fetchone()[0]
    assert bilingual(comment)
