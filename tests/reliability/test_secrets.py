"""No secret ever reaches stdout, stderr, a log, the delivery log, a `--debug` trace, an error
message or a state file.

The big test runs every command group against a served sandbox with known secrets (the client
secret from the environment and from the credentials file, a wrong one, webhook secrets from a
file and from the environment, a platform credential, a bogus and a real connection token) and
`--debug` on, through the happy paths and the error paths (wrong secret, 401s, 5xx that open the
circuit breaker), then scans every byte written: each run's stdout and stderr, and every file
under MAKINI_CONFIG_DIR (delivery log bodies decoded) plus the export file. The tokens the client
obtained are read from the token cache after every run and scanned for too.

By design `auth token` and `connections token` print a token: that is their job, so their stdout
(and only their stdout) may hold the one token they were asked for. The sandbox's own client
secret is public by design (`sandbox info` prints it); here it is treated as a secret, so
`sandbox info` is never run against this sandbox.

Also here: files are 0600 from creation (every run happens under umask 000, so a file created
with a default mode would show it), a looser existing file is warned about, tokens are never
sent over plain http to a non-loopback host, and the servers bind loopback unless told not to.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from makini_cli.webhooks.signing import sign

CLIENT_SECRET_WRONG = "sbs_wrong_0b5e6c1f2a3d4e5f60718293a4b5c6d7e8f90123"
WEBHOOK_SECRET_FILE = "whsec_file_9c1e2d3f4a5b6c7d8e9f0a1b"
WEBHOOK_SECRET_ENV = "whsec_env_5a4b3c2d1e0f9a8b7c6d5e4f"
WEBHOOK_SECRET_WRONG = "whsec_wrong_1f2e3d4c5b6a79808f7e6d5c"
PLATFORM_SECRET = "plat_api_key_7e6d5c4b3a29180f"
BOGUS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJib2d1cyI6dHJ1ZX0.Ym9ndXNfc2lnbmF0dXJlX2Zvcl90ZXN0cw"
WAIT = 60  # seconds a helper waits for a server line: a hang guard, not a timing check


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def cached_tokens(config_dir: Path) -> set[str]:
    """Every token string in the token cache (access and refresh, admin and connections)."""
    try:
        data = json.loads((config_dir / "state" / "tokens.json").read_text())
    except (OSError, ValueError):
        return set()
    out = set()
    for scope in data.values():
        for slot in (scope or {}).values():
            for key in ("access_token", "refresh_token"):
                if isinstance(slot, dict) and slot.get(key):
                    out.add(slot[key])
    return out


def variants(secret: str) -> set[str]:
    """The secret, and for a JWT its signature (the part that makes it a credential)."""
    out = {secret}
    parts = secret.split(".")
    if len(parts) == 3 and len(parts[2]) >= 20:
        out.add(parts[2])
    return out


class Server:
    """A long-running makini (listen, serve) read line by line; SIGTERM stops it."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "makini_cli", *args], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.err_lines: list[str] = []
        self.out_lines: list[str] = []
        self._ready = threading.Event()
        self._threads = [threading.Thread(target=self._pump, args=(s, lines), daemon=True)
                         for s, lines in ((self.proc.stdout, self.out_lines), (self.proc.stderr, self.err_lines))]
        for t in self._threads:
            t.start()

    def _pump(self, stream, lines) -> None:
        for line in stream:
            lines.append(line)
            self._ready.set()

    def wait_for(self, pattern: str) -> re.Match:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for line in list(self.err_lines):
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited: {''.join(self.err_lines)}")
            self._ready.wait(0.05)
            self._ready.clear()
        raise AssertionError(f"no line matching {pattern!r}: {''.join(self.err_lines)}")

    def stop(self) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=WAIT)
        for t in self._threads:
            t.join(timeout=WAIT)
        return code, "".join(self.out_lines), "".join(self.err_lines)


