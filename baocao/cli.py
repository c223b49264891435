"""`baocao`: the command line for data staff and the nightly job.

Messages for data staff are in Vietnamese; engineers' logs (Prefect) stay in English and
are quiet unless `--verbose`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from baocao import arguments

app = typer.Typer(help="baocao — kho số liệu báo cáo của địa phương (tỉnh, xã, phường).",
                  no_args_is_help=True, add_completion=False)
console = Console(soft_wrap=True)  # long Vietnamese lines: let the terminal wrap them
errors = Console(soft_wrap=True, stderr=True)

DataDir = Annotated[Path, typer.Option("--data-dir", help="Thư mục dữ liệu (inbox, archive, "
                                       "warehouse, logs).")]
Warehouse = Annotated[Path | None, typer.Option("--warehouse", help="Tệp DuckDB mà công cụ BI "
                                                "mở (mặc định DATA_DIR/warehouse.duckdb).")]
Verbose = Annotated[bool, typer.Option("--verbose", help="Show Prefect's engineer logs.")]


def _quiet_prefect(verbose: bool) -> None:
    # Before prefect is imported (it reads its settings then); every Prefect process baocao
    # starts (API server, flow run) inherits this environment.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_ROOT_LEVEL", "INFO" if verbose else "WARNING")
    # Never telemetry, whatever a profile says (offices often have no Internet, and nothing
    # is to leave them): the server's heartbeat and UI analytics; the client's usage events.
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ["DO_NOT_TRACK"] = "1"
    # The temporary API server migrates its database on first start: give it time.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def _refuse_bad(args: arguments.Arguments) -> None:
    """A usage error: every problem told, nothing run or written, exit code 2 (click's)."""
    if not args.problems:
        return
    for problem in args.problems:
        errors.print(Text(problem, style="red"))
    errors.print("Chưa làm gì. Xem cách dùng: thêm --help vào lệnh.")
    raise typer.Exit(2)


def _unit_checked(args: arguments.Arguments, unit: str, warehouse: Path) -> str | None:
    """The unit code, checked against the warehouse's units when there is one to ask."""
    units = arguments.warehouse_units(warehouse) if warehouse.exists() else []
    return args.check(arguments.unit, unit, units) if units else unit


def _run_and_report(paths, trigger: str, start=None) -> dict:
    from common.vn_format import vn_int
    from flows.nightly import run_nightly
    from load.lock import WriterBusy

    try:
        with console.status("Đang chạy (đọc tệp, kiểm tra, nạp kho số liệu)…"):
            summary = start() if start else run_nightly(paths, trigger=trigger)
    except WriterBusy as exc:
        console.print(f"[red]Thư mục dữ liệu {paths.data_dir} đang được một lần chạy khác ghi; "
                      f"hãy chạy lại sau.[/red] ({exc})")
        raise typer.Exit(2) from exc
    console.print(
        f"[green]Xong.[/green] Tệp mới: {vn_int(summary['files_seen'])}, nạp: "
        f"{vn_int(summary['files_loaded'])}, từ chối: {vn_int(summary['files_rejected'])}; "
        f"dòng nạp: {vn_int(summary['rows_loaded'])}, dòng bị loại: "
        f"{vn_int(summary['rows_rejected'])}. Kho số liệu: {paths.warehouse}", highlight=False)
    from baocao.quality_page import run_summary

    console.print(run_summary(paths.warehouse, str(summary["run_id"])), highlight=False)
    from baocao.dashboard import write_after_run

    write_after_run(paths, summary, console)
    return summary


def _read_published(warehouse: Path, fetch):
    """`fetch(con)` on the published warehouse, read-only. No warehouse yet, or a
    LookupError (its message is Vietnamese), ends the command with exit code 1."""
    import duckdb

    if not warehouse.exists():
        console.print(f"[red]Chưa có kho số liệu tại {warehouse}. Hãy chạy 'baocao run'.[/red]")
        raise typer.Exit(1)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            return fetch(con)
        except LookupError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc


@app.command()
def demo(data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
         area: Annotated[str | None, typer.Option(
             "--area", help="Mã một tỉnh sau 01/7/2025, ví dụ 75: dữ liệu mẫu năm 2025 của cả "
             "tỉnh (các xã, phường cũ đến tháng 6, xã, phường mới từ tháng 7, một số sở) thay "
             "cho thị xã Phước Long năm 2022.")] = None,
         verbose: Verbose = False) -> None:
    """Tạo hộp thư mẫu (dữ liệu giả lập), chạy luồng nightly và in báo cáo: 9 tháng 2022 của
    thị xã Phước Long, hoặc năm 2025 của tỉnh --area."""
    _quiet_prefect(verbose)
    from functools import partial

    from baocao.demo import province, write_demo_inbox
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse)
    write = write_demo_inbox
    if area is not None:
        area = area.strip()
        try:  # `baocao init --area` with the demo's departments
            config = province.prepare_data_folder(paths, area)
        except ValueError as exc:
            console.print(Text(str(exc), style="red"))
            raise typer.Exit(2) from exc
        console.print(f"Đã ghi {config}.", highlight=False, markup=False)
        write = partial(province.write_province_inbox, area=area)
    with console.status("Đang tạo dữ liệu mẫu…"):
        files = write(paths.inbox)
    console.print(f"Đã tạo {len(files)} tệp mẫu trong {paths.inbox}.")
    _run_and_report(paths, "manual")
    from baocao.cli_outputs import _print_report

    if area is None:
        _print_report(paths.warehouse, "2022-9M", "688")
    else:
        _print_report(paths.warehouse, province.report_period(paths.warehouse, area), area)


