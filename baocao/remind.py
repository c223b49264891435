"""`baocao remind --period P`: who has not sent (or had rejected) a monthly report of the
period, and by when it was due; with `--send`, one e-mail per reporter whose address the
data folder's `baocao.toml` gives (`[reminders]` reporter = "address", `[smtp]` host, port,
from), in Vietnamese.

`fetch` reads the warehouse (read-only); `render` and `message` are pure; `send` talks SMTP.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import duckdb

from common.vn_format import vn_date, vn_period

STATUS_WORDS = {"missing": "chưa gửi", "rejected": "đã gửi nhưng bị từ chối"}


@dataclass(frozen=True)
class Due:
    reporter: str
    name: str
    month: str
    deadline: dt.date
    status: str  # 'missing' or 'rejected'


def fetch(con: duckdb.DuckDBPyConnection, period_code: str) -> list[Due]:
    """Every expected monthly report of the period not loaded: the reporters whose unit
    exists in the month, from the month they are expected."""
    if con.execute("select 1 from dim_period where period_code = ?",
                   [period_code]).fetchone() is None:
        raise LookupError(f"Không có kỳ báo cáo '{period_code}'.")
    rows = con.execute("""
        select r.reporter, r.name_vi, pm.month_code, d.deadline,
               coalesce(s.status, 'missing') as status
        from intermediate.int_period_month pm
        join dim_period m on m.period_code = pm.month_code
        join intermediate.int_submission_deadline d on d.month_code = pm.month_code
        join dim_reporter r
          on intermediate.is_valid_on(r.valid_from, r.valid_to, m.end_date)
         and pm.month_code >= coalesce(r.expected_from, pm.month_code)
        left join report_submission s
          on s.reporter = r.reporter and s.period_code = pm.month_code
        where pm.period_code = ? and coalesce(s.status, 'missing') <> 'loaded'
        order by pm.month_code, r.reporter""", [period_code]).fetchall()
    return [Due(*row) for row in rows]


def render(period_code: str, dues: list[Due], today: dt.date) -> str:
    if not dues:
        return f"Mọi đơn vị đã gửi báo cáo {vn_period(period_code)}."
    lines = [f"Báo cáo {vn_period(period_code)} còn thiếu: {len(dues)}"]
    for due in dues:
        late = " (đã quá hạn)" if due.deadline < today else ""
        lines.append(f"  • {due.name}: {vn_period(due.month)} {STATUS_WORDS[due.status]}, "
                     f"hạn {vn_date(due.deadline)}{late}")
    return "\n".join(lines)


def message(due: Due, sender: str, to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"] = sender, to
    mail["Subject"] = f"Nhắc gửi báo cáo {vn_period(due.month)}"
    mail.set_content(
        f"Kính gửi {due.name},\n\nBáo cáo {vn_period(due.month)} của đơn vị "
        f"{STATUS_WORDS[due.status]}; hạn gửi là ngày {vn_date(due.deadline)}. Đề nghị đơn vị "
        "gửi (hoặc gửi lại bản đã sửa) báo cáo.\n\nTin nhắn tự động của hệ thống báo cáo.\n")
    return mail


def send(dues: list[Due], addresses: dict[str, str], smtp: dict) -> tuple[int, list[str]]:
    """One e-mail per reporter with an address; returns (sent, names without an address)."""
    sent, unknown = 0, []
    with smtplib.SMTP(smtp.get("host", "localhost"), int(smtp.get("port", 25)),
                      timeout=10) as server:
        for due in dues:
            to = addresses.get(due.reporter)
            if to is None:
                unknown.append(due.name)
                continue
            server.send_message(message(due, smtp.get("from", "baocao@localhost"), to))
            sent += 1
    return sent, unknown
