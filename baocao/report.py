"""The printed report: the seed article's paragraphs, from the report relations.

`fetch` reads the warehouse (read-only); `render` is pure text in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from common.vn_format import vn_date, vn_int, vn_pct, vn_period


@dataclass
class ReportData:
    unit_name: str
    period_code: str
    start_date: object
    end_date: object
    one_stop: dict[str, object]
    indicators: dict[str, dict[str, object]]  # code → actual_value, plan_value, rate
    ratios: dict[str, float | None]
    communes: int
    communes_without_new_poor: int
    complete: bool  # the data reach the period's end
    data_as_of: object  # the newest input's time (meta_publish)


def fetch(con: duckdb.DuckDBPyConnection, period_code: str, unit_code: str) -> ReportData:
    """The report's figures; LookupError (in Vietnamese) for a period or unit the
    warehouse cannot report on, rather than a report of blanks."""
    period = con.execute("select start_date, end_date from dim_period where period_code = ?",
                         [period_code]).fetchone()
    if period is None:
        raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
    _check_in_area(con, unit_code, period[1])
    (data_as_of,) = con.execute("select data_as_of from meta_publish").fetchone() or (None,)
    cursor = con.execute(
        "select * from report_one_stop where unit_code = ? and period_code = ? and scope = 'area'",
        [unit_code, period_code])
    row = cursor.fetchone()
    if row is None:
        raise LookupError(
            f"Chưa có số liệu của đơn vị '{unit_code}' cho {vn_period(period_code)}: số liệu "
            f"trong kho mới đến ngày {vn_date(data_as_of)}.")
    one_stop = dict(zip([d[0] for d in cursor.description], row, strict=True))
    indicators = {code: {"actual": a, "plan": p, "rate": r} for code, a, p, r in con.execute(
        "select indicator_code, actual_value, plan_value, achievement_rate from report_indicator"
        " where unit_code = ? and period_code = ? and scope = 'area'",
        [unit_code, period_code]).fetchall()}
    ratios = dict(con.execute(
        "select ratio_code, rate from report_indicator_ratio where unit_code = ?"
        " and period_code = ? and scope = 'area'", [unit_code, period_code]).fetchall())
    communes, clean = con.execute(
        """select count(*), count(*) filter (where coalesce(np.actual_value, 0) = 0
                                              and coalesce(nnp.actual_value, 0) = 0
                                              and (np.actual_value is not null
                                                   or nnp.actual_value is not null))
           from dim_admin_unit u
           join dim_period p on p.period_code = ?
           left join report_indicator np on np.unit_key = u.unit_key
                and np.period_code = p.period_code and np.scope = 'area'
                and np.indicator_code = 'new_poor_households'
           left join report_indicator nnp on nnp.unit_key = u.unit_key
                and nnp.period_code = p.period_code and nnp.scope = 'area'
                and nnp.indicator_code = 'new_near_poor_households'
           where u.parent_code = ? and u.level = 'commune'
             and p.end_date between coalesce(u.valid_from, date '1900-01-01')
                                and coalesce(u.valid_to, date '9999-12-31')""",
        [period_code, unit_code]).fetchone()
    indicators_complete = con.execute(
        "select bool_and(complete) from report_indicator where unit_code = ?"
        " and period_code = ? and scope = 'area'", [unit_code, period_code]).fetchone()[0]
    return ReportData(one_stop["unit_name"], period_code, period[0], period[1], one_stop,
                      indicators, ratios, communes, clean,
                      bool(one_stop["complete"]) and indicators_complete is not False,
                      data_as_of)


def _check_in_area(con: duckdb.DuckDBPyConnection, unit_code: str, day) -> None:
    """Only units whose figures are all in this data folder: a unit the area covers in part
    (the province above a town) would show the area's figures under its own name."""
    found = con.execute(
        "select in_area from dim_admin_unit where unit_code = ?"
        " and intermediate.is_valid_on(valid_from, valid_to, ?)", [unit_code, day]).fetchone()
    if found is None:
        raise LookupError(f"Không có đơn vị mã '{unit_code}' vào ngày {vn_date(day)} trong "
                          "kho số liệu.")
    if not found[0]:
        raise LookupError(
            f"Đơn vị '{unit_code}' không thuộc địa bàn của kho số liệu vào ngày "
            f"{vn_date(day)}: kho chỉ có một phần số liệu của đơn vị này.")