@app.command()
def run(data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
        inbox: Annotated[Path | None, typer.Option("--inbox", help="Thư mục tệp đến (mặc định "
                                                   "DATA_DIR/inbox).")] = None,
        move_processed: Annotated[bool | None, typer.Option(
            "--move-processed/--keep-processed", help="Sau khi công bố, chuyển tệp đã xử lý "
            "vào INBOX/da-xu-ly/, tệp bị từ chối vào INBOX/bi-tu-choi/ kèm ghi chú lý do "
            "(mặc định: thiết lập move_processed).")] = None,
        import_history: Annotated[bool, typer.Option(
            "--import-history", help="Các tệp là báo cáo cũ nạp bù: tính đúng hạn theo ngày ký "
            "ghi trên báo cáo, không theo lúc nhận tệp.")] = False,
        dask: Annotated[str | None, typer.Option(
            "--dask", help="Địa chỉ Dask scheduler (tcp://host:8786) để đọc tệp song song; "
                           "các máy phải thấy thư mục dữ liệu ở cùng đường dẫn.")] = None,
        workers: Annotated[int | None, typer.Option(
            "--workers", min=1, help="Đọc tệp song song bằng N tiến trình trên máy này.")]
        = None,
        full_rebuild: Annotated[bool, typer.Option(
            "--full-rebuild", help="Dựng lại toàn bộ bảng từ mọi dòng đã nạp (mặc định chỉ "
                                   "dựng lại phần các tệp mới chạm tới), kể cả khi không có "
                                   "tệp mới.")] = False,
        verbose: Verbose = False) -> None:
    """Chạy luồng nightly một lần: nạp các tệp mới trong hộp thư vào kho số liệu."""
    _quiet_prefect(verbose)
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse, inbox)
    if not paths.inbox.is_dir():
        console.print(f"[red]Không có thư mục tệp đến {paths.inbox}.[/red]")
        raise typer.Exit(1)
    from common.area import read_area
    from flows.nightly import run_nightly

    dask = dask or read_area(paths.data_dir).dask_address
    _run_and_report(paths, "manual",
                    lambda: run_nightly(paths, "manual", import_history=import_history,
                                        dask=dask, workers=workers,
                                        move_processed=move_processed,
                                        full_rebuild=full_rebuild))


@app.command()
def backfill(period_from: Annotated[str | None, typer.Option(
                 "--from", help="Tháng đầu (bắt buộc), ví dụ 2022-M01.")] = None,
             period_to: Annotated[str | None, typer.Option(
                 "--to", help="Tháng cuối (bắt buộc), ví dụ 2022-M09.")] = None,
             unit: Annotated[str | None, typer.Option(help="Chỉ một đơn vị, ví dụ 25217.")] = None,
             data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
             verbose: Verbose = False) -> None:
    """Đọc lại từ kho lưu trữ các tệp của những tháng này và dựng lại báo cáo."""
    _quiet_prefect(verbose)
    from common.datafolder import DataPaths

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    args.check(arguments.month_range, period_from, period_to)
    if unit is not None:  # checked against the published warehouse: backfill reads its files
        unit = _unit_checked(args, unit, paths.warehouse)
    _refuse_bad(args)
    from flows.nightly import run_backfill

    _run_and_report(paths, "backfill", lambda: run_backfill(paths, period_from, period_to, unit))


