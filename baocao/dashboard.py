"""The offline dashboard: one self-contained HTML file of charts for a unit and a period.

The file carries plotly.js inside it (once, with the first chart) and asks the network for
nothing, so it opens from a USB stick or a Zalo attachment on a phone. `fetch` reads the
report views (read-only, like every reader); `render` lays them out; `write_after_run` is
what a run calls to keep `DATA_DIR/quality/dashboard.html` current. Why Plotly, and the file's
size: docs/dashboard.md.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import duckdb
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from baocao.report import Unit, unit_in_area
from common.vn_format import vn_date, vn_datetime, vn_int, vn_number, vn_period

MAX_INDICATORS = 8  # small multiples: beyond this a phone scrolls forever
# Status of a monthly report in the completeness grid: (code in the heatmap, words, colour).
_SUBMISSION = {
    "on_time": (0, "đúng hạn", "#2e7d32"),
    "late": (1, "muộn", "#f9a825"),
    "unknown": (2, "đã nạp, không rõ hạn", "#90a4ae"),
    "missing": (3, "chưa gửi", "#c62828"),
    "rejected": (4, "bị từ chối", "#6a1b9a"),
}
# No toolbar: on a phone it covers the chart, and pinch and tap do its work.
_CONFIG = {"responsive": True, "displayModeBar": False}
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
 color:#1f2933;background:#f5f7fa;line-height:1.4}
main{max-width:1100px;margin:0 auto;padding:12px}
header h1{font-size:1.35rem;margin:.2rem 0}
h2{font-size:1.1rem;margin:0 0 .4rem}
section{background:#fff;border-radius:8px;padding:10px;margin:12px 0;
 box-shadow:0 1px 2px rgba(0,0,0,.08)}
.fresh{color:#52606d;font-size:.92rem}
.note{background:#fff4e5;border-left:4px solid #f9a825;padding:8px 10px;margin:8px 0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:10px}
figure{margin:0}figcaption{font-size:.92rem;font-weight:600}
.empty{color:#7b8794;font-style:italic}
footer{color:#7b8794;font-size:.85rem;text-align:center;padding:8px}
"""


@dataclass
class Dashboard:
    unit: Unit
    period_code: str
    start_date: dt.date
    end_date: dt.date
    complete: bool
    data_as_of: dt.datetime | None
    published_at: dt.datetime | None
    by_unit: list[tuple]  # (unit name, on-time rate, online rate, dossiers received)
    by_month: list[tuple]  # (month code, on-time rate, online rate, dossiers received)
    service_index: list[tuple]  # (unit name, progress points, max, online points, max)
    submissions: list[tuple]  # (reporter name, month code, status key, first received at)
    indicators: dict[tuple[str, str, str], list[tuple]]  # (code, name, unit) → (month,
    #                                                        actual to date, plan)
    indicators_left_out: int


