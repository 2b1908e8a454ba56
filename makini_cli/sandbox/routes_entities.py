"""Every entity operation of Makini's erp, eam and wms files, for the token's own connection,
built from the generated contract (`contract.json`): lists (Laravel pages, filters, sorting),
items, creates, updates, status changes, statuses lists and the sub-resources of
`subresources.py`. One route per path, so a wrong method is a 405 naming the right ones.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from starlette.requests import Request
from starlette.routing import Route

from . import contract
from .auth import require_connection, sandbox_of
from .contract import Operation
from .errors import ApiError
from .fields import ENTITIES, STATUS
from .listing import list_table
from .query import page_body
from .records import fetch_one, serve_rows
from .subresources import HANDLERS
from .validation import failed
from .web import Upload, ok, read_form, read_json
from .writes import create_record, set_status, update_record, write_columns


def _list(op: Operation):
    e = ENTITIES[op.entity]

    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        sb = sandbox_of(request)
        rows, total, q = list_table(request, sb, e, conn["key"])
        return ok(page_body(request, serve_rows(sb, e, conn["key"], rows), total, q))
    return handler


def _statuses(op: Operation):
    async def handler(request: Request):
        conn = await require_connection(request, f"statuses/{op.entity}")
        sb = sandbox_of(request)
        rows, total, q = list_table(request, sb, STATUS, conn["key"], where=" AND scope = ?",
                                    where_args=(op.entity,))
        return ok(page_body(request, serve_rows(sb, STATUS, conn["key"], rows), total, q))
    return handler


def _item(op: Operation):
    e = ENTITIES[op.entity]

    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        return ok({"data": fetch_one(sandbox_of(request), e, conn["key"],
                                     request.path_params["key"])})
    return handler


async def _upload_body(request: Request) -> dict:
    """A document upload as the body the rules check: its form fields, and the file described
    (the sandbox keeps no file contents, only what a client can read back)."""
    form = await read_form(request)
    body: dict = {k: v for k, v in form.items() if not isinstance(v, Upload)}
    upload = next((v for v in form.values() if isinstance(v, Upload)), None)
    if upload is None:
        raise failed({"file": ["The file field is required."]})
    ext = upload.filename.rsplit(".", 1)[-1].upper() if "." in upload.filename else None
    digest = hashlib.sha256(upload.data).hexdigest()
    body.setdefault("name", upload.filename)
    body.update(contentType=upload.content_type, type=ext,
                notes=f"Uploaded {upload.filename}: {len(upload.data)} bytes, sha256 {digest}")
    return body


def _create(op: Operation):
    e = ENTITIES[op.entity]
    rules = {k: v for k, v in op.body.items() if "file" not in v.rules}

    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        sb = sandbox_of(request)
        multipart = (op.media or "").startswith("multipart/")
        body = await (_upload_body(request) if multipart else read_json(request))
        key = create_record(sb, e, conn, body, rules)
        if multipart:  # where the connected system would keep it (the sandbox keeps none)
            url = f"https://files.{conn['provider']}.example/documents/{key}"
            with sb.tx() as db:
                write_columns(db, e, conn["key"], key, {"url": url}, {})
        return ok({"data": fetch_one(sb, e, conn["key"], key)})
    return handler


def _update(op: Operation):
    e = ENTITIES[op.entity]

    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        sb, key = sandbox_of(request), request.path_params["key"]
        fetch_one(sb, e, conn["key"], key)  # 404 first
        update_record(sb, e, conn, key, await read_json(request),
                      contract.body_rules(e.name, "update"))
        return ok({"data": fetch_one(sb, e, conn["key"], key)})
    return handler


def _status(op: Operation):
    e = ENTITIES[op.entity]
    field = next(iter(op.body), "status")  # "status" in most files, "statusKey" for work orders

    async def handler(request: Request):
        conn = await require_connection(request, e.name)
        sb, key = sandbox_of(request), request.path_params["key"]
        fetch_one(sb, e, conn["key"], key)
        set_status(sb, e, conn, key, await read_json(request), field)
        return ok({"data": fetch_one(sb, e, conn["key"], key)})
    return handler


KINDS = {"list": _list, "statuses": _statuses, "item": _item, "create": _create,
         "update": _update, "status": _status}


def handler_for(op: Operation):
    if op.kind == "sub":
        return HANDLERS[(op.method, op.action)](op)
    try:
        return KINDS[op.kind](op)
    except KeyError:
        raise ValueError(f"{op.method} {op.path}: no sandbox handler for kind "
                         f"{op.kind!r}") from None


def _dispatch(handlers: dict):
    async def endpoint(request: Request):
        handler = handlers.get(request.method) or handlers.get(
            "GET" if request.method == "HEAD" else "")
        if handler is None:  # Starlette answers 405 before this; kept for safety
            raise ApiError(405, f"Method {request.method} is not allowed on {request.url.path}.")
        return await handler(request)
    return endpoint


def routes() -> list[Route]:
    by_path: dict[str, dict] = defaultdict(dict)
    for op in contract.operations():
        if op.kind != "system":
            by_path[op.path][op.method] = handler_for(op)
    # Literal segments before parameters: /work-orders/custom-fields before /work-orders/{key}.
    ordered = sorted(by_path, key=lambda p: (p.count("{"), p))
    return [Route(p, _dispatch(by_path[p]), methods=sorted(by_path[p])) for p in ordered]
