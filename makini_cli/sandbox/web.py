"""Small request/response helpers shared by the route modules: JSON answers, and request bodies
read with a size limit (JSON, or multipart form data for uploads)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .errors import ApiError

MAX_BODY = 10 * 1024 * 1024  # bytes: a bigger request body is 413, never read into memory


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def ok(body: Any, status: int = 200) -> Response:
    raw = json.dumps(body, cls=_Encoder, ensure_ascii=False, separators=(",", ":"))
    return Response(raw, status, media_type="application/json")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    too_big = ApiError(413, f"The request body is larger than {limit:,} bytes.",
                       "PAYLOAD_TOO_LARGE")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_big
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, *, kind: type | tuple = dict, allow_empty: bool = True):
    """The JSON body; numbers with a fraction become Decimal (money never goes through a float).
    """
    raw = await read_body(request)
    if not raw.strip():
        if allow_empty:
            return {} if kind is dict else []
        raise ApiError(400, "The request body must be JSON.", "BAD_REQUEST")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON.", "BAD_REQUEST") from None
    if not isinstance(data, kind):
        what = "an object" if kind is dict else "an array"
        raise ApiError(422, f"The request body must be {what}.", "VALIDATION_FAILED")
    return data


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart form."""
    filename: str
    content_type: str
    data: bytes


async def read_form(request: Request) -> dict[str, Any]:
    """A multipart/form-data body as {field: text or Upload} (parsed with the standard
    library's MIME parser, so uploads need no extra dependency)."""
    from email import policy
    from email.parser import BytesParser

    media = request.headers.get("content-type", "")
    raw = await read_body(request)
    if not media.lower().startswith("multipart/form-data") or "boundary=" not in media:
        raise ApiError(415, "This endpoint takes multipart/form-data (a file upload).",
                       "UNSUPPORTED_MEDIA_TYPE")
    head = f"Content-Type: {media}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    out: dict[str, Any] = {}
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        out[name] = (Upload(filename, part.get_content_type(), data) if filename is not None
                     else data.decode("utf-8", "replace"))
    return out