def render(data: ReportData) -> str:
    o, ind = data.one_stop, data.indicators

    def n(code: str) -> str:
        return vn_int(ind.get(code, {}).get("actual"))

    def plan(code: str) -> str:
        return vn_int(ind.get(code, {}).get("plan"))

    def pct(code: str) -> str:
        return vn_pct(ind.get(code, {}).get("rate"))

    resolved = o["resolved_total"] or 0
    late_rate = o["resolved_late"] / resolved if resolved else None
    gifts = sum(ind.get(c, {}).get("actual") or 0
                for c in ("party_gifts_poor", "party_gifts_near_poor", "party_gifts_orphan"))
    poor_drop = (ind.get("poor_households_start", {}).get("actual") or 0) - (
        ind.get("poor_households", {}).get("actual") or 0)
    near_drop = (ind.get("near_poor_households_start", {}).get("actual") or 0) - (
        ind.get("near_poor_households", {}).get("actual") or 0)
    as_of = "" if data.complete else (
        f"\nSố liệu đến ngày {vn_date(data.data_as_of)}: kỳ báo cáo chưa có đủ số liệu.")
    return "\n\n".join([
        f"BÁO CÁO KẾT QUẢ THỰC HIỆN — {data.unit_name.upper()}\n"
        f"Kỳ báo cáo {data.period_code}: từ ngày {vn_date(data.start_date)} đến ngày "
        f"{vn_date(data.end_date)}{as_of}",
        "1. Giải quyết thủ tục hành chính (bộ phận một cửa thị xã và các xã, phường): "
        f"tổng số hồ sơ tiếp nhận {vn_int(o['received_total'])} hồ sơ (kỳ trước chuyển sang "
        f"{vn_int(o['carried_over'])}; tiếp nhận mới {vn_int(o['received_new'])}, trong đó "
        f"trực tuyến {vn_int(o['received_online'])}, trực tiếp {vn_int(o['received_direct'])}, "
        f"qua bưu chính công ích {vn_int(o['received_postal'])}). Đã giải quyết "
        f"{vn_int(resolved)} hồ sơ, trong đó sớm và đúng hạn "
        f"{vn_int(o['resolved_early'] + o['resolved_on_time'])} hồ sơ, đạt "
        f"{vn_pct(o['on_time_rate'], 1)}; quá hạn {vn_int(o['resolved_late'])} hồ sơ, chiếm "
        f"{vn_pct(late_rate, 1)}. Đang giải quyết {vn_int(o['pending_total'])} hồ sơ "
        f"(trong hạn {vn_int(o['pending_within_due'])}, quá hạn "
        f"{vn_int(o['pending_overdue'])}). Tỷ lệ hồ sơ trực tuyến đạt "
        f"{vn_pct(o['online_rate_eligible'])} trên số hồ sơ của thủ tục mức độ 3, 4 và "
        f"{vn_pct(o['online_rate'])} trên tổng số hồ sơ mức độ 2, 3, 4.\n"
        f"   Đối chiếu: {vn_int(o['received_total'])} tiếp nhận = {vn_int(resolved)} đã giải "
        f"quyết + {vn_int(o['withdrawn'])} rút/trả lại hồ sơ + {vn_int(o['pending_total'])} "
        "đang giải quyết.",
        "2. Y tế: tiêm vắc xin phòng Covid-19 cho người từ 18 tuổi trở lên được "
        f"{n('vax_rounds_18')} đợt (mũi 1: {n('vax_18_dose1')} người, đạt {pct('vax_18_dose1')}"
        f"; mũi 2: {n('vax_18_dose2')} người, đạt {pct('vax_18_dose2')}), "
        f"{n('vax_rounds_booster')} đợt tiêm mũi nhắc lại ({n('vax_18_booster')} người, đạt "
        f"{pct('vax_18_booster')}) và mũi bổ sung ({n('vax_18_additional')} người); trẻ từ 12 "
        f"đến dưới 18 tuổi được {n('vax_rounds_12_17')} đợt (mũi 1: {n('vax_12_17_dose1')} "
        f"người, đạt {pct('vax_12_17_dose1')}; mũi 2: {n('vax_12_17_dose2')} người, đạt "
        f"{pct('vax_12_17_dose2')}); trẻ từ 5 đến dưới 12 tuổi được {n('vax_rounds_5_11')} đợt "
        f"(mũi 1: {n('vax_5_11_dose1')} người, đạt {pct('vax_5_11_dose1')}). Số ca F0 đang "
        f"cách ly, điều trị: {n('covid_f0_active')}. Số cơ sở được kiểm tra, giám sát vệ sinh "
        f"an toàn thực phẩm: {n('food_safety_inspected')} cơ sở.",
        f"3. An sinh xã hội: tổng số phần quà Tết {n('tet_gifts')} phần, trị giá "
        f"{n('tet_gifts_value')} đồng; Thị ủy hỗ trợ riêng {vn_int(gifts)} phần quà, trị giá "
        f"{n('party_gifts_value')} đồng ({n('party_gifts_poor')} hộ nghèo, "
        f"{n('party_gifts_near_poor')} hộ cận nghèo, {n('party_gifts_orphan')} trẻ em mồ côi "
        "cả cha lẫn mẹ).",
        f"4. Lao động - việc làm: giải quyết việc làm cho {n('jobs_created')} lao động, đạt "
        f"{pct('jobs_created')} (kế hoạch giao {plan('jobs_created')} lao động); giải ngân "
        f"{n('job_loans_value')} đồng vốn vay giải quyết việc làm cho "
        f"{n('job_loans_workers')} lao động. Đào tạo nghề cho {n('vocational_trainees')} lao "
        f"động, đạt {pct('vocational_trainees')} (kế hoạch giao {plan('vocational_trainees')} "
        "lao động).",
        f"5. Giảm nghèo: tỷ lệ hộ nghèo giảm từ {vn_pct(data.ratios.get('poor_rate_start'))} "
        f"xuống còn {vn_pct(data.ratios.get('poor_rate'))}; tỷ lệ hộ cận nghèo từ "
        f"{vn_pct(data.ratios.get('near_poor_rate_start'))} xuống còn "
        f"{vn_pct(data.ratios.get('near_poor_rate'))} (giảm {vn_int(poor_drop)} hộ nghèo; "
        f"{vn_int(near_drop)} hộ cận nghèo). {data.communes_without_new_poor:02d}/"
        f"{data.communes:02d} xã, phường không có hộ nghèo, hộ cận nghèo phát sinh mới.",
    ])
