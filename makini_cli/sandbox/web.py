"""Small request/response helpers shared by the route modules."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .errors import ApiError


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        return super().default(o)


def ok(body: Any, status: int = 200) -> Response:
    raw = json.dumps(body, cls=_Encoder, ensure_ascii=False, separators=(",", ":"))
    return Response(raw, status, media_type="application/json")


async def read_json(request: Request, *, kind: type | tuple = dict, allow_empty: bool = True):
    """The JSON body; numbers with a fraction become Decimal (money never goes through a float).
    """
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {} if kind is dict else []
        raise ApiError(400, "The request body must be JSON.", "BAD_REQUEST")
    try:
        data = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise ApiError(400, "The request body is not valid JSON.", "BAD_REQUEST") from None
    if not isinstance(data, kind):
        what = "an object" if kind is dict else "an array"
        raise ApiError(422, f"The request body must be {what}.", "VALIDATION_FAILED")
    return data
