"""The offline dashboard: one HTML file that draws every chart in a real browser and asks
the network for nothing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import lxml.html
import pytest
from rich.console import Console
from typer.testing import CliRunner

from baocao import dashboard
from baocao.cli import _run_and_report, app
from common.datafolder import DataPaths

CHARTS = ["chart-one-stop-units", "chart-one-stop-months", "chart-service-index",
          "chart-submissions"]


@pytest.fixture(scope="module")
def page_9m(demo_paths, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dashboard") / "bang-so-lieu.html"
    result = CliRunner().invoke(app, ["dashboard", "--period", "2022-9M", "--data-dir",
                                      str(demo_paths.data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Thị xã Phước Long" in result.output  # the area's top unit by default
    return out


def _chart_ids(page: Path) -> list[str]:
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    return [div.get("id") for div in tree.xpath("//div[contains(@class, 'plotly-graph-div')]")]


def test_the_page_is_one_self_contained_file(page_9m):
    text = page_9m.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(text)
    ids = _chart_ids(page_9m)
    assert ids[:4] == CHARTS and len(ids) > 4  # and the indicators' small multiples
    for element in tree.xpath("//*[@src or @href]"):
        for attribute in ("src", "href"):
            assert not (element.get(attribute) or "").lower().startswith(
                ("http:", "https:", "//")), lxml.html.tostring(element)[:200]
    scripts = [s.text or "" for s in tree.xpath("//script")]
    library = [s for s in scripts if len(s) > 1_000_000]
    assert len(library) == 1  # plotly.js embedded, and only once
    for script in scripts:
        if script is library[0]:
            continue
        assert "http:" not in script and "https:" not in script
        assert "fetch(" not in script and "XMLHttpRequest" not in script
    assert '"separators":",."' in text  # 21.473 and 98,8%
    assert "Số liệu cập nhật đến 00:00 03/10/2022" in text
    assert "chưa có đủ số liệu" not in text  # the nine months are complete


def test_an_incomplete_period_says_so(demo_db, tmp_path):
    page = dashboard.write(dashboard.fetch(demo_db, "2022-Y", "688"), tmp_path / "nam.html")
    assert "Kỳ báo cáo chưa có đủ số liệu" in page.read_text(encoding="utf-8")
    assert dashboard.current_period(demo_db) == "2022-Y"  # data as of 03/10/2022


def test_a_unit_without_figures_is_told(demo_paths):
    result = CliRunner().invoke(app, ["dashboard", "--period", "2021-M01", "--data-dir",
                                      str(demo_paths.data_dir), "--out", "x.html"])
    assert result.exit_code == 1
    assert "chưa có số liệu nào của Thị xã Phước Long" in result.output


def test_a_run_writes_the_current_dashboard_and_never_fails_for_it(demo_paths, tmp_path,
                                                                    monkeypatch):
    paths = DataPaths.of(tmp_path / "data")
    paths.data_dir.mkdir(parents=True)
    shutil.copy(demo_paths.warehouse, paths.warehouse)  # the shared demo stays untouched
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        (run_id,) = con.execute("select run_id from meta_publish").fetchone()
    summary = {"run_id": run_id, "status": "succeeded", "files_seen": 0, "files_loaded": 0,
               "files_rejected": 0, "rows_loaded": 0, "rows_rejected": 0}
    _run_and_report(paths, "manual", lambda: summary)
    page = paths.quality / "dashboard.html"
    assert "năm 2022" in page.read_text(encoding="utf-8")

    def broken(*args):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(dashboard, "fetch", broken)
    console = Console(record=True, width=200)
    assert dashboard.write_after_run(paths, summary, console) is None
    assert console.export_text().strip() == f"Không ghi được bảng số liệu {page}: hỏng"


def test_the_command_needs_neither_prefect_nor_great_expectations():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, baocao.cli, baocao.dashboard; print(sorted({m.split"
         "('.')[0] for m in sys.modules} & {'prefect', 'great_expectations'}))"],
        capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


# ---------------------------------------------------------------- in a real browser

# Chromium's own services, which it calls whatever it shows and whatever the flags say
# (network time, component updates, sign-in). A page's request goes elsewhere: a CDN
# (cdn.plot.ly, cdn.jsdelivr.net), web fonts (fonts.googleapis.com), analytics.
_BROWSER_HOSTS = {"clients2.google.com", "update.googleapis.com", "accounts.google.com",
                  "optimizationguide-pa.googleapis.com", "safebrowsing.googleapis.com",
                  "content-autofill.googleapis.com", "redirector.gvt1.com",
                  "edgedl.me.gvt1.com"}


class _Proxy:
    """A proxy that answers nothing and remembers the host of every request sent to it:
    Chromium sends each http(s) request here, the page's and its own."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.hosts: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:  # 'CONNECT host:443 HTTP/1.1' or 'GET http://host/path HTTP/1.1'
                    target = conn.recv(512).decode("latin-1").split(" ")[1]
                except (OSError, IndexError):
                    target = "(a connection without a request line)"
                self.hosts.append(urlsplit(target if "//" in target else f"//{target}")
                                  .hostname or target)

    def close(self) -> None:
        self.server.close()


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
         "--virtual-time-budget=10000", *extra, page.as_uri()],
        capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="Chromium is not installed (Debian package 'chromium'): the "
                           "dashboard was not opened in a browser")
def test_every_chart_is_drawn_offline_in_chromium(page_9m, tmp_path):
    proxy = _Proxy()
    try:
        shown = _chromium(page_9m, tmp_path / "profile", "--dump-dom",
                          f"--proxy-server=http://127.0.0.1:{proxy.port}",
                          "--proxy-bypass-list=<-loopback>")
    finally:
        proxy.close()
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert set(proxy.hosts) <= _BROWSER_HOSTS, proxy.hosts
    dom = lxml.html.fromstring(shown.stdout)
    for chart in _chart_ids(page_9m):
        assert dom.xpath(f"//div[@id='{chart}']//*[contains(@class, 'main-svg')]"), chart
        assert dom.xpath(f"//div[@id='{chart}']//*[contains(@class, 'plot')]//path"), chart

    picture = tmp_path / "dashboard-2022-9M.png"  # (docs/ keeps one taken this way)
    shot = _chromium(page_9m, tmp_path / "profile", f"--screenshot={picture}",
                     "--window-size=1280,2400")
    assert shot.returncode == 0, shot.stderr[-2000:]
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # charts, not a blank page
