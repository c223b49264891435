"""The commands that write what people read: the printed and Word report, the quality
page, form II.06a, exports of report views and the dashboard. They read the published
warehouse only (`_read_published`), never run a flow, and import neither Prefect nor Great
Expectations. Registered on the one `app` of `baocao.cli`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from baocao import arguments
from baocao.cli import (
    DataDir,
    Warehouse,
    _read_published,
    _refuse_bad,
    _unit_checked,
    app,
    console,
    errors,
)


def _print_report(warehouse: Path, period: str, unit: str, scope: str = "area",
                  fmt: str = "text", out: Path | None = None, template: Path | None = None,
                  as_closed: bool = False) -> None:
    from baocao import report

    data = _read_published(warehouse, lambda con: report.fetch(con, period, unit, scope,
                                                               as_closed))
    if fmt == "docx":
        from baocao import report_docx

        try:
            report_docx.write(report.compose(data), out, template)
        except report_docx.TemplateProblem as exc:
            errors.print(Text(str(exc), style="red"))
            raise typer.Exit(1) from exc
        console.print(f"Đã ghi báo cáo của {data.unit.name} (mẫu "
                      f"{template or 'mặc định'}) → {out}", highlight=False, markup=False)
        return
    layout = {"text": report.render, "md": report.render_markdown, "html": report.render_html}
    text = layout[fmt](data)
    if out is None:
        console.print(text, highlight=False, markup=False)  # a name may hold '[…]'
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"Đã ghi báo cáo của {data.unit.name} → {out}", highlight=False,
                  markup=False)


REPORT_FORMATS = {"text": (".txt",), "md": (".md",), "html": (".html", ".htm"),
                  "docx": (".docx",)}
_FORMAT_WORDS = {"text": "văn bản thuần", "md": "Markdown", "html": "trang HTML",
                 "docx": "văn bản Word"}


def _report_output(fmt: str | None, out: Path | None) -> tuple[str, Path | None]:
    """The layout (`--format`, else told by the suffix of `--out`, else text) and the file;
    a Word document is never printed to the terminal."""
    if fmt is None and out is not None:
        fmt = next((f for f, suffixes in REPORT_FORMATS.items()
                    if out.suffix.lower() in suffixes), None)
        if fmt is None:
            raise arguments.BadArgument(
                f"--out: Không biết ghi tệp '{out}' theo định dạng nào; dùng đuôi .txt, .md, "
                ".html hoặc .docx, hoặc thêm --format.")
    fmt = fmt or "text"
    if fmt not in REPORT_FORMATS:
        raise arguments.BadArgument(f"--format: Không có định dạng '{fmt}': chọn "
                                    f"{', '.join(REPORT_FORMATS)}.")
    if fmt == "docx" and out is None:
        raise arguments.BadArgument("--out: Báo cáo Word cần --out, ví dụ --out bao-cao.docx.")
    if out is not None:
        out = arguments.output_file(out, REPORT_FORMATS[fmt], _FORMAT_WORDS[fmt])
    return fmt, out


@app.command()
def report(period: Annotated[str | None, typer.Option(help="Kỳ báo cáo (bắt buộc), ví dụ "
                                                    "2022-9M, 2022-M09.")] = None,
           unit: Annotated[str, typer.Option(help="Mã đơn vị, ví dụ 688.")] = "688",
           scope: Annotated[str, typer.Option(help="area: đơn vị và các đơn vị trực thuộc; "
                                              "unit: riêng đơn vị.")] = "area",
           fmt: Annotated[str | None, typer.Option(
               "--format", help="text (mặc định), md, html hoặc docx (văn bản Word theo Nghị "
               "định 30/2020/NĐ-CP, cần --out).")] = None,
           out: Annotated[Path | None, typer.Option("--out", help="Tệp cần ghi (mặc định: in "
                                                    "ra màn hình).")] = None,
           as_closed: Annotated[bool, typer.Option(
               "--as-closed", help="Số liệu như đã gửi khi chốt kỳ (baocao close).")] = False,
           data_dir: DataDir = Path("data"), warehouse: Warehouse = None) -> None:
    """In hoặc ghi báo cáo của một đơn vị và một kỳ từ kho số liệu (Word: mẫu
    DATA_DIR/templates/bao-cao.docx nếu có)."""
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    scope = args.check(arguments.scope, scope)
    fmt, out = args.check(_report_output, fmt, out) or (None, None)
    unit = _unit_checked(args, unit, paths.warehouse)
    _refuse_bad(args)
    template = None
    if fmt == "docx":
        from baocao.report_docx import template_in

        template = template_in(paths.data_dir)
    _print_report(paths.warehouse, period, unit, scope, fmt, out, template, as_closed)


@app.command()
def quality(run: Annotated[str, typer.Option("--run", help="Mã lần chạy (hoặc 8 ký tự đầu như "
                                             "'baocao status' in), hoặc 'last' (lần chạy mới "
                                             "nhất có kiểm tra số liệu).")] = "last",
            runs: Annotated[int, typer.Option("--runs", help="Gồm cả tệp và dòng bị loại của "
                                              "N lần chạy có kiểm tra số liệu, đến lần chạy "
                                              "--run.")] = 1,
            out: Annotated[Path | None, typer.Option("--out", help="Tệp HTML cần ghi (mặc định "
                                                     "DATA_DIR/quality/run-<mã>.html).")] = None,
            data_dir: DataDir = Path("data"), warehouse: Warehouse = None) -> None:
    """Ghi trang HTML chất lượng số liệu: theo từng đơn vị, tệp và dòng bị từ chối, vi phạm
    quy tắc, giá trị bất thường, báo cáo thiếu hoặc muộn (kèm tệp, trang, ô). Tệp còn bị từ
    chối luôn có mặt, dù lần chạy nào nhận nó."""

    from baocao import quality_page as page
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    args.check(arguments.at_least_one, runs, "--runs")
    if out is not None:
        args.check(arguments.output_file, out, (".html", ".htm"), "trang HTML")
    if paths.warehouse.exists():
        run = args.check(arguments.run, run, arguments.warehouse_runs(paths.warehouse))
    _refuse_bad(args)
    data = _read_published(paths.warehouse, lambda con: page.fetch(con, run, runs))
    run_id = str(data.run["run_id"])
    target = out or paths.quality_page(run_id if runs == 1 else f"{run_id}-last{runs}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page.render(data), encoding="utf-8")
    console.print(page.summary(data), highlight=False)
    console.print(f"Đã ghi trang chất lượng số liệu: {target}")


@app.command("form-06a")
def form_06a(
    out: Annotated[Path | None, typer.Option("--out", help="Tệp Excel (.xlsx) cần ghi (bắt "
                                             "buộc).")] = None,
    period: Annotated[str | None, typer.Option(help="Kỳ báo cáo, ví dụ 2022-9M, 2022-Q3.")]
    = None,
    unit: Annotated[str, typer.Option(help="Mã đơn vị, ví dụ 688.")] = "688",
    from_day: Annotated[str | None, typer.Option("--tu-ngay", help="Từ ngày (dd/mm/yyyy), "
                                                 "thay cho --period.")] = None,
    to_day: Annotated[str | None, typer.Option("--den-ngay", help="Đến ngày (dd/mm/yyyy).")]
    = None,
    scope: Annotated[str, typer.Option(help="area: đơn vị và các đơn vị trực thuộc; unit: "
                                       "chỉ bộ phận một cửa của đơn vị.")] = "area",
    withdrawn_as_on_time: Annotated[bool, typer.Option(
        "--withdrawn-as-on-time", help="Tính hồ sơ rút/trả lại vào cột 'Trả đúng thời hạn' "
        "(mặc định: không tính vào số đã giải quyết, ghi chú dưới biểu).")] = False,
    data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
) -> None:
    """Ghi Biểu số II.06a/VPCP/KSTT (tình hình, kết quả giải quyết TTHC theo lĩnh vực)."""

    from baocao import form06a
    from common.datafolder import DataPaths
    from common.vn_format import vn_int

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    days = args.check(arguments.day_range, period, from_day, to_day) or (None, None)
    if period is not None:
        period = args.check(arguments.period, period)
    scope = args.check(arguments.scope, scope)
    out = args.check(arguments.output_file, out, (".xlsx",), "bảng Excel")
    unit = _unit_checked(args, unit, paths.warehouse)
    _refuse_bad(args)
    form = _read_published(paths.warehouse, lambda con: form06a.fetch(
        con, unit, period, *days, scope=scope, withdrawn_as_on_time=withdrawn_as_on_time))
    form06a.write(form, out)
    console.print(f"Đã ghi {form06a.FORM_CODE} của {form.unit_name}: {len(form.rows)} lĩnh vực,"
                  f" {vn_int(form.totals['received_total'])} hồ sơ nhận giải quyết → {out}")
    note = form06a.footnote(form)
    if note:
        console.print(note)


@app.command("export")
def export_view(
    view: Annotated[str | None, typer.Argument(
        help="Bảng báo cáo (report_one_stop, report_indicator, report_indicator_ratio, "
        "report_one_stop_by_field, report_service_index, report_submission, "
        "report_submission_rate; có thể bỏ 'report_').")] = None,
    period: Annotated[str | None, typer.Option(help="Kỳ báo cáo (bắt buộc), ví dụ 2022-9M.")]
    = None,
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: mọi đơn vị của địa "
                                             "bàn).")] = None,
    scope: Annotated[str, typer.Option(help="area: đơn vị và các đơn vị trực thuộc; unit: "
                                       "riêng đơn vị.")] = "area",
    out: Annotated[Path | None, typer.Option("--out", help="Tệp cần ghi: .xlsx (Excel) hoặc "
                                             ".csv (bắt buộc).")] = None,
    data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
) -> None:
    """Xuất một bảng báo cáo ra Excel hoặc CSV: tiêu đề cột tiếng Việt, số là số, dòng đầu
    ghi đơn vị, kỳ và số liệu đến ngày nào."""
    import duckdb

    from baocao import export as exporting
    from common.datafolder import DataPaths
    from common.vn_format import vn_int

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    scope = args.check(arguments.scope, scope)
    out = args.check(arguments.output_file, out, (".xlsx", ".csv"), "bảng Excel hoặc CSV")
    if unit is not None:
        unit = _unit_checked(args, unit, paths.warehouse)
    if paths.warehouse.exists():
        with duckdb.connect(str(paths.warehouse), read_only=True) as con:
            known = list(exporting.views(con))
        view = args.check(exporting.view_name, view, known)
    _refuse_bad(args)
    table = _read_published(paths.warehouse,
                            lambda con: exporting.fetch(con, view, period, unit, scope))
    exporting.write(table, out)
    console.print(f"Đã ghi {vn_int(len(table.rows))} dòng của {table.view} ({table.title}) → "
                  f"{out}", highlight=False, markup=False)


@app.command()
def dashboard(
    period: Annotated[str | None, typer.Option(help="Kỳ báo cáo (bắt buộc), ví dụ 2022-9M.")]
    = None,
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: đơn vị cao nhất của "
                                             "địa bàn, ví dụ 688).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Tệp HTML cần ghi (bắt buộc).")]
    = None,
    data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
) -> None:
    """Ghi bảng số liệu: một tệp HTML tự chứa (biểu đồ một cửa, chỉ số phục vụ, tình hình gửi
    báo cáo, chỉ tiêu so với kế hoạch), mở được trên điện thoại khi không có mạng."""
    from baocao import dashboard as board
    from common.area import read_area
    from common.datafolder import DataPaths
    from common.vn_format import vn_decimal, vn_period

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    out = args.check(arguments.output_file, out, (".html", ".htm"), "trang HTML")
    unit = _unit_checked(args, unit or read_area(paths.data_dir).code, paths.warehouse)
    _refuse_bad(args)
    data = _read_published(paths.warehouse, lambda con: board.fetch(con, period, unit))
    board.write(data, out)
    console.print(f"Đã ghi bảng số liệu của {data.unit.name}, {vn_period(period)} → {out} "
                  f"({vn_decimal(out.stat().st_size / 1e6, 1)} MB).", highlight=False,
                  markup=False)


@app.command()
def remind(period: Annotated[str | None, typer.Option(help="Kỳ báo cáo, ví dụ 2022-M10.")]
           = None,
           send: Annotated[bool, typer.Option(
               "--send", help="Gửi thư nhắc tới địa chỉ trong mục [reminders] của "
                              "baocao.toml, qua máy chủ thư ở mục [smtp].")] = False,
           data_dir: DataDir = Path("data"), warehouse: Warehouse = None) -> None:
    """Ai chưa gửi báo cáo của kỳ và hạn gửi; --send: gửi thư nhắc."""
    import datetime as dt

    from baocao import remind as reminding
    from common.area import config_section
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    _refuse_bad(args)
    dues = _read_published(paths.warehouse, lambda con: reminding.fetch(con, period))
    console.print(reminding.render(period, dues, dt.date.today()), highlight=False,
                  markup=False)
    if send and dues:
        try:
            sent, unknown = reminding.send(dues, config_section(paths.data_dir, "reminders"),
                                           config_section(paths.data_dir, "smtp"))
        except OSError as exc:
            errors.print(Text(f"Không gửi được thư nhắc: máy chủ thư không trả lời ({exc}).",
                              style="red"))
            raise typer.Exit(1) from exc
        console.print(f"Đã gửi {sent} thư nhắc."
                      + (f" Chưa có địa chỉ thư của: {', '.join(unknown)}." if unknown else ""),
                      highlight=False, markup=False)
