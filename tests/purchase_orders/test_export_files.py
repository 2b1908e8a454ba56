"""Local files in `po export` and `po create`: a bad -O is a usage error before any request, a
full disk names the file and the way on (--resume), and a body with NaN or Infinity is refused
when the file is read, dry run included."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys

import pytest

from makini_cli.export import FileSink, partial_paths


def error_of(result) -> dict:
    return json.loads(result.stderr)["error"]


# --- -O -----------------------------------------------------------------------------------------

def test_an_empty_output_file_name_is_a_usage_error(cli, ro):
    r = cli("po", "export", "-c", ro.healthy, "-O", "", env=ro.env)
    assert r.code == 2 and r.stdout == ""  # not an export to stdout in disguise
    err = error_of(r)
    assert err["message"] == "-O: the output file name is empty"
    assert "leave -O out" in err["hint"]


def test_an_output_file_in_a_missing_folder_is_refused_and_no_folder_is_made(cli, ro, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("po", "export", "-c", ro.healthy, "-O", "missing/dir/x.csv", env=ro.env)
    assert r.code == 2 and r.stdout == ""
    err = error_of(r)
    assert err["message"] == f"-O missing/dir/x.csv: the folder {tmp_path / 'missing' / 'dir'} does not exist"
    assert "mkdir -p" in err["hint"]
    assert list(tmp_path.iterdir()) == []


def test_an_output_file_under_a_file_or_a_folder_itself_is_refused(cli, ro, tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    r = cli("po", "export", "-c", ro.healthy, "-O", str(tmp_path / "notes.txt" / "x.csv"), env=ro.env)
    assert r.code == 2 and "is not a folder" in error_of(r)["message"]
    r = cli("po", "export", "-c", ro.healthy, "-O", str(tmp_path), env=ro.env)
    assert r.code == 2 and error_of(r)["message"] == f"-O {tmp_path} is a directory"


# --- a full disk --------------------------------------------------------------------------------

class FullDisk:
    """A file object over the real partial file that takes `budget` bytes, then fails every
    write with ENOSPC, as a disk that fills up during the export would."""

    def __init__(self, fh, budget: int) -> None:
        self.fh, self.budget = fh, budget

    def write(self, data: bytes) -> int:
        room = max(0, self.budget)
        self.budget -= len(data)
        if len(data) > room:
            self.fh.write(data[:room])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.fh.write(data)

    def __getattr__(self, name):  # flush, seek, read, truncate, fileno, close
        return getattr(self.fh, name)


def fill_up_after(budget: int):
    real_open = FileSink.open

    def open_on_a_small_disk(self, fingerprint):
        state = real_open(self, fingerprint)
        self.fh = FullDisk(self.fh, budget)
        return state

    return open_on_a_small_disk


def test_a_full_disk_names_the_file_and_resume_finishes_the_export(cli, ro, tmp_path, monkeypatch):
    whole = cli("po", "export", "-c", ro.healthy, "--per-page", "5", env=ro.env)
    assert whole.code == 0 and whole.stdout.count("\n") > 10
    target = tmp_path / "orders.ndjson"
    with monkeypatch.context() as m:
        m.setattr(FileSink, "open", fill_up_after(len(whole.stdout.encode()) // 2))
        r = cli("po", "export", "-c", ro.healthy, "--per-page", "5", "-O", str(target), env=ro.env)
    assert r.code == 1 and r.stdout == ""
    err = error_of(r)
    assert err["code"] == "write_failed"
    assert err["message"] == f"cannot write the export {target}: No space left on device"
    assert "free some space on that disk" in err["hint"] and "--resume" in err["hint"]
    assert "orders so far are kept" in err["hint"]
    assert not target.exists()  # nothing half-written where the export belongs
    assert all(p.exists() for p in partial_paths(target))

    r = cli("po", "export", "-c", ro.healthy, "--per-page", "5", "-O", str(target), "--resume", env=ro.env)
    assert r.code == 0, r
    assert target.read_text() == whole.stdout  # no order lost, none twice
    assert not any(p.exists() for p in partial_paths(target))


def test_a_disk_full_before_the_first_page_still_says_to_rerun_with_resume(cli, ro, tmp_path, monkeypatch):
    target = tmp_path / "orders.csv"
    with monkeypatch.context() as m:
        m.setattr(FileSink, "open", fill_up_after(0))
        r = cli("po", "export", "-c", ro.healthy, "-O", str(target), env=ro.env)
    assert r.code == 1
    err = error_of(r)
    assert str(target) in err["message"] and "No space left on device" in err["message"]
    assert "rerun the same command with --resume" in err["hint"] and "free some space" in err["hint"]
    assert not target.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_an_export_to_a_full_standard_output_is_a_clean_error(ro, config_dir):
    env = {**os.environ, **ro.env}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "makini_cli", "po", "export", "-c", ro.healthy],
                              stdout=full, stderr=subprocess.PIPE, env=env, timeout=120)
    assert proc.returncode == 1
    err = json.loads(proc.stderr)["error"]
    assert err["message"] == "cannot write the export to standard output: No space left on device"
    assert "-O FILE" in err["hint"]


# --- NaN and Infinity ---------------------------------------------------------------------------

@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_nan_and_infinity_in_a_body_are_refused_when_the_file_is_read(cli, ro, tmp_path, constant, dry_run):
    body = tmp_path / "po.json"
    body.write_text('{"title": "x", "lineItems": [{"quantity": "1", "price": %s}]}' % constant)
    r = cli("po", "create", "-c", ro.healthy, "--file", str(body), *(["--dry-run"] if dry_run else []),
            "--debug", env=ro.env)
    assert r.code == 2 and r.stdout == ""
    assert "[debug]" not in r.stderr  # refused before any request
    err = error_of(r)
    assert err["message"] == f"--file: {constant} is not a JSON number"
    assert "null" in err["hint"]


def test_a_number_too_large_for_a_float_is_kept_exact_not_refused(cli, ro, tmp_path):
    body = tmp_path / "po.json"
    body.write_text('{"title": "x", "totalNetValue": 1e999}')
    r = cli("po", "create", "-c", ro.healthy, "--file", str(body), "--dry-run", env=ro.env)
    assert r.code == 0, r
    assert r.json()["body"]["totalNetValue"] == "1E+999"
