"""Great Expectations suites (`expectations/suites/*.json`, one per source and per fact
table) and the runner that validates pandas frames against them, turning the results into
findings that name the rows (and so the file, sheet and cell) they concern.

Suites are data: each expectation's `meta.severity` says whether a failure rejects
(`error`) or only flags (`warning`). Values that depend on the run (`$latest_date`, the
catalog's codes) are written as `$names` and filled in from `suite_params`.

Many files are validated in one GX run (one frame with a file column): a validation has a
fixed cost of several milliseconds, so one per file would dominate a nightly run. The GX
context and each suite are made once per process.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from importlib import resources

import pandas as pd

from common.catalog import load_catalog
from common.units import home_units
from expectations.findings import Finding

SUITES = ("one_stop_export", "commune_workbook", "fact_dossier", "fact_indicator")


def suite_config(name: str) -> dict:
    return json.loads(resources.files("expectations").joinpath("suites", f"{name}.json")
                      .read_text(encoding="utf-8"))


def suite_params(latest: pd.Timestamp) -> dict[str, object]:
    """The values of the suites' `$names` for a run."""
    return {
        "home_unit_codes": sorted({u.unit_code for u in home_units()}),
        "indicator_codes": sorted(load_catalog().indicators),
        "earliest_date": "2015-01-01",
        "latest_date": latest.isoformat(),
    }


def resolve(value: object, params: dict[str, object]) -> object:
    """A suite's keyword value with its `$name` filled in."""
    if not (isinstance(value, str) and value.startswith("$")):
        return value
    name = value[1:]
    # GX compares datetime columns only with Timestamps, and suites are JSON: `*_date`
    # parameters arrive as ISO text.
    return pd.Timestamp(params[name]) if name.endswith("_date") else params[name]


def expectation_label(expectation_type: str, kwargs: dict) -> str:
    """How dq_result names an expectation of a suite: `type(column)`."""
    target = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
    return f"{expectation_type}({target})"


def suite_columns(suite: str) -> set[str]:
    """The columns a suite checks: GX is given every row of these and nothing else (it
    copies what it is given)."""
    return {name for item in suite_config(suite)["expectations"] for name in _columns_of(item)}


def _columns_of(expectation: dict) -> list[str]:
    return [name for key, value in expectation["kwargs"].items() if key.startswith("column")
            for name in (value if isinstance(value, list) else [value])]


def for_gx(frame: pd.DataFrame, suite: str) -> pd.DataFrame:
    """The same values in the forms GX checks fastest: timestamps in nanoseconds (other
    units it compares value by value in Python; values outside that range, years before
    1678 or after 2261, are clamped to its ends, still outside any window a suite allows),
    and texts whose uniqueness the suite checks as categories (GX recomputes the duplicate
    test for each metric; on a category's integer codes it is cheap)."""
    unique = {name for item in suite_config(suite)["expectations"] if "unique" in item["type"]
              for name in _columns_of(item)}
    return frame.assign(**{
        name: col.clip(pd.Timestamp.min, pd.Timestamp.max).astype("datetime64[ns]")
        if pd.api.types.is_datetime64_dtype(col) else _as_category(col)
        for name, col in frame.items() if pd.api.types.is_datetime64_dtype(col)
        or (name in unique and pd.api.types.is_string_dtype(col))})


def _as_category(column: pd.Series) -> pd.Categorical:
    """Categories in order of appearance: sorting a million texts costs more than the rest."""
    codes, values = pd.factorize(column)
    return pd.Categorical.from_codes(codes, values)


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


def expectation_configs(name: str, params: dict[str, object]) -> dict:
    """The suite's GX expectation configurations by their dq_result label."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    configs = {}
    for item in suite_config(name)["expectations"]:
        kwargs = {k: resolve(v, params) for k, v in item["kwargs"].items()}
        configs[expectation_label(item["type"], kwargs)] = ExpectationConfiguration(
            type=item["type"], kwargs=kwargs, meta=item.get("meta", {}))
    return configs


@cache
def _suite(name: str, params_key: str):
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=name)
    for config in expectation_configs(name, json.loads(params_key)).values():
        suite.add_expectation(config.to_domain_obj())
    return suite


def validate(frame: pd.DataFrame, suite_name: str, params: dict[str, object] | None = None
             ) -> list[Finding]:
    """Validate every row of `frame` (no sampling) against a suite of `expectations/`."""
    _, batch_definition = _context()
    suite = _suite(suite_name, json.dumps(params or {}, sort_keys=True, default=str))
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    findings = []
    for item in result.results:
        config = item.expectation_config
        res = item.result or {}
        rows = [int(i) for i in res.get("unexpected_index_list") or []
                if not isinstance(i, dict)]
        partial = [str(v) for v in (res.get("partial_unexpected_list") or [])[:5]]
        observed = {k: res[k] for k in ("element_count", "unexpected_count", "missing_count",
                                        "observed_value") if k in res}
        if partial:
            observed["sample_unexpected"] = partial
        findings.append(Finding(
            suite=suite_name,
            expectation=expectation_label(config.type, config.kwargs),
            severity=(config.meta or {}).get("severity", "error"),
            success=bool(item.success),
            observed=observed,
            message=_exception_message(item.exception_info or {}),
            unexpected_count=int(res.get("unexpected_count") or 0),
            rows=rows,
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
