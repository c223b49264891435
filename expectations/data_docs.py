"""Great Expectations Data Docs of every run, under DATA_DIR/quality/data_docs/.

The runs validate with an ephemeral GX context (fast, nothing on disk); what they found is
in `dq_result`. After each publish this module turns the run's dq_result rows into GX
validation results in a file context under DATA_DIR/quality/ and renders them with GX's
own site builder: the suites of `expectations/` with their results, and the warehouse's
own checks (validation rules, cross-checks, completeness, outliers) as results of
`expect_baocao_check_to_pass`, an expectation GX only renders. Every page is built from
dq_result, so it holds what dq_result holds: codes, cells and figures, no personal data.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import ClassVar

import duckdb
import pandas as pd

from common.datafolder import DataPaths
from expectations.gx_suites import SUITES, expectation_configs, suite_params
from expectations.rule_checks import default_rules_file
from expectations.rules import SYMBOLS, parse_rules

SITE = "baocao"
_SAMPLE = 20  # unexpected values or places shown per expectation
# What each suite validated: staged rows of the run's new files, or warehouse relations.
_ASSETS = {"one_stop_export": "stg_dossier (tệp mới)",
           "commune_workbook": "stg_indicator (tệp mới)",
           "fact_dossier": "fact_dossier", "fact_indicator": "fact_indicator"}
_CHECKS = {
    "one_stop_carried_over": "Một cửa: kỳ trước chuyển sang bằng số đang giải quyết cuối "
                             "tháng trước, mọi đơn vị và phạm vi",
    "one_stop_identity": "Một cửa: tổng tiếp nhận = đã giải quyết + rút/trả lại + đang giải "
                         "quyết",
    "stale_last_value": "Chỉ tiêu cộng dồn có số liệu của tháng cuối kỳ",
    "report_received": "Mọi đơn vị gửi báo cáo tháng và báo cáo được nạp",
    "report_on_time": "Báo cáo tháng nhận trước hạn (2 ngày làm việc sau ngày 14)",
    "cumulative_continuity": "Lũy kế = lũy kế tháng trước + thực hiện trong tháng",
    "printed_rate": "Tỷ lệ in sẵn khớp với thực hiện / kế hoạch (sai số làm tròn)",
    "modified_z_score": "Số trong tháng không bất thường so với các tháng khác của đơn vị "
                        "(|z| trung vị/MAD ≤ 3,5)",
}


@cache
def _register_check_type() -> None:
    """Registers `expect_baocao_check_to_pass` with GX (on first use: GX is slow to import).
    Defining the class is what registers it."""
    from great_expectations.expectations.expectation import BatchExpectation

    class ExpectBaocaoCheckToPass(BatchExpectation):
        """A check the warehouse evaluates in SQL; GX renders its stored results."""

        check: str
        metric_dependencies: ClassVar[tuple] = ()
        success_keys: ClassVar[tuple] = ()
        domain_keys: ClassVar[tuple] = ()

        def _validate(self, metrics, runtime_configuration=None, execution_engine=None):
            raise NotImplementedError("evaluated by expectations.checks, not by GX")


def build(paths: DataPaths, run_id: str) -> Path:
    """Render the run's findings from the published warehouse; returns the site's index
    page."""
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        rows = con.execute("select * from dq_result where run_id = ?", [run_id]).df()
        (started,) = con.execute("select started_at from etl_run where run_id = ?",
                                 [run_id]).fetchone() or (dt.datetime.now(),)
        codes = {c for (c,) in con.execute("select indicator_code from dim_indicator").fetchall()}
    _register_check_type()
    site = paths.data_docs
    context = gx.get_context(mode="file", project_root_dir=str(paths.quality))
    if SITE not in context.list_data_docs_sites():
        context.add_data_docs_site(SITE, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(site.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    run = RunIdentifier(run_name=run_id, run_time=_utc(started))
    descriptions = _descriptions(codes)
    keys = []
    for suite_name, group in rows.groupby("suite", sort=False):
        suite, result = _validation(suite_name, group, descriptions, run)
        context.suites.add_or_update(suite)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=run, batch_identifier="warehouse")
        context.validation_results_store.set(key, result)
        keys.append(key)
    if keys:
        suites = [ExpectationSuiteIdentifier(name=k.expectation_suite_identifier.name)
                  for k in keys]
        context.build_data_docs(site_names=[SITE], resource_identifiers=[*keys, *suites])
    return site / "index.html"


def _utc(moment: dt.datetime) -> dt.datetime:
    """Runs are recorded in local time (Asia/Ho_Chi_Minh, UTC+7)."""
    local = dt.timezone(dt.timedelta(hours=7))
    return (moment if moment.tzinfo else moment.replace(tzinfo=local)).astimezone(dt.UTC)


def _descriptions(codes: set[str]) -> dict[str, str]:
    """Vietnamese descriptions of the shipped validation rules, by rule id."""
    rules = parse_rules(default_rules_file().read_text(encoding="utf-8"), codes)
    # GX renders descriptions as markup: no '<' in them.
    return {r.rule_id: f"{r.description_vi} ({r.left.text} {SYMBOLS[r.operator]} "
                       f"{r.right.text})" for r in rules}


def _description(expectation: str, descriptions: dict[str, str]) -> str:
    if expectation in descriptions:
        return descriptions[expectation]
    name, _, target = expectation.partition("(")
    text = _CHECKS.get(name, expectation)
    return f"{text}: {target.rstrip(')')}" if target else text


def _validation(suite_name: str, rows: pd.DataFrame, descriptions: dict[str, str], run):
    """The GX suite and its validation result for one suite's dq_result rows."""
    import great_expectations as gx
    from great_expectations.core import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    gx_configs = _gx_configs(suite_name) if suite_name in SUITES else {}
    results = []
    for expectation, group in rows.groupby("expectation", sort=False):
        severity = group["severity"].iloc[0]
        config = gx_configs.get(expectation) or ExpectationConfiguration(
            type="expect_baocao_check_to_pass", kwargs={"check": expectation},
            meta={"severity": severity},
            description=_description(expectation, descriptions))
        results.append(ExpectationValidationResult(
            success=bool(group["success"].all()), expectation_config=config,
            result=_result(group)))
    suite = gx.ExpectationSuite(name=suite_name, expectations=[
        r.expectation_config.to_domain_obj() for r in results])
    passed = sum(r.success for r in results)
    return suite, ExpectationSuiteValidationResult(
        success=passed == len(results), results=results, suite_name=suite_name,
        statistics={"evaluated_expectations": len(results), "successful_expectations": passed,
                    "unsuccessful_expectations": len(results) - passed,
                    "success_percent": 100 * passed / len(results)},
        meta={"run_id": run, "batch_markers": {},
              "batch_spec": {"data_asset_name": _ASSETS.get(suite_name, "warehouse")},
              "active_batch_definition": {"datasource_name": "warehouse",
                                          "data_asset_name": _ASSETS.get(suite_name,
                                                                         "warehouse")}})