@app.command()
def status(data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
           runs: Annotated[int, typer.Option(help="Số lần chạy gần nhất.")] = 5,
           check: Annotated[bool, typer.Option(
               "--check", help="Chỉ kiểm tra (cho cron, hệ thống giám sát): lần chạy gần nhất "
               "thất bại hoặc quá alert_after_hours giờ không có lần nightly thành công thì in "
               "một dòng cảnh báo, mã thoát 1; ổn thì không in gì, mã thoát 0.")] = False
           ) -> None:
    """Các lần chạy gần nhất và số phận từng tệp của chúng, tệp bị từ chối, báo cáo còn
    thiếu."""
    args = arguments.Arguments()
    args.check(arguments.at_least_one, runs, "--runs")
    _refuse_bad(args)
    from baocao.status import print_status
    from common.datafolder import DataPaths

    if check:
        from baocao.status import check as check_status

        raise typer.Exit(check_status(console, DataPaths.of(data_dir, warehouse)))
    print_status(console, DataPaths.of(data_dir, warehouse), runs)


@app.command()
def serve(data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
          inbox: Annotated[Path | None, typer.Option("--inbox", help="Thư mục tệp đến.")] = None,
          verbose: Verbose = False) -> None:
    """Phục vụ lịch chạy: nightly lúc 01:30 (giờ Việt Nam) và backfill theo yêu cầu."""
    _quiet_prefect(verbose)
    from common.datafolder import DataPaths
    from common.vn_format import vn_datetime
    from flows.deployments import Served, ServerUnavailable, serve_deployments

    def announce(s: Served) -> None:
        server = f"mở cùng lệnh này, nhật ký {s.server_log}" if s.server_log else "có sẵn"
        console.print(
            f"baocao serve đang chạy (dừng: Ctrl+C).\n  Thư mục dữ liệu: {s.data_dir}\n"
            f"  Thư mục tệp đến: {s.inbox}\n  Kho số liệu: {s.warehouse}\n  Máy chủ Prefect:"
            f" {s.api_url} ({server}); giao diện: {s.ui_url}\nLịch chạy:\n  {s.nightly}: hằng"
            f" ngày lúc {s.next_nightly:%H:%M} (cron {s.nightly_cron}, {s.timezone}); lần tới:"
            f" {vn_datetime(s.next_nightly)} giờ Việt Nam.\n  {s.backfill}: khi có yêu cầu.\n"
            "Yêu cầu backfill (đọc lại các tháng từ kho lưu trữ) từ một cửa sổ lệnh khác:\n"
            f"  {s.backfill_command}\nMỗi lúc chỉ một lần chạy: yêu cầu đến khi nightly đang"
            " chạy sẽ chờ nightly xong.", highlight=False, markup=False)
    try:
        serve_deployments(DataPaths.of(data_dir, warehouse, inbox), announce)
    except ServerUnavailable as exc:
        console.print(f"[red]Không mở được máy chủ Prefect tại {exc.url}[/red] (xem {exc.log};"
                      " cổng bận thì đặt PREFECT_SERVER_API_PORT khác).", highlight=False)
        raise typer.Exit(1) from exc


@app.command()
def check(file: Annotated[Path, typer.Argument(help="Tệp cần kiểm tra (.xlsx, .xls, .ods, "
                                                   ".csv).")],
          data_dir: Annotated[Path | None, typer.Option(
              "--data-dir", help="Thư mục dữ liệu có địa bàn (baocao.toml) để nhận đơn vị; "
                                 "mặc định thị xã Phước Long.")] = None) -> None:
    """Kiểm tra một tệp trước khi bỏ vào hộp thư: in những gì đọc được và mọi lỗi kèm ô.
    Không cần kho số liệu. Mã thoát 0: không có lỗi; 1: có lỗi."""
    if not file.is_file():
        console.print(f"[red]Không có tệp {file}.[/red]")
        raise typer.Exit(1)
    from baocao.check import check_file, render
    from common.area import use_area

    if data_dir is not None:
        use_area(data_dir)

    with console.status("Đang đọc và kiểm tra tệp…"):
        checked = check_file(file)
    console.print(render(checked), highlight=False)
    raise typer.Exit(0 if checked.ok else 1)


