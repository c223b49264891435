"""`baocao remind`: who has not reported and by when; reminders sent to a local SMTP
server (aiosmtpd) as real e-mails."""

from __future__ import annotations

import shutil
import socket

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from typer.testing import CliRunner

from baocao.cli import app


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def test_reminders_list_the_missing_and_reach_the_known_addresses(demo_paths, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_paths.data_dir, data, ignore=shutil.ignore_patterns("inbox"))
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        (data / "baocao.toml").write_text(
            '[reminders]\nubnd_25216 = "thacmo@example.vn"\nttyt_688 = "ttyt@example.vn"\n'
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "baocao@example.vn"\n',
            encoding="utf-8")
        runner = CliRunner()
        quiet = runner.invoke(app, ["remind", "--period", "2022-Q3", "--data-dir", str(data)])
        assert quiet.exit_code == 0 and "Mọi đơn vị đã gửi báo cáo quý 3/2022" in quiet.output
        result = runner.invoke(app, ["remind", "--period", "2022-M10", "--send",
                                     "--data-dir", str(data)])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert "Báo cáo tháng 10/2022 còn thiếu: 10" in result.output
    assert "UBND phường Thác Mơ: tháng 10/2022 chưa gửi, hạn 18/10/2022" in result.output
    assert "Đã gửi 2 thư nhắc." in result.output
    sent = {m["To"]: m for m in inbox.messages}
    assert set(sent) == {"thacmo@example.vn", "ttyt@example.vn"}
    body = sent["thacmo@example.vn"].get_payload(decode=True).decode("utf-8")
    assert "Báo cáo tháng 10/2022 của đơn vị chưa gửi" in body
    assert "18/10/2022" in body
