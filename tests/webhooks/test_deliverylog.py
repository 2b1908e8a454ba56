"""The delivery log: private, append-only, filterable, rotated, and never holding the secret."""

from __future__ import annotations

import json
import stat
import threading
from datetime import timedelta

from makini_cli.paths import state_dir
from makini_cli.webhooks.deliverylog import DeliveryLog, body_of, default_path, headers_of


def record(log: DeliveryLog, status: int | None = 200, **kwargs) -> dict:
    fields = dict(source="test", url="http://127.0.0.1:1/", event="assets.updated",
                  status_code=status, duration_ms=1.234, body=b'{"a":1}',
                  headers={"Content-Type": "application/json", "X-Webhook-Signature": "ab" * 32})
    fields.update(kwargs)
    return log.append(**fields)


def test_default_location_is_the_state_dir():
    assert default_path() == state_dir() / "webhook-deliveries.jsonl"


def test_log_file_is_private(tmp_path):
    log = DeliveryLog(tmp_path / "state" / "d.jsonl")
    record(log)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


def test_entries_keep_body_and_headers_for_replay(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    entry = record(log, body=b'{"event":"x.y","body":["\xc3\xa9"]}\n')
    [back] = log.read()
    assert back == entry
    assert body_of(back) == b'{"event":"x.y","body":["\xc3\xa9"]}\n'
    assert ("X-Webhook-Signature", "ab" * 32) in headers_of(back)
    assert back["time"].endswith("Z") and back["attempt"] == 1 and back["duration_ms"] == 1.23


def test_credentials_and_hop_by_hop_headers_are_not_stored(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    record(log, headers={"Authorization": "Bearer t", "Cookie": "c", "Host": "h",
                         "Content-Length": "7", "X-Webhook-Signature": "s"})
    assert [k for k, _ in headers_of(log.read()[0])] == ["X-Webhook-Signature"]


def test_read_filters_by_status_and_limit_newest_first(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    for status in (200, 500, None, 204):
        record(log, status)
    assert [e["status_code"] for e in log.read()] == [204, None, 500, 200]
    assert [e["status_code"] for e in log.read(status="ok")] == [204, 200]
    assert [e["status_code"] for e in log.read(status="failed")] == [None, 500]
    assert [e["status_code"] for e in log.read(limit=1)] == [204]


def test_read_filters_by_age(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    old = record(log)
    old["time"] = "2020-01-01T00:00:00.000Z"
    old["id"] = "wdl_old"
    log.write(old)
    record(log)
    assert all(e["id"] != "wdl_old" for e in log.read(since=timedelta(hours=1)))
    assert len(log.read()) == 3


def test_torn_lines_are_skipped(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    record(log)
    with open(log.path, "ab") as fh:
        fh.write(b'{"id": "half')
    log.path.write_bytes(log.path.read_bytes() + b"\n")
    record(log)
    assert len(log.read()) == 2


def test_rotation_keeps_one_previous_file(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl", max_bytes=2000)
    ids = [record(log)["id"] for _ in range(30)]
    assert log.rotated_path.exists()
    assert not log.path.exists() or log.path.stat().st_size <= 2000 + 1000
    kept = [e["id"] for e in log.read()]
    assert kept == ids[::-1][: len(kept)] and len(kept) < 30


def test_concurrent_appends_never_interleave(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    body = b"x" * 20_000

    def writer():
        for _ in range(50):
            record(log, body=body)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.path.read_bytes().splitlines()
    assert len(lines) == 200
    assert all(body_of(json.loads(line)) == body for line in lines)


def test_get_by_id_or_unique_prefix(tmp_path):
    log = DeliveryLog(tmp_path / "d.jsonl")
    entry = record(log)
    record(log)
    assert log.get(entry["id"]) == entry
    assert log.get(entry["id"][:12]) == entry
    assert log.get("wdl_nope") is None