def fetch(con: duckdb.DuckDBPyConnection, period_code: str, unit_code: str) -> Dashboard:
    """LookupError (in Vietnamese) for an unknown period or unit, or when the warehouse has
    no figure of the unit for the period."""
    period = con.execute("select start_date, end_date from dim_period where period_code = ?",
                         [period_code]).fetchone()
    if period is None:
        raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
    start, end = period
    unit = unit_in_area(con, unit_code, end)
    months = "(select period_code from dim_period where period_type = 'month'" \
             " and start_date >= $start and end_date <= $end)"
    # The unit's own desk and the units directly under it, as the unit tree had them at the
    # period's end.
    units = """(select unit_code from dim_admin_unit where in_area
                and intermediate.is_valid_on(valid_from, valid_to, $end)
                and (unit_code = $unit or parent_code = $unit))"""
    p = {"period": period_code, "unit": unit_code, "start": start, "end": end}

    def rows(sql: str, *names: str) -> list[tuple]:
        return con.execute(sql, {k: p[k] for k in names}).fetchall()

    own_first = "order by unit_code <> $unit, unit_name"
    by_unit = rows(f"""select unit_name, on_time_rate, online_rate, received_total
        from report_one_stop where period_code = $period and scope = 'unit'
        and unit_code in {units} and received_total > 0 {own_first}""",
                   "period", "unit", "end")
    by_month = rows(f"""select period_code, on_time_rate, online_rate, received_total
        from report_one_stop where unit_code = $unit and scope = 'area'
        and period_code in {months} and received_total > 0 order by period_code""",
                    "unit", "start", "end")
    service_index = rows(f"""select unit_name, progress_points, progress_max_points,
        online_points, online_max_points from report_service_index
        where period_code = $period and scope = 'unit' and unit_code in {units}
        and received_total > 0 {own_first}""", "period", "unit", "end")
    # Every reporter whose figures the unit counts, as `baocao export` selects them.
    submissions = rows(f"""select coalesce(r.name_vi, s.reporter), s.period_code,
            case when s.status = 'loaded' then case s.on_time when true then 'on_time'
                 when false then 'late' else 'unknown' end else s.status end,
            s.first_received_at
        from report_submission s
        left join (select reporter, arg_max(name_vi, coalesce(valid_to, date '9999-12-31'))
                   as name_vi from dim_reporter group by reporter) r using (reporter)
        where s.period_code in {months} and s.unit_key in (
            select b.fact_unit_key from intermediate.int_unit_rollup b
            join dim_admin_unit u on u.unit_key = b.report_unit_key
            where b.scope = 'area' and u.unit_code = $unit
              and $end between b.valid_from and b.valid_to)
        order by s.unit_code <> $unit, 1, 2""", "unit", "start", "end")
    indicators: dict[tuple[str, str, str], list[tuple]] = {}
    for code, name, unit_vi, aggregation, month, actual, plan in rows(f"""
            select r.indicator_code, r.name_vi, r.unit_vi, i.aggregation, r.period_code,
                   r.actual_value, r.plan_value
            from report_indicator r join dim_indicator i using (indicator_code)
            where r.unit_code = $unit and r.scope = 'area' and r.period_code in {months}
              and r.indicator_code in (select indicator_code from report_indicator
                  where unit_code = $unit and scope = 'area' and period_code in {months}
                  and plan_value is not null)
            order by r.indicator_code, r.period_code""", "unit", "start", "end"):
        series = indicators.setdefault((code, name, unit_vi), [])
        # A plan is for the whole year: a monthly flow (sum) is compared as its running
        # total, a stock (last) as it stands at the month's end.
        if aggregation == "sum" and series and actual is not None:
            actual += series[-1][1] or 0
        series.append((month, actual, plan))
    (complete,) = con.execute(
        """select bool_and(complete) from (
               select complete from report_one_stop where unit_code = $unit
                   and period_code = $period and scope = 'area'
               union all select complete from report_indicator where unit_code = $unit
                   and period_code = $period and scope = 'area')""",
        {"unit": unit_code, "period": period_code}).fetchone()
    if not (by_unit or by_month or submissions or indicators):
        raise LookupError(f"Kho số liệu chưa có số liệu nào của {unit.name} cho "
                          f"{vn_period(period_code)}.")
    published_at, data_as_of = con.execute(
        "select published_at, data_as_of from meta_publish").fetchone() or (None, None)
    kept = dict(list(indicators.items())[:MAX_INDICATORS])
    return Dashboard(unit, period_code, start, end, complete is not False, data_as_of,
                     published_at, by_unit, by_month, service_index, submissions, kept,
                     len(indicators) - len(kept))


def current_period(con: duckdb.DuckDBPyConnection) -> str | None:
    """The year that holds the newest input (`meta_publish.data_as_of`): the period staff
    follow through the year, a note saying while it is not complete."""
    found = con.execute(
        """select p.period_code from dim_period p, meta_publish m
           where p.period_type = 'year'
             and cast(m.data_as_of as date) between p.start_date and p.end_date""").fetchone()
    return found[0] if found else None


# ---------------------------------------------------------------- rendering

def _month_label(code: str) -> str:
    year, month = code.split("-M")
    return f"T{month}/{year}"


def _layout(fig: go.Figure, height: int, **more) -> go.Figure:
    fig.update_layout(
        separators=",.",  # Vietnamese: 21.473 and 98,8%
        template="plotly_white", height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": "system-ui, Roboto, Arial, sans-serif", "size": 12},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        hoverlabel={"namelength": -1})
    fig.update_layout(**more)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _rates(labels: list[str], on_time: list, online: list, received: list,
           lines: bool) -> go.Figure:
    fig = go.Figure()
    counts = [vn_int(n) for n in received]
    for name, values, colour in (("Giải quyết đúng hạn", on_time, "#2e7d32"),
                                 ("Nộp trực tuyến", online, "#1565c0")):
        common = {"x": labels, "y": values, "name": name, "customdata": counts,
                  "hovertemplate": "%{x}<br>" + name + ": %{y:.1%}"
                                   "<br>Hồ sơ tiếp nhận: %{customdata}<extra></extra>"}
        if lines:
            fig.add_trace(go.Scatter(mode="lines+markers", line={"color": colour}, **common))
        else:
            fig.add_trace(go.Bar(marker_color=colour, **common))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05], title_text="Tỷ lệ")
    return _layout(fig, 340, barmode="group")


