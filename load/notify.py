"""Alerts to a monitoring system: when a webhook is configured (setting `alert_webhook_url`,
or BAOCAO_ALERT_WEBHOOK_URL for one installation), a failed run, and `baocao status --check`
finding no successful nightly in time, POST a small JSON there: the run, its status, the
error in Vietnamese and in English, the data folder's name and the host. Never personal
data, never the inbox's file list. A failure to notify is logged and never fails a run.
"""

from __future__ import annotations

import errno
import http.client
import json
import logging
import os
import socket
import urllib.parse
import urllib.request

from common.clock import local_now
from common.datafolder import DataPaths
from common.seeds import setting
from common.vn_format import vn_datetime
from expectations.facts import InvariantBroken

log = logging.getLogger(__name__)

TIMEOUT = 5  # seconds: a monitoring system that does not answer must not hold the night
ENVIRONMENT = "BAOCAO_ALERT_WEBHOOK_URL"
ERROR_LIMIT = 500  # characters of an error sent on


def webhook_url() -> str | None:
    return os.environ.get(ENVIRONMENT) or setting("alert_webhook_url") or None


def alert(paths: DataPaths, run_id: str | None, status: str, error_vi: str, error_en: str
          ) -> bool:
    """POST the alert to the webhook, if one is configured; whether it was received."""
    url = webhook_url()
    if not url:
        return False
    where = urllib.parse.urlsplit(url)
    if where.scheme not in ("http", "https"):
        log.warning("alert webhook not sent: only http and https URLs, not %r", where.scheme)
        return False
    body = json.dumps({
        "source": "baocao", "run_id": run_id, "status": status,
        "error_vi": error_vi[:ERROR_LIMIT], "error_en": error_en[:ERROR_LIMIT],
        "data_dir": paths.data_dir.resolve().name, "host": socket.gethostname(),
        "at": local_now().isoformat(),
    }, ensure_ascii=False).encode()
    request = urllib.request.Request(url, body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "baocao"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            response.read()
    # Refused, timed out, an HTTP error status, a malformed answer, a bad URL.
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # The host only: a webhook URL often carries its secret in the path.
        log.warning("alert webhook to %s failed: %r", where.netloc, exc)
        return False
    return True


def run_failed(paths: DataPaths, run: dict[str, object], exc: BaseException) -> bool:
    """The alert of a run that failed (nothing was published but its record)."""
    try:
        english = f"{type(exc).__name__}: {exc}"
        vietnamese = (f"Lần chạy {run['flow']} (mã {str(run['run_id'])[:8]}, bắt đầu "
                      f"{vn_datetime(run['started_at'])}) thất bại: {_cause_vi(exc)}. Kho số "
                      "liệu vẫn giữ số liệu của lần công bố trước; chi tiết trong baocao "
                      "status và nhật ký của lần chạy.")
        return alert(paths, str(run["run_id"]), "failed", vietnamese, english)
    except Exception:  # sent while a failure is handled: it must never replace that failure
        log.exception("alert of the failed run %s not sent", run.get("run_id"))
        return False


def _cause_vi(exc: BaseException) -> str:
    """What went wrong, in words staff can pass on; the details stay in English."""
    if isinstance(exc, InvariantBroken):
        return "kho số liệu dựng lại không qua kiểm tra bất biến"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc hoặc ghi một tệp trong thư mục dữ liệu"
    if isinstance(exc, FileNotFoundError):
        return "thiếu một tệp trong thư mục dữ liệu"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "đĩa đã đầy"
    if isinstance(exc, OSError):
        return "lỗi đọc hoặc ghi tệp"
    return "lỗi của chương trình"
