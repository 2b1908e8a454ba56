"""`makini api`: the raw escape hatch, like `gh api`."""

from __future__ import annotations

import sys

import typer

from ._common import connection_option, ctx, examples


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


HELP = ("Send a raw request: the admin token for /api/system/*, "
              "a connection token for every other /api/ path. Prints the JSON body." + examples(
                  "makini api GET /api/system/platforms",
                  "makini api GET /api/erp/purchase-orders -c 09000207611898 -f 'filter[statusKey]=approved' --paginate",
                  "makini api PUT /api/erp/purchase-orders/PO-1/status -c 0900… -f status=approved",
                  "makini api POST /api/erp/purchase-orders -c 0900… --input po.json -i"))


def command(
    method: str = typer.Argument(..., help="HTTP method."),
    path: str = typer.Argument(..., help="Path starting with /, e.g. /api/system/connections."),
    field: list[str] = typer.Option(None, "--field", "-f", help="key=value: query for GET, JSON body field otherwise."),
    input_: str = typer.Option(None, "--input", help="Body from a file, or - for stdin."),
    paginate: bool = typer.Option(False, "--paginate", help="Follow Laravel pages; print items as NDJSON."),
    include: bool = typer.Option(False, "--include", "-i", help="Print status line and headers (to stderr) first."),
    connection: str = connection_option(),
) -> None:
    from ..errors import UsageError
    from ..api.http import decode_json
    from ..output import inert
    from ._common import parse_key_values, read_input

    c = ctx()
    method = method.upper()
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", hint=f"one of {', '.join(METHODS)}")
    if not path.startswith("/"):
        raise UsageError(f"path must start with /: {path!r}", hint="e.g. /api/system/connections")
    fields = parse_key_values(field, "--field")
    if paginate and method != "GET":
        raise UsageError("--paginate works with GET only")
    params = fields if method in ("GET", "HEAD") else None
    body = None if method in ("GET", "HEAD") else (fields or None)
    content = read_input(input_, "--input") if input_ else None
    if content is not None and body:
        raise UsageError("give either --input or -f fields for the body, not both")
    connection = connection or c.settings.get("connection")

    if paginate:
        async def stream(client):
            import json

            from ..output import jsonable
            from ..output.untrusted import escape_json

            count = 0
            async for item in client.paginate(path, connection=connection, params=params,
                                              streaming=True):
                sys.stdout.write(escape_json(json.dumps(jsonable(item), ensure_ascii=False)) + "\n")
                count += 1
            return count

        c.run(stream)
        return

    async def call(client):
        headers = {"Content-Type": "application/json"} if content is not None else None
        return await client.send(method, path, connection=connection, params=params,
                                 json_body=body, content=content, headers=headers)

    response = c.run(call)
    if include:
        from ..api.http import redact_headers

        out = c.output  # the server's status line and headers: for people, shown inert
        out.line(f"HTTP {response.status_code} {response.reason_phrase}", err=True)
        for k, v in redact_headers(response.headers).items():
            out.line(f"{k}: {v}", err=True)
        out.line("", err=True)
    if response.status_code >= 400:
        from ..api.http import raise_for_status

        raise_for_status(response)
    if not response.content:
        return
    from ..api.body import TooDeep

    try:
        data = decode_json(response)
    except TooDeep:  # JSON, but nested deeper than anything may walk: refused as invalid
        from ..api.http import json_or_error

        json_or_error(response)
        raise
    except ValueError:
        # not JSON: the exact text for a pipe, an inert one for a terminal
        text = response.text
        sys.stdout.write(inert(text, lines=True) if c.output.stdout_tty else text)
        return
    if c.output.explicit or c.opts.query:
        c.output.emit(data)
    else:  # a raw call prints the raw JSON, on a terminal too
        from ..output import dumps_json

        sys.stdout.write(dumps_json(data) + "\n")