def _service_index_figure(rows: list[tuple]) -> go.Figure:
    names = [r[0] for r in rows]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=False, vertical_spacing=0.12,
                        subplot_titles=("Tiến độ giải quyết hồ sơ",
                                        "Tỷ lệ hồ sơ trực tuyến"))
    for row, (points_at, max_at, colour) in enumerate(((1, 2, "#2e7d32"), (3, 4, "#1565c0")),
                                                      start=1):
        points = [r[points_at] for r in rows]
        maxima = [r[max_at] for r in rows]
        text = [f"{vn_number(round(p, 2)) if p is not None else '—'}/{vn_int(m)}"
                for p, m in zip(points, maxima, strict=True)]
        fig.add_trace(go.Bar(y=names, x=maxima, orientation="h", marker_color="#e4e7eb",
                             hoverinfo="skip"), row=row, col=1)
        fig.add_trace(go.Bar(y=names, x=points, orientation="h", marker_color=colour,
                             name="Điểm đạt", text=text, textposition="outside",
                             cliponaxis=False,
                             hovertemplate="%{y}: %{x:.2f} điểm<extra></extra>"),
                      row=row, col=1)
        fig.update_yaxes(autorange="reversed", row=row, col=1)
        # Room right of the longest bar for its "19,45/20" on a narrow phone screen.
        fig.update_xaxes(range=[0, max(m or 0 for m in maxima) * 1.3], row=row, col=1)
    return _layout(fig, 120 + 2 * 26 * len(rows), barmode="overlay", showlegend=False)


def _submission_figure(rows: list[tuple]) -> go.Figure:
    reporters = list(dict.fromkeys(r[0] for r in rows))
    months = sorted({r[1] for r in rows})
    z = [[None] * len(months) for _ in reporters]
    hover = [[""] * len(months) for _ in reporters]
    for reporter, month, status, received_at in rows:
        i, j = reporters.index(reporter), months.index(month)
        code, words, _ = _SUBMISSION[status]
        z[i][j] = code
        hover[i][j] = (f"{html.escape(reporter)}<br>{vn_period(month)}: {words}"
                       + (f"<br>Nhận lúc {vn_datetime(received_at)}" if received_at else ""))
    steps = len(_SUBMISSION)
    # A discrete scale: each status code gets one flat band of colour.
    scale = []
    for code, _, colour in _SUBMISSION.values():
        scale += [[code / steps, colour], [(code + 1) / steps, colour]]
    short = [name if len(name) <= 34 else name[:33] + "…" for name in reporters]
    fig = go.Figure(go.Heatmap(
        z=z, x=[_month_label(m) for m in months], y=short, zmin=0, zmax=steps,
        colorscale=scale, showscale=False, xgap=2, ygap=2, text=hover,
        hovertemplate="%{text}<extra></extra>"))
    for _, words, colour in _SUBMISSION.values():  # the legend a heatmap lacks
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=words,
                                 marker={"color": colour, "size": 12, "symbol": "square"}))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return _layout(fig, 110 + 26 * len(reporters), legend={"orientation": "h", "y": -0.02,
                                                            "yanchor": "top"})


def _indicator_figure(series: list[tuple], unit_vi: str) -> go.Figure:
    labels = [_month_label(m) for m, _, _ in series]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=[a for _, a, _ in series], name="Thực hiện",
                         marker_color="#1565c0",
                         hovertemplate="%{x}: %{y:,.0f} " + unit_vi + "<extra></extra>"))
    fig.add_trace(go.Scatter(x=labels, y=[p for _, _, p in series], name="Kế hoạch năm",
                             mode="lines", line={"color": "#c62828", "dash": "dash"},
                             hovertemplate="Kế hoạch: %{y:,.0f} " + unit_vi
                                           + "<extra></extra>"))
    fig.update_yaxes(rangemode="tozero", tickformat=",.0f")
    return _layout(fig, 260)


