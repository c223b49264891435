"""Validate pandas frames with Great Expectations and turn the results into findings that
name the rows (and so the file, sheet and cell) they concern.

Many files are validated in one GX run (one frame with a `file_id` column): a validation
has a fixed cost of several milliseconds, so one per file would dominate a nightly run.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

SUITES = ("one_stop_export", "commune_workbook", "fact_dossier", "fact_indicator")


@dataclass
class Finding:
    suite: str
    expectation: str  # e.g. 'expect_column_values_to_be_in_set(channel)'
    severity: str
    success: bool
    element_count: int
    unexpected_count: int
    observed: str  # JSON summary: counts and a few unexpected values (no personal data)
    rows: list[int]  # frame index labels of the unexpected rows (row-level expectations)
    message: str


def suite_config(name: str) -> dict:
    return json.loads(resources.files("expectations").joinpath(f"{name}.json").read_text(
        encoding="utf-8"))


@cache
def _context():
    import great_expectations as gx

    # GX logs each metric at INFO (some of its loggers set their own level) and draws
    # tqdm bars; neither helps a nightly log.
    for name in [n for n in logging.root.manager.loggerDict if n.startswith("great_exp")]:
        logging.getLogger(name).setLevel(logging.WARNING)
    # A batch's fingerprint (an md5 of the whole frame, taken twice a validation) is
    # metadata nothing here reads; for a million rows it costs more than the expectations.
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    asset = context.data_sources.add_pandas("frames").add_dataframe_asset("frame")
    return context, asset.add_batch_definition_whole_dataframe("whole")


def _resolve(value: object, params: dict[str, object]) -> object:
    if not (isinstance(value, str) and value.startswith("$")):
        return value
    name = value[1:]
    # GX compares datetime columns only with Timestamps, and suites are JSON: `*_date`
    # parameters arrive as ISO text.
    return pd.Timestamp(params[name]) if name.endswith("_date") else params[name]


@cache
def _suite(name: str, params_key: str):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    params = json.loads(params_key)
    suite = gx.ExpectationSuite(name=name)
    for item in suite_config(name)["expectations"]:
        kwargs = {k: _resolve(v, params) for k, v in item["kwargs"].items()}
        suite.add_expectation(ExpectationConfiguration(
            type=item["type"], kwargs=kwargs, meta=item.get("meta", {})).to_domain_obj())
    return suite


def validate(frame: pd.DataFrame, suite_name: str, params: dict[str, object] | None = None
             ) -> list[Finding]:
    """Validate every row of `frame` (no sampling) against a suite from `expectations/`."""
    _, batch_definition = _context()
    suite = _suite(suite_name, json.dumps(params or {}, sort_keys=True, default=str))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    findings = []
    for item in result.results:
        config = item.expectation_config
        kwargs = config.kwargs
        target = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
        res = item.result or {}
        rows = [int(i) for i in res.get("unexpected_index_list") or []
                if not isinstance(i, dict)]
        partial = [str(v) for v in (res.get("partial_unexpected_list") or [])[:5]]
        observed = {k: res[k] for k in ("element_count", "unexpected_count", "missing_count",
                                        "observed_value") if k in res}
        if partial:
            observed["sample_unexpected"] = partial
        exception = _exception_message(item.exception_info or {})
        findings.append(Finding(
            suite=suite_name,
            expectation=f"{config.type}({target})",
            severity=(config.meta or {}).get("severity", "error"),
            success=bool(item.success),
            element_count=int(res.get("element_count") or len(frame)),
            unexpected_count=int(res.get("unexpected_count") or 0),
            observed=json.dumps(observed, ensure_ascii=False, default=str),
            rows=rows,
            message=exception or "",
        ))
    return findings


def _exception_message(info: dict) -> str | None:
    """GX nests a failed metric's exception under the metric's id."""
    if "exception_message" in info:
        return info["exception_message"]
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return value["exception_message"]
    return None