def _gx_configs(suite_name: str) -> dict:
    """The suite's expectations by the label dq_result gives them, `type(column)`."""
    return expectation_configs(suite_name, suite_params(pd.Timestamp.now()))


def _result(group: pd.DataFrame) -> dict:
    """GX's result dict from dq_result rows: counts, and the failures' values or places."""
    observed = [json.loads(o) for o in group["observed"].dropna()]
    unexpected = int(group["unexpected_count"].fillna(0).sum())
    evaluated = [o["evaluated"] for o in observed if "evaluated" in o]
    elements = max([o.get("element_count", 0) for o in observed] + evaluated + [unexpected])
    sample = []
    for o in observed:
        sample += o.get("sample_unexpected") or ([_where(o)] if "period" in o else [])
    result = {"element_count": elements, "unexpected_count": unexpected,
              "unexpected_percent": 100 * unexpected / elements if elements else 0.0,
              "partial_unexpected_list": sample[:_SAMPLE]}
    if evaluated or not sample:
        result["observed_value"] = (f"{unexpected} không đạt / {elements} trường hợp"
                                    if elements else "không có trường hợp nào")
    return result


def _where(observed: dict) -> str:
    """'25216 2022-M05 BC thang 5 - Thac Mo.xlsx F10': a failure's place, no values."""
    return " ".join(str(observed[k]) for k in ("unit", "reporter", "period", "file", "cell")
                    if observed.get(k))
