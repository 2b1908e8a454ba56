"""`makini po export`: every matching order, streamed to stdout or a file. The options are read
here; the run itself (connections, filters, sink, progress) is in `export_run.py`."""

from __future__ import annotations

import typer

from .._common import check_domain, ctx, domain_option, examples
from .options import (filter_option, mapping_option, match_option, since_option, sort_option,
                      status_option, until_option, updated_since_option, vendor_option)

HELP = (
    "Stream every matching purchase order to stdout or a file: NDJSON (default, one order per "
    "line with its lineItems), CSV (one row per line item carrying the order's columns, or one "
    "row per order with --no-lines; stable columns, nested addresses flattened, fields beyond "
    "the model in `customFields`), or a JSON array. Choose the format with the global -o/--output "
    "(ndjson, csv or json) and the file with -O/--output-file FILE. Memory stays flat whatever "
    "the count; the next pages are fetched while the current one is written. The file appears "
    "only when complete (temp file + rename); an interrupted export (Ctrl-C, network loss, "
    "crash) continues with --resume, with no duplicate and no missing order, and a rerun over "
    "an unfinished one is refused unless --resume or --restart says what to do with it. "
    "Several -c ids, or `-c all`, export concurrently with a `connection` column: a connection "
    "that fails stops the export, or with --skip-failed is skipped and reported at once; one "
    "without a page for --slow-after seconds is named. --format is a deprecated spelling of -o."
    + examples("makini po export -c 00000100433001 > orders.ndjson",
               "makini po export -o csv -O orders.csv --since 2025-01-01",
               "makini po export -o csv -O orders.csv --resume",
               "makini po export -c all -o csv --no-lines -O all-orders.csv --skip-failed"))


def export_orders(connection: list[str] = typer.Option(
                      None, "--connection", "-c", help="Connection id; repeat for several, or `all`."),
                  domain: str = domain_option(),
                  output_file: str = typer.Option(None, "--output-file", "-O", metavar="FILE",
                                                  help="Write to FILE atomically (default: stdout)."),
                  format: str = typer.Option(None, "--format", metavar="FORMAT",  # noqa: A002
                                             help="Deprecated: use -o/--output ndjson|csv|json."),
                  no_lines: bool = typer.Option(False, "--no-lines", help="Orders only: no line items."),
                  resume: bool = typer.Option(False, "--resume", help="Continue an interrupted export to -O FILE."),
                  restart: bool = typer.Option(False, "--restart",
                                               help="Discard an unfinished export to -O FILE and start over."),
                  status: str = status_option(), vendor: str = vendor_option(), since: str = since_option(),
                  until: str = until_option(), updated_since: str = updated_since_option(),
                  filter: list[str] = filter_option(), match: str = match_option(),  # noqa: A002
                  sort: list[str] = sort_option(),
                  per_page: int = typer.Option(500, "--per-page", min=1, max=1000, help="Orders per request."),
                  prefetch: int = typer.Option(2, "--prefetch", min=1, max=16,
                                               help="Pages requested ahead, per connection."),
                  skip_failed: bool = typer.Option(False, "--skip-failed",
                                                   help="With several connections: finish without the ones that fail."),
                  slow_after: float = typer.Option(10.0, "--slow-after", min=0.0, metavar="SECONDS",
                                                   help="With several connections: name one that sends no page "
                                                        "for this long."),
                  mapping: str = mapping_option(),
                  ) -> None:
    from . import export_run
    from .views import check_match

    c = ctx()
    check_domain(domain)
    check_match(match)
    fmt = export_run.choose_format(format, c.opts.output, warn=c.output.warn)
    export_run.export(c, export_run.Request(
        connections=list(connection or []), domain=domain, format=fmt, output=output_file,
        lines=not no_lines, resume=resume, restart=restart, per_page=per_page, prefetch=prefetch,
        skip_failed=skip_failed, slow_after=slow_after, status=status, vendor=vendor, since=since, until=until,
        updated_since=updated_since, filters=list(filter or []), match=match,
        sorts=list(sort or []), mapping=mapping))