@app.command()
def init(area: Annotated[str, typer.Option("--area", help="Mã địa bàn: tỉnh hoặc xã, phường "
                                           "sau 01/7/2025 (75, 25220), tỉnh hoặc huyện trước đó "
                                           "(70, 688).")],
         data_dir: DataDir = Path("data")) -> None:
    """Cho thư mục dữ liệu biết địa bàn nó phục vụ: ghi DATA_DIR/baocao.toml."""
    from common.area import Area, write_config
    from common.units import UnknownArea, area_kind, area_name

    try:
        kind = area_kind(area)
    except UnknownArea as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    name = area_name(area)
    path = write_config(data_dir, Area(area.strip()), name)
    generation = "sau 01/7/2025" if kind.endswith("2025") else "trước 01/7/2025"
    console.print(f"Đã ghi {path}: thư mục dữ liệu phục vụ {name} (mã {area.strip()}, đơn vị "
                  f"hành chính {generation}). Thêm các phòng, ban gửi báo cáo vào mục "
                  "[[departments]] của tệp này nếu có.", markup=False)


@app.command()
def purge(before: Annotated[str | None, typer.Option(
              "--before", help="Xoá các bản xuất một cửa có ngày xuất trước ngày này "
              "(dd/mm/yyyy hoặc yyyy-mm-dd; mặc định: hôm nay trừ archive_retention_days "
              "ngày).")] = None,
          data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
          inbox: Annotated[Path | None, typer.Option("--inbox", help="Thư mục tệp đến (mặc "
                                                     "định DATA_DIR/inbox).")] = None) -> None:
    """Xoá khỏi kho lưu trữ các bản xuất một cửa (chứa dữ liệu cá nhân của người nộp) quá
    thời hạn lưu trữ; số liệu đã nạp từ chúng vẫn giữ, nhưng không đọc lại được nữa."""
    from common.datafolder import DataPaths
    from common.vn_format import vn_date, vn_int
    from load.lock import WriterBusy
    from load.purge import default_before, purge_archive

    paths = DataPaths.of(data_dir, warehouse, inbox)
    args = arguments.Arguments()
    day = args.check(_purge_day, before) if before is not None else default_before()
    _refuse_bad(args)
    if not paths.warehouse.exists():
        console.print(f"[red]Chưa có kho số liệu tại {paths.warehouse}. Hãy chạy 'baocao run'."
                      "[/red]")
        raise typer.Exit(1)
    try:
        purged = purge_archive(paths, day)
    except WriterBusy as exc:
        console.print(f"[red]Thư mục dữ liệu {paths.data_dir} đang được một lần chạy khác ghi; "
                      f"hãy chạy lại sau.[/red] ({exc})")
        raise typer.Exit(2) from exc
    console.print(
        f"Đã xoá {vn_int(len(purged.files))} tệp dữ liệu cá nhân có ngày xuất trước "
        f"{vn_date(purged.before)} khỏi kho lưu trữ ({vn_int(purged.deleted)} bản lưu trữ, "
        f"{vn_int(purged.inbox_copies)} bản trong {paths.processed.name}/ và "
        f"{paths.rejected.name}/ của thư mục tệp đến). Số liệu đã nạp từ chúng vẫn giữ "
        "nguyên; từ nay không đọc lại được chúng (backfill bỏ qua và báo).", highlight=False)


def _purge_day(text: str) -> dt.date:
    """--before: dd/mm/yyyy as everywhere, or ISO; never a day after today (that would
    delete what the retention keeps)."""
    from common.clock import local_now
    from common.vn_format import vn_date

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        try:
            day = dt.date.fromisoformat(text.strip())
        except ValueError as exc:
            raise arguments.BadArgument(f"--before: Ngày '{text}' không có thật.") from exc
    else:
        day = arguments.day(text, "--before")
    if day > local_now().date():
        raise arguments.BadArgument(f"--before: Ngày {vn_date(day)} chưa đến; chỉ xoá được "
                                    "những bản xuất trước hôm nay.")
    return day