class Session:
    """Runs makini as a user would and keeps everything it printed, and every token it obtained.
    In-process by default (fast); `real=True` runs a real process, to see its file descriptors."""

    def __init__(self, cli, run_cli, config_dir: Path, env: dict[str, str]) -> None:
        self.cli, self.run_cli, self.config_dir, self.env = cli, run_cli, config_dir, env
        self.outputs: list[tuple[str, str, str]] = []  # (what, stream, text)
        self.tokens: set[str] = set()
        self.printed_tokens: list[tuple[str, str]] = []  # (command, stdout) of the token printers

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None,
                 codes=(0,), prints_token: bool = False, real: bool = False):
        run = self.run_cli if real else self.cli
        r = run("--debug", *args, input=input, env={**self.env, **(env or {})})
        what = " ".join(args)
        assert r.code in codes, (what, r)
        self.tokens |= cached_tokens(self.config_dir)
        if prints_token:
            self.printed_tokens.append((what, r.stdout))
        else:
            self.outputs.append((what, "stdout", r.stdout))
        self.outputs.append((what, "stderr", r.stderr))
        return r

    def record(self, what: str, stdout: str, stderr: str) -> None:
        self.outputs += [(what, "stdout", stdout), (what, "stderr", stderr)]
        self.tokens |= cached_tokens(self.config_dir)


def files_to_scan(config_dir: Path, extra: list[Path]) -> dict[Path, bytes]:
    """Every file makini wrote, except the two that hold secrets by design."""
    private = {config_dir / "credentials.toml", config_dir / "state" / "tokens.json"}
    out: dict[Path, bytes] = {}
    for path in [*sorted(config_dir.rglob("*")), *extra]:
        if not path.is_file() or path in private:
            continue
        data = path.read_bytes()
        if path.name.startswith("webhook-deliveries.jsonl"):
            for line in data.splitlines():  # the bodies are stored base64: scan them decoded
                with contextlib.suppress(ValueError):
                    data += b"\n" + base64.b64decode(json.loads(line).get("body_b64") or "")
        out[path] = data
    return out


