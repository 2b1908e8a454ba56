"""`sandbox serve` tells the truth about options that shape only a new database, and takes its
webhook secret from a file (a value on the command line shows in `ps`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from makini_cli.webhooks.signing import verify
from tests.webhooks.wh_servers import Receiver, ServerThread


class Serving:
    """`makini sandbox serve …` as a process: its ready line, its stderr, stopped at the end."""

    def __init__(self, config_dir, *args: str) -> None:
        env = dict(os.environ, MAKINI_CONFIG_DIR=str(config_dir))
        env.pop("MAKINI_WEBHOOK_SECRET", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "makini_cli", "sandbox", "serve", "--port", "0", *args],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.ready = json.loads(self.proc.stdout.readline())
        self.url = self.ready["base_url"]

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        _out, err = self.proc.communicate(timeout=20)
        return err

    def __enter__(self) -> Serving:
        return self

    def __exit__(self, *exc) -> None:
        self.proc.kill()
        self.proc.wait()


def orders(cli, url: str) -> int:
    conn = cli("--base-url", url, "--sandbox", "connections", "list", "-o", "json").json()[0]["id"]
    r = cli("--base-url", url, "--sandbox", "po", "list", "-c", conn, "--all", "-o", "ndjson")
    assert r.code == 0, r
    return len(r.stdout.splitlines())


def test_options_for_a_new_database_warn_on_an_existing_one_and_say_how_to_apply_them(config_dir, cli, tmp_path):
    db = tmp_path / "sb.sqlite3"
    with Serving(config_dir, "--db", str(db), "--pos-per-connection", "3") as first:
        assert orders(cli, first.url) == 3
        assert "warning" not in first.stop()  # a new database: the option shaped it
    with Serving(config_dir, "--db", str(db), "--pos-per-connection", "7") as second:
        assert orders(cli, second.url) == 3  # the existing data is served...
        r = cli("--base-url", second.url, "sandbox", "reset", "--pos-per-connection", "7")
        assert r.code == 0, r  # ...and the command the warning names rebuilds it as asked
        assert orders(cli, second.url) == 7
        err = second.stop()
    warning = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1, err
    assert f"--pos-per-connection 7 applies to a new database only: {db} already exists" in warning[0]
    assert "pos per connection 3" in warning[0] and "--db :memory:" in warning[0]
    assert "sandbox reset --pos-per-connection 7" in warning[0]


def test_the_same_options_on_an_existing_database_say_nothing(config_dir, tmp_path):
    db = tmp_path / "sb.sqlite3"
    for _ in range(2):
        with Serving(config_dir, "--db", str(db), "--pos-per-connection", "3", "--seed", "42") as s:
            assert "warning" not in s.stop()


def test_the_webhook_secret_comes_from_a_file(config_dir, cli, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("whsec_from_a_file\n")
    receiver = Receiver()
    with ServerThread(receiver) as hooks, \
            Serving(config_dir, "--db", ":memory:", "--webhook-url", hooks.base_url + "/hooks",
                    "--webhook-secret-file", str(secret_file)) as s:
        conn = cli("--base-url", s.url, "--sandbox", "connections", "list", "-o", "json").json()[0]["id"]
        r = cli("--base-url", s.url, "--sandbox", "po", "create", "-c", conn, "--file", "-",
                input='{"orderNo": "WS-1", "title": "signed with the file\'s secret"}')
        assert r.code == 0, r
        for _ in range(200):
            if receiver.requests:
                break
            time.sleep(0.05)
        s.stop()
    assert receiver.requests, "no delivery arrived"
    got = receiver.requests[0]
    assert verify(got.body, "whsec_from_a_file", got.headers["x-webhook-signature"])
    assert not verify(got.body, "another secret", got.headers["x-webhook-signature"])
    assert "whsec_from_a_file" not in " ".join(s.proc.args)


def test_a_secret_given_twice_or_an_empty_file_is_refused(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    r = cli("sandbox", "serve", "--db", ":memory:", "--webhook-secret-file", str(empty))
    assert r.code == 2 and "is empty" in r.stderr
    r = cli("sandbox", "serve", "--db", ":memory:", "--webhook-secret", "a", "--webhook-secret-file", str(empty))
    assert r.code == 2 and "give the webhook secret once" in r.stderr
    r = cli("sandbox", "serve", "--db", ":memory:", "--webhook-secret-file", str(tmp_path / "none"))
    assert r.code == 2 and "no such file" in r.stderr