@app.command()
def close(
    period: Annotated[str | None, typer.Option(help="Kỳ cần chốt (bắt buộc), ví dụ 2022-9M.")]
    = None,
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: mọi đơn vị).")] = None,
    data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
) -> None:
    """Chốt kỳ: lưu số liệu báo cáo đã công bố của kỳ đúng như đã gửi (ai chốt, lúc nào).
    Lần nạp sau làm thay đổi số đã chốt được ghi lại và hiện trong 'baocao status'."""
    from common.datafolder import DataPaths
    from common.vn_format import vn_int, vn_period
    from load.closing import close_period

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    if unit is not None:
        unit = _unit_checked(args, unit, paths.warehouse)
    _refuse_bad(args)
    try:
        count = close_period(paths, period, unit)
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"Đã chốt {vn_int(count)} số liệu của {vn_period(period)}"
                  + (f", đơn vị {unit}." if unit else ", mọi đơn vị."), highlight=False)


@app.command()
def closed(
    period: Annotated[str | None, typer.Option(help="Kỳ đã chốt (bắt buộc), ví dụ 2022-9M.")]
    = None,
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (mặc định: đơn vị cao nhất của "
                                             "địa bàn, ví dụ 688).")] = None,
    data_dir: DataDir = Path("data"), warehouse: Warehouse = None,
) -> None:
    """In số liệu của kỳ đã chốt đúng như đã gửi (không phải số hiện tại)."""
    from common.area import read_area
    from common.datafolder import DataPaths
    from common.vn_format import vn_datetime, vn_decimal, vn_int, vn_period
    from load.closing import closed_figures

    paths = DataPaths.of(data_dir, warehouse)
    args = arguments.Arguments()
    period = args.check(arguments.period, period)
    unit = _unit_checked(args, unit or read_area(paths.data_dir).code, paths.warehouse)
    _refuse_bad(args)
    rows = _read_published(paths.warehouse, lambda con: closed_figures(con, period, unit))
    _, _, _, closed_at, closed_by = rows[0]
    console.print(f"Số liệu đã gửi của đơn vị {unit}, {vn_period(period)} (chốt lúc "
                  f"{vn_datetime(closed_at)}, người chốt {closed_by}):", highlight=False)
    for scope, figure, value, _, _ in rows:
        shown = "trống" if value is None else (
            vn_int(int(value)) if float(value).is_integer() else vn_decimal(value, 4))
        console.print(Text(f"  {'toàn địa bàn' if scope == 'area' else 'riêng đơn vị'} · "
                           f"{figure}: {shown}"))


@app.command()
def national(sources: Annotated[list[Path], typer.Argument(
                 help="Thư mục dữ liệu (hoặc tệp kho số liệu) của từng tỉnh.")],
             out: Annotated[Path, typer.Option(
                 "--out", help="Tệp kho tổng hợp cần ghi, ví dụ /srv/baocao/toan-quoc.duckdb.")]
             ) -> None:
    """Tổng hợp toàn quốc: chép các bảng báo cáo (một cửa, chỉ số phục vụ, chỉ tiêu, tình
    hình gửi báo cáo) và danh mục của kho số liệu đã công bố của từng tỉnh vào một tệp, chỉ
    đọc các kho tỉnh; công bố bằng cách thay tệp một lần."""
    from common.vn_format import vn_int
    from load.national import RollupProblem, build_national

    try:
        with console.status("Đang tổng hợp…") as status:
            counts = build_national(sources, out, lambda step: status.update(
                f"Đang tổng hợp: {step}…"))
    except RollupProblem as exc:
        errors.print(Text(str(exc), style="red"))
        raise typer.Exit(1) from exc
    console.print(f"Đã ghi {out} từ {vn_int(len(sources))} kho số liệu: "
                  + ", ".join(f"{name} {vn_int(n)} dòng" for name, n in counts.items()
                              if name.startswith("report_")) + ".", highlight=False)


# The commands that write what people read live in their own module, on the same app.
from baocao import cli_outputs  # noqa: E402, F401