def test_no_secret_reaches_any_output_or_file(served_sandbox, served_client, cli, run_cli, config_dir,
                                              tmp_path, monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    sb = served_sandbox.sandbox
    conns = {c["scenario"] + ("" if c["status"] == "Active" else "-" + c["status"].lower()): c["key"]
             for c in sb.connections()}
    healthy, other = [c["key"] for c in sb.connections() if c["scenario"] == "healthy"][:2]
    reauth, failing = conns["needs_reauth"], conns["syncing-synchronizing"]
    # A system that answers 500 (not retried, so quick): the circuit breaker opens on it.
    served_client.post("/_sandbox/faults", json={"connection": failing, "path_prefix": "/api/erp",
                                                 "fault": "status", "status": 500, "times": None})
    client_id, client_secret = served_sandbox.client_id, served_sandbox.client_secret
    # A real connection token, given to makini from outside (MAKINI_TOKEN, `auth login --with-token`).
    static_token = served_client.connection_token(other)
    secret_file = tmp_path / "webhook-secret.txt"
    secret_file.write_text(WEBHOOK_SECRET_FILE + "\n")
    platform_creds = tmp_path / "platform.json"
    platform_creds.write_text(json.dumps({"api_key": PLATFORM_SECRET, "tenant": "acme"}))
    body = tmp_path / "body.json"
    body.write_bytes(b'{"event":"purchase-orders.updated","body":["40000100000001"]}')
    po_body = tmp_path / "po.json"
    po_body.write_text(json.dumps({"orderNo": "SEC-1", "title": "secret scan", "notes": "n"}))
    export_file = tmp_path / "orders.csv"

    base = {"MAKINI_BREAKER_THRESHOLD": "2", "MAKINI_BREAKER_COOLDOWN": "1h"}
    env_login = {**base, "MAKINI_BASE_URL": served_sandbox.base_url, "MAKINI_CLIENT_ID": client_id,
                 "MAKINI_CLIENT_SECRET": client_secret}
    s = Session(cli, run_cli, config_dir, base)

    with umask(0):
        # --- auth: a wrong secret, then the right one from stdin into the credentials file ---
        login = ("--base-url", served_sandbox.base_url, "auth", "login", "--client-id", client_id,
                 "--client-secret-stdin")
        r = s(*login, input=CLIENT_SECRET_WRONG, codes=(4,))
        assert "refused" in r.stderr
        s(*login, input=client_secret)
        assert stat.S_IMODE((config_dir / "credentials.toml").stat().st_mode) == 0o600
        s("auth", "status")
        s("auth", "status", "-o", "json")
        admin = s("auth", "token", prints_token=True).stdout.strip()
        conn_token = s("auth", "token", "--connection", healthy, prints_token=True).stdout.strip()
        assert admin in s.tokens and conn_token in s.tokens

        # --- config ---
        s("config", "list")
        s("config", "list", "-o", "json")
        s("config", "get", "client_id")
        s("config", "path", "--all")
        s("config", "profiles")
        s("config", "set", "timeout", "20")

        # --- connections (credentials from the file now) ---
        s("connections", "list")
        s("connections", "list", "--sync", "-o", "json")
        s("connections", "get", healthy)
        s("connections", "metadata", healthy)
        s("connections", "status", "--all", "-o", "json", codes=(0, 3))
        s("connections", "status", reauth, codes=(3, 4))
        s("connections", "doctor", healthy, codes=(0, 3))
        s("connections", "doctor", reauth, codes=(3, 4))
        s("connections", "token", healthy, prints_token=True)
        s("connections", "token", healthy, "-o", "json", prints_token=True)
        s("connections", "create", "--provider", "limble", "--name", "Secret Scan Ltd", "--email",
          "it@scan.example", "--credentials-file", str(platform_creds))
        s("connections", "create", "--provider", "limble", "--name", "Secret Scan Ltd", "--email",
          "it@scan.example", "--credentials-file", str(platform_creds), "-o", "json")
        s("connections", "disconnect", other, "--dry-run")
        s("connections", "reconnect", healthy)
        # a failing system: 5xx until the circuit breaker opens (state file, error log)
        for _ in range(3):
            s("po", "list", "-c", failing, "--limit", "1", codes=(1,))
        s("connections", "breaker")
        s("connections", "errors", failing)
        s("connections", "errors", reauth)

        # --- syncs ---
        s("syncs", "status", "--all", codes=(0, 3))
        s("syncs", "status", healthy, "-o", "json", codes=(0, 3))

        # --- purchase orders ---
        r = s("po", "list", "-c", healthy, "--limit", "3", "-o", "json")
        key = json.loads(r.stdout)[0]["key"]
        s("po", "get", key, "-c", healthy)
        s("po", "get", key, "-c", healthy, "-o", "json")
        s("po", "statuses", "-c", healthy)
        s("po", "create", "--file", str(po_body), "-c", healthy, "--dry-run")
        s("po", "export", "-c", healthy, "--format", "csv", "-O", str(export_file), "--per-page", "10")
        s("po", "export", "-c", healthy, "--limit", "1", codes=(2,))  # a usage error, for its message
        s("po", "list", "-c", "no-such-connection", codes=(1, 2, 4))

        # --- mappings ---
        s("mappings", "show", "purchase-orders", "-c", healthy, "--sample", "5", "--no-sources")
        s("mappings", "compare", "purchase-orders", healthy, reauth, "--sample", "5", codes=(0, 1))

        # --- the raw API, headers included ---
        s("api", "GET", "/api/system/connections", "-i")
        s("api", "GET", "/api/erp/purchase-orders", "-c", healthy, "-f", "per_page=1", "-i")
        s("api", "GET", "/api/system/nope", "-i", codes=(1,))

        # --- error paths with the secret in the environment: wrong secret, bogus and real tokens ---
        wrong = {**env_login, "MAKINI_CLIENT_SECRET": CLIENT_SECRET_WRONG}
        s("--profile", "other", "connections", "list", env=wrong, codes=(4,), real=True)
        s("--profile", "other", "po", "list", "-c", healthy, env=wrong, codes=(4,))
        s("--profile", "other", "auth", "status", env=wrong)
        s("--profile", "other", "connections", "list", env=env_login, real=True)
        s("--profile", "other", "connections", "disconnect", healthy, "--dry-run", env=env_login)
        s("--profile", "tok", "po", "list", "--limit", "2", env={**base, "MAKINI_BASE_URL":
          served_sandbox.base_url, "MAKINI_TOKEN": BOGUS_TOKEN}, codes=(4,), real=True)
        s("--profile", "tok", "po", "list", "--limit", "2", env={**base, "MAKINI_BASE_URL":
          served_sandbox.base_url, "MAKINI_TOKEN": static_token})
        # (real processes: `auth login --with-token` puts the token in its own environment)
        s("--profile", "tok2", "--base-url", served_sandbox.base_url, "auth", "login", "--with-token",
          input=static_token, real=True)
        s("--profile", "tok3", "--base-url", served_sandbox.base_url, "auth", "login", "--with-token",
          input=BOGUS_TOKEN, codes=(4,), real=True)
        s("--profile", "tok2", "po", "list", "--limit", "2")
        s("--profile", "tok2", "auth", "status")
        s("--profile", "tok2", "auth", "token", prints_token=True, real=True)

        # --- webhooks: sign and verify, right and wrong secrets, file and environment ---
        wh_env = {"MAKINI_WEBHOOK_SECRET": WEBHOOK_SECRET_ENV}
        sig_file = s("webhooks", "sign", "--secret-file", str(secret_file), str(body)).stdout.strip()
        sig_env = s("webhooks", "sign", str(body), env=wh_env).stdout.strip()
        assert sig_file == sign(body.read_bytes(), WEBHOOK_SECRET_FILE, "hex")
        s("webhooks", "verify", "--signature", sig_file, "--secret-file", str(secret_file), str(body))
        s("webhooks", "verify", "--signature", sig_env, str(body), env=wh_env)
        s("webhooks", "verify", "--signature", sig_env, "--secret-file", str(secret_file), str(body), codes=(3,))
        s("webhooks", "verify", "--signature", sig_file, str(body), "-o", "json", env=wh_env, codes=(3,))
        s("webhooks", "verify", "--signature", sig_file, str(body),
          env={"MAKINI_WEBHOOK_SECRET": WEBHOOK_SECRET_WRONG}, codes=(3,))

        # --- a listener (secret from the environment, records expanded through the API), tested
        # (secret from the environment too) and replayed ---
        listener = Server(["--debug", "webhooks", "listen", "--port", "0", "--expand", "-c", healthy,
                           "-e", "purchase-orders.*"], {**os.environ, **base, **wh_env})
        try:
            url = listener.wait_for(r"listening on (\S+)").group(1)
            good = sign(body.read_bytes(), WEBHOOK_SECRET_ENV, "hex")
            ok = httpx.post(url, content=body.read_bytes(), timeout=30,
                            headers={"X-Webhook-Signature": good, "Content-Type": "application/json"})
            assert ok.status_code == 200, ok.text
            bad = httpx.post(url, content=body.read_bytes(), timeout=30,
                             headers={"X-Webhook-Signature": sign(body.read_bytes(), WEBHOOK_SECRET_WRONG, "hex")})
            assert bad.status_code == 401
            s("webhooks", "test", url, "-e", "purchase-orders.inserted", "-o", "json", env=wh_env)
        finally:
            code, out, err = listener.stop()
        assert code == 0, err
        s.record("webhooks listen", out, err)
        assert "records" in out  # --expand fetched through the API
        # the sandbox's own endpoint setting (its dashboard): the secret goes in, never out
        sbx = ("--sandbox", "--base-url", served_sandbox.base_url, "webhooks")
        s(*sbx, "configure-sandbox", "--url", url, "--secret-file", str(secret_file))
        s(*sbx, "configure-sandbox")
        s(*sbx, "logs")
        s(*sbx, "configure-sandbox", "--off")
        logs = s("webhooks", "logs", "--full", "-o", "json", "--limit", "0")
        entries = json.loads(logs.stdout)
        assert entries and any(e["source"] == "test" for e in entries)
        s("webhooks", "logs")
        s("webhooks", "replay", entries[0]["id"], codes=(1, 3))  # the listener is gone now

    # --- what must hold ---
    assert len(s.tokens) >= 6, s.tokens  # admin and connection tokens, access and refresh
    traced = sum("[debug] >   authorization: ***" in text for _, stream, text in s.outputs)
    assert traced >= 30, traced  # the --debug traces were there to be scanned
    secrets = {client_secret, CLIENT_SECRET_WRONG, WEBHOOK_SECRET_FILE, WEBHOOK_SECRET_ENV,
               WEBHOOK_SECRET_WRONG, PLATFORM_SECRET, BOGUS_TOKEN, static_token, *s.tokens}
    needles = {v for secret in secrets for v in variants(secret)}
    leaks = [(what, stream, needle[:12] + "…") for what, stream, text in s.outputs
             for needle in needles if needle in text]
    assert not leaks, leaks

    # The token printers: stdout holds exactly the one token asked for, stderr nothing (above).
    for what, stdout in s.printed_tokens:
        found = [n for n in needles if n in stdout]
        token = stdout.strip() if not stdout.lstrip().startswith("{") else json.loads(stdout)["access_token"]
        assert token in secrets and all(n in token for n in found), (what, stdout)

    # The scan sees secrets where they belong (so it would see them anywhere else).
    assert client_secret.encode() in (config_dir / "credentials.toml").read_bytes()
    assert admin.encode() in (config_dir / "state" / "tokens.json").read_bytes()
    files = files_to_scan(config_dir, [export_file])
    names = {p.relative_to(config_dir).as_posix() for p in files if config_dir in p.parents}
    for expected in ("config.toml", "state/webhook-deliveries.jsonl"):
        assert expected in names, names
    assert any(n.startswith("state/breakers/") for n in names), names
    assert any(n.startswith("logs/connections/") for n in names), names
    leaks = [(str(p), needle[:12] + "…") for p, data in files.items() for needle in needles
             if needle.encode() in data]
    assert not leaks, leaks

    # Everything makini keeps is private from creation: made under umask 000, still 0600 / 0700.
    for path in [config_dir, *config_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (str(path), oct(mode))
    # The export is the user's data, not makini's state: a new file gets 0644 (minus the umask),
    # like most tools' output files.
    assert stat.S_IMODE(export_file.stat().st_mode) == 0o644


# --- token printers print only when asked, and only to stdout ---------------------------------

def test_token_commands_print_the_token_to_stdout_only(served_sandbox, cli, config_dir):
    env = {"MAKINI_BASE_URL": served_sandbox.base_url, "MAKINI_CLIENT_ID": served_sandbox.client_id,
           "MAKINI_CLIENT_SECRET": served_sandbox.client_secret}
    healthy = next(c["key"] for c in served_sandbox.sandbox.connections() if c["scenario"] == "healthy")
    r = cli("--debug", "auth", "token", env=env)
    assert r.code == 0
    admin = r.stdout.strip()
    assert admin and admin in cached_tokens(config_dir) and admin not in r.stderr
    r = cli("--debug", "connections", "token", healthy, env=env)
    assert r.code == 0
    token = r.stdout.strip()
    assert token in cached_tokens(config_dir) and token not in r.stderr and token != admin
    # Commands that obtain the same tokens without being asked for them print none.
    r = cli("--debug", "connections", "create", "--provider", "limble", "--name", "X", "--email",
                "x@example.com", "--credentials-file", "-", input='{"api_key": "k"}', env=env)
    assert r.code == 0, r
    new_id = r.stdout.strip()
    new_tokens = cached_tokens(config_dir) - {admin, token}
    assert new_tokens and not any(t in r.stdout + r.stderr for t in new_tokens)
    assert re.fullmatch(r"\S+", new_id)


# --- files: 0600, looser ones warned about --------------------------------------------------

@pytest.mark.parametrize("relative", ["credentials.toml", "state/tokens.json"])
def test_a_looser_secret_file_is_warned_about(cli, config_dir, relative):
    path = config_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[profiles.default]\nclient_secret = "s"\n' if relative.endswith(".toml") else "{}")
    os.chmod(path, 0o644)
    r = cli("auth", "status", "-o", "json")
    assert r.code in (0, 4), r
    assert f"{path} is readable by other users" in r.stderr and f"chmod 600 {path}" in r.stderr


def test_a_looser_delivery_log_is_warned_about(cli, config_dir):
    from makini_cli.webhooks.deliverylog import DeliveryLog

    log = DeliveryLog()
    log.append(source="test", url="http://127.0.0.1/", event="e", status_code=200, duration_ms=1.0)
    os.chmod(log.path, 0o644)
    r = cli("webhooks", "logs", "-o", "json")
    assert r.code == 0, r
    assert f"{log.path} is readable by other users" in r.stderr


def test_state_files_are_0600_from_creation(cli, config_dir, tmp_path):
    """Under umask 000 any file created with a default mode would come out 0666 or 0644."""
    from makini_cli.connections.breaker import Breaker
    from makini_cli.connections.errorlog import ConnectionLog
    from makini_cli.credentials import CachedToken, CredentialStore, TokenCache
    from makini_cli.export.sink import FileSink, partial_paths
    from makini_cli.webhooks.deliverylog import DeliveryLog

    class Boom:
        code, status, message, request_id = "server_error", 503, "down", "req_1"

    with umask(0):
        CredentialStore().update("default", client_secret="s")
        TokenCache("scope").put("admin", CachedToken("t", None))
        Breaker(threshold=1).record_failure("conn-1", Boom())
        ConnectionLog().record("conn-1", "GET /api/x", Boom())
        DeliveryLog().append(source="test", url="http://127.0.0.1/", event="e", status_code=200,
                             duration_ms=1.0)
        target = tmp_path / "out" / "orders.ndjson"
        target.parent.mkdir()  # the export's folder is the user's: -O never makes one up
        sink = FileSink(target)
        sink.open("fp")
        sink.write('{"a": 1}\n')
        sink.commit({"orders": 1})
        partial, checkpoint = partial_paths(target)
        assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
        assert stat.S_IMODE(partial.stat().st_mode) == 0o644
        sink.finish()
    for path in [*config_dir.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (str(path), oct(mode))


def test_an_export_over_an_existing_file_keeps_its_mode(tmp_path):
    """A user who made an earlier export private (chmod 600) keeps it private, while it is
    rewritten too."""
    from makini_cli.export.sink import FileSink, partial_paths

    target = tmp_path / "orders.ndjson"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    with umask(0):
        sink = FileSink(target)
        sink.open("fp")
        assert stat.S_IMODE(partial_paths(target)[0].stat().st_mode) == 0o600
        sink.write("new\n")
        sink.commit({})
        sink.finish()
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o600


# --- credentials that would end up quoted in an error ----------------------------------------

@pytest.mark.parametrize("token", ["tok.SECRETPART\nX-Injected: 1", "tok.SECRET\rPART", "tok.SECRETPARTé",
                                   "tok.SECRET\x01PART"])
def test_a_token_a_header_cannot_carry_is_refused_without_quoting_it(served_sandbox, cli, token):
    r = cli("--debug", "po", "list", env={"MAKINI_BASE_URL": served_sandbox.base_url, "MAKINI_TOKEN": token})
    assert r.code == 4, r
    assert "contains a character an HTTP header cannot carry" in r.stderr
    assert "SECRET" not in r.stdout + r.stderr


def test_a_password_in_the_base_url_is_masked_in_traces_and_errors(served_sandbox, cli):
    url = served_sandbox.base_url.replace("http://", "http://user:PASSWORD42@")
    r = cli("--debug", "po", "list", env={"MAKINI_BASE_URL": url, "MAKINI_TOKEN": "t"})
    assert r.code in (1, 4), r
    assert "[debug] > GET http://user:***@127.0.0.1" in r.stderr
    assert "PASSWORD42" not in r.stdout + r.stderr


# --- tokens never over plain http to another host -------------------------------------------

REMOTE = "http://makini.example.com"


@pytest.mark.parametrize("args, env", [
    (("connections", "list"), {"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "s3cr3t"}),
    (("po", "list", "-c", "00000100000001"), {"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "s3cr3t"}),
    (("po", "list"), {"MAKINI_TOKEN": "tok3n"}),
    (("api", "GET", "/api/system/connections"), {"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "s3cr3t"}),
    (("auth", "token"), {"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "s3cr3t"}),
])
def test_credentials_are_never_sent_over_plain_http_to_another_host(cli, args, env):
    r = cli("--base-url", REMOTE, *args, env=env)
    assert r.code == 2, r
    assert "refusing to send credentials over plain http to makini.example.com" in r.stderr
    assert "--insecure" in r.stderr and "s3cr3t" not in r.stderr + r.stdout


def test_webhooks_listen_expand_refuses_plain_http_to_another_host_before_listening(run_cli):
    r = run_cli("--base-url", REMOTE, "webhooks", "listen", "--port", "0", "--expand", "-c", "c1",
                env={"MAKINI_CLIENT_ID": "id", "MAKINI_CLIENT_SECRET": "s3cr3t"}, timeout=60)
    assert r.code == 2, r
    assert "refusing to send credentials over plain http" in r.stderr and "listening on" not in r.stderr


def _non_loopback_name() -> tuple[str, str]:
    """A host name (not `localhost`, not an IP) that resolves to this machine, and its address."""
    name = socket.gethostname()
    try:
        address = socket.gethostbyname(name)
    except OSError:
        pytest.skip("this machine's host name does not resolve")
    if name == "localhost" or name.endswith(".localhost"):
        pytest.skip("this machine is called localhost")
    return name, address


def test_insecure_sends_over_plain_http_when_asked(run_cli):
    from makini_cli.sandbox.app import create_app
    from makini_cli.sandbox.server import ServerThread

    name, address = _non_loopback_name()
    app = create_app(":memory:", pos_per_connection=2)
    sb = app.state.sandbox
    healthy = next(c["key"] for c in sb.connections() if c["scenario"] == "healthy")
    try:
        server = ServerThread(app, host=address).__enter__()
    except OSError:
        pytest.skip(f"cannot bind {address}")
    try:
        url = f"http://{name}:{server.base_url.rsplit(':', 1)[1]}"
        env = {"MAKINI_BASE_URL": url, "MAKINI_CLIENT_ID": sb.client_id, "MAKINI_CLIENT_SECRET": sb.client_secret}
        refused = run_cli("po", "list", "-c", healthy, "--limit", "1", env=env)
        assert refused.code == 2 and "plain http" in refused.stderr, refused
        r = run_cli("--insecure", "po", "list", "-c", healthy, "--limit", "1", "-o", "json", env=env)
        assert r.code == 0, r
        assert len(json.loads(r.stdout)) == 1
        r = run_cli("--insecure", "connections", "list", "-o", "json", env=env)
        assert r.code == 0 and healthy in r.stdout, r
    finally:
        server.stop()


# --- servers bind loopback by default, and say so when they do not ----------------------------

@pytest.mark.parametrize("command", [
    ["webhooks", "listen", "--port", "0"],
    ["sandbox", "serve", "--port", "0", "--db", ":memory:", "--pos-per-connection", "1"],
])
def test_servers_bind_loopback_by_default(command):
    server = Server(command, dict(os.environ))
    try:
        url = server.wait_for(r"(?:listening on|ready:) (http://\S+)").group(1)
    finally:
        code, out, err = server.stop()
    assert code == 0, err
    assert url.startswith("http://127.0.0.1:")
    assert "reachable from other machines" not in err


@pytest.mark.parametrize("command", [
    ["webhooks", "listen", "--host", "0.0.0.0", "--port", "0"],
    ["sandbox", "serve", "--host", "0.0.0.0", "--port", "0", "--db", ":memory:", "--pos-per-connection", "1"],
])
def test_servers_warn_when_not_bound_to_loopback(command):
    server = Server(command, dict(os.environ))
    try:
        url = server.wait_for(r"(?:listening on|ready:) (http://\S+)").group(1)
    finally:
        code, out, err = server.stop()
    assert code == 0, err
    assert url.startswith("http://0.0.0.0:")
    assert "binding 0.0.0.0: the" in err and "reachable from other machines on this network" in err
