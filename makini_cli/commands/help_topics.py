"""The texts of `makini help TOPIC`. Plain text, wrapped by hand: they are read in a terminal and
pasted into tickets. A test checks that `environment` names every MAKINI_* variable the code reads
and that `exit-codes` agrees with makini_cli/exitcodes.py."""

from __future__ import annotations

SUMMARIES = {
    "environment": "Environment variables, and which setting wins (flag > env > profile > default).",
    "exit-codes": "What each exit code means, for scripts.",
    "formatting": "Output formats (-o), --query and --columns, and which commands take which format.",
}

ENVIRONMENT = """\
Environment variables

Settings (each also a flag or a `makini config set KEY` setting):
  MAKINI_PROFILE            the profile to use (flag --profile/-p)
  MAKINI_BASE_URL           API base URL (flag --base-url; setting base_url)
  MAKINI_CLIENT_ID          the application's client id (setting client_id)
  MAKINI_CLIENT_SECRET      the application's client secret (never a flag; saved by `auth login`)
  MAKINI_TOKEN              a single connection token, for connection-scoped commands without
                            application credentials (saved by `auth login --with-token`)
  MAKINI_CONNECTION         default connection id for -c/--connection (setting connection)
  MAKINI_OUTPUT             default output format (flag -o/--output; see `makini help formatting`)
  MAKINI_TIMEOUT            deadline in seconds for each HTTP request as a whole (flag --timeout;
                            setting timeout)
  MAKINI_MAX_RESPONSE_MB    cap on the size of one API response in MB, default 64, 0: no cap
                            (setting max_response_mb)
  MAKINI_CSV_SAFE           1: CSV neutralised for spreadsheets (flag --csv-safe)
  MAKINI_CREDENTIAL_STORE   where `auth login` keeps secrets: file (default) or keyring
                            (setting credential_store)
  MAKINI_WEBHOOK_SECRET     webhook secret for `webhooks sign/verify/test/listen` and
                            `sandbox serve` (or --secret-file / --webhook-secret-file)

Files:
  MAKINI_CONFIG_DIR         put every per-user file (config, credentials, state, data, logs)
                            under this one folder; `makini config path --all` lists them

Tuning:
  MAKINI_BREAKER_THRESHOLD  consecutive failures before a connection's circuit breaker opens
                            (default 5; 0 turns the breaker off)
  MAKINI_BREAKER_COOLDOWN   how long the breaker stays open: seconds or 90s, 2m, 1h (default 120)
  MAKINI_BREAKER_FORCE      1: call even when the breaker is open (like --force)
  MAKINI_CONNLOG_MAX_BYTES  bytes of a per-connection error log before it is rotated (1 MiB)
  MAKINI_CONNLOG_BACKUPS    rotated error logs kept per connection (default 3)
  MAKINI_RETRY_MAX_ATTEMPTS lower the attempts per request (default 5)
  MAKINI_RETRY_MAX_WAIT     lower the seconds spent waiting between retries (default 60)
  MAKINI_HISTORY_DAYS       days of connection-state history kept (default 90)

Others makini honours:
  NO_COLOR                  no colour (like --no-color)
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY, SSL_CERT_FILE
                            proxies and the CA bundle, read by httpx (loopback hosts are
                            never proxied)

Every MAKINI_* variable is checked against its rule: a bad value is exit 2, naming it.

Precedence: a command-line flag wins over an environment variable, which wins over the
profile's value in config.toml, which wins over the default. The profile itself comes from
--profile, else MAKINI_PROFILE, else default_profile in config.toml, else `default`;
--sandbox selects the built-in `sandbox` profile. A profile's `output` setting applies on a
terminal; piped output is JSON unless -o or MAKINI_OUTPUT says otherwise.
`makini config list` and `makini auth status` show each value and where it came from.
"""

EXIT_CODES = """\
Exit codes

  0    success (an empty list too)
  1    error: server, network, not found, a write that failed
  2    usage or bad input: a bad option, an invalid file, validation failed, a refusal
       without --yes off a terminal
  3    a check found a problem: an unhealthy connection, a failed webhook test, doctor
       findings, an invalid signature
  4    authentication needed or refused
  124  `syncs wait` or `connections watch --timeout` timed out (like timeout(1))
  130  interrupted (Ctrl-C; Ctrl-C or Ctrl-D at a prompt)
  141  stdout closed early (`| head`), as for any tool killed by SIGPIPE

Errors are one line on stderr (`error: …`) with a `hint: …`; with -o json they are JSON on
stderr: {"error": {"code", "message", "hint", "request_id"}}.
"""

# What each format is; which commands take `wide` and `openmetrics` comes from the output
# module's registry (makini_cli/output/formats.py), the same one the global -o checks.
FORMAT_WORDS = {
    "table": "a table that fits the terminal; the default on a terminal",
    "wide": "a table with every column, nothing shortened",
    "json": "one JSON document; the default when piped",
    "ndjson": "one JSON object per line; `po list --all` and `po export` stream it",
    "csv": "a header line, then one row per record; `po list --all` and `po export` stream it",
    "yaml": "YAML (id-like strings quoted)",
    "openmetrics": "OpenMetrics text for Prometheus",
}


FORMATTING_TAIL = """\
Choose with -o/--output FORMAT (before or after the command), MAKINI_OUTPUT, or a profile's
`output` setting (a terminal default). Piped output is JSON unless one of those says otherwise;
it has no colour, no truncation and RFC 3339 times. Money and quantities are decimal strings
with exactly the digits the API sent.

-o is always a format. A file is -O/--output-file FILE (`po export -o csv -O orders.csv`).

--query EXPR (-q) applies a JMESPath expression (https://jmespath.org) to the JSON form, in
every format:
  makini connections list --query "[?status=='Active'].id"
  makini po list -c ID --all --query '[].orderNo' -o json

--columns LIST picks and orders the columns of a table or CSV:
  makini connections list --columns id,name,status
"""


def formatting() -> str:
    import textwrap

    from ..output import formats

    width = max(len(f) for f in formats.FORMATS) + 2
    lines = ["Output formats", ""]
    for fmt in formats.FORMATS:
        lines.append(f"  {fmt:<{width}}{FORMAT_WORDS.get(fmt, '')}")
        if fmt in formats.FORMAT_COMMANDS:
            indent = " " * (width + 2)
            lines.append(textwrap.fill(f"taken by: {formats.listing(fmt)}", 92, initial_indent=indent,
                                       subsequent_indent=indent + "  "))
    return "\n".join(lines) + "\n\n" + FORMATTING_TAIL


TOPICS = {"environment": lambda: ENVIRONMENT, "exit-codes": lambda: EXIT_CODES, "formatting": formatting}


def topic_text(name: str) -> str:
    return TOPICS[name]().rstrip("\n")


def topic_list() -> str:
    width = max(len(t) for t in TOPICS) + 2
    lines = ["Help topics (makini help TOPIC):", ""]
    lines += [f"  {name:<{width}}{SUMMARIES[name]}" for name in TOPICS]
    lines += ["", "Every command also has --help with examples: makini COMMAND --help,",
              "or makini help COMMAND."]
    return "\n".join(lines)