class _Charts:
    """The charts' HTML: plotly.js goes inside the first one only, so the 4 MB library is
    in the file once."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, fig: go.Figure, div_id: str) -> str:
        self.count += 1
        return fig.to_html(include_plotlyjs=self.count == 1, full_html=False,
                           div_id=div_id, config=_CONFIG, default_width="100%")


def _section(title: str, body: str | None, empty: str) -> str:
    inner = body if body else f'<p class="empty">{html.escape(empty)}</p>'
    return f"<section><h2>{html.escape(title)}</h2>{inner}</section>"


def render(data: Dashboard) -> str:
    chart = _Charts()
    e = html.escape
    unit_name = data.unit.name
    sections = []
    sections.append(_section(
        "Một cửa: tỷ lệ giải quyết đúng hạn và nộp trực tuyến theo đơn vị",
        chart(_rates([r[0] for r in data.by_unit], [r[1] for r in data.by_unit],
                     [r[2] for r in data.by_unit], [r[3] for r in data.by_unit], False),
              "chart-one-stop-units") if data.by_unit else None,
        "Không có hồ sơ một cửa nào trong kỳ."))
    sections.append(_section(
        "Một cửa: tỷ lệ theo tháng (toàn địa bàn)",
        chart(_rates([_month_label(r[0]) for r in data.by_month],
                     [r[1] for r in data.by_month], [r[2] for r in data.by_month],
                     [r[3] for r in data.by_month], True),
              "chart-one-stop-months") if data.by_month else None,
        "Không có số liệu một cửa theo tháng trong kỳ."))
    sections.append(_section(
        "Chỉ số phục vụ (Quyết định 766/QĐ-TTg): điểm đạt so với điểm tối đa (phần xám)",
        chart(_service_index_figure(data.service_index), "chart-service-index")
        if data.service_index else None, "Không có số liệu chỉ số phục vụ trong kỳ."))
    sections.append(_section(
        "Tình hình gửi báo cáo tháng",
        chart(_submission_figure(data.submissions), "chart-submissions")
        if data.submissions else None, "Không có báo cáo tháng nào phải gửi trong kỳ."))
    figures = "".join(
        f"<figure><figcaption>{e(name)} ({e(unit_vi)})</figcaption>"
        f"{chart(_indicator_figure(series, unit_vi), f'chart-indicator-{e(code)}')}</figure>"
        for (code, name, unit_vi), series in data.indicators.items())
    more = (f'<p class="fresh">Còn {vn_int(data.indicators_left_out)} chỉ tiêu có kế hoạch '
            "khác: xem báo cáo (baocao report).</p>") if data.indicators_left_out else ""
    sections.append(_section(
        "Chỉ tiêu so với kế hoạch (lũy kế với chỉ tiêu cộng dồn)",
        f'<div class="grid">{figures}</div>{more}' if figures else None,
        "Không có chỉ tiêu nào có kế hoạch trong kỳ."))
    note = "" if data.complete else (
        f'<p class="note"><strong>Kỳ báo cáo chưa có đủ số liệu</strong>: số liệu mới đến '
        f"ngày {vn_date(data.data_as_of)}, các con số còn thay đổi.</p>")
    title = f"{unit_name} — {vn_period(data.period_code)}"
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bảng số liệu: {e(title)}</title><style>{_CSS}</style></head>
<body><main><header><h1>Bảng số liệu: {e(title)}</h1>
<p>Từ ngày {vn_date(data.start_date)} đến ngày {vn_date(data.end_date)}.</p>
<p class="fresh">Số liệu cập nhật đến {vn_datetime(data.data_as_of)}; kho số liệu công bố lúc
{vn_datetime(data.published_at)}.</p>{note}</header>
{"".join(sections)}
<footer>Tệp tự chứa, mở được khi không có mạng (tạo bởi baocao).</footer></main></body></html>
"""


def write(data: Dashboard, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return out


def write_after_run(paths, summary: dict, console) -> Path | None:
    """After a successful run: `DATA_DIR/quality/dashboard.html` for the current year of the
    area's top unit. Never fails the run: a problem is one Vietnamese line."""
    if summary.get("status") != "succeeded" or not paths.warehouse.exists():
        return None
    from common.area import read_area

    out = paths.quality / "dashboard.html"
    try:
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            period = current_period(con)
            if period is None:
                return None
            data = fetch(con, period, read_area(paths.data_dir).code)
        write(data, out)
    except Exception as exc:  # the run has published: the dashboard is extra
        console.print(f"Không ghi được bảng số liệu {out}: {exc}", highlight=False,
                      markup=False)
        return None
    console.print(f"Đã ghi bảng số liệu {vn_period(period)}: {out}", highlight=False,
                  markup=False)
    return out
