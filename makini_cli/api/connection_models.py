"""Pydantic models of what the system and integration endpoints return (oas3_system.json).

Tolerant by design: unknown fields are kept, and the spec's quirks are absorbed here so the
commands see plain data: `user_metadata` is typed string (JSON text) in the spec, `tags` an array,
and a connection's id is called `key`. Rows for output carry both `id` and `key` (same value), so
`makini connections list -o json | jq -r '.[].id'` works and the spec's name is not lost.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import field_validator

from .models import Model, Text


def _metadata(value: Any) -> dict[str, Any]:
    """`user_metadata` as a dict, whether it arrives as JSON text, a dict or a list of pairs."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"value": value}  # not JSON: keep it visible rather than drop it
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return pairs_to_dict(value)
    return {"value": value}


def pairs_to_dict(items: Any) -> dict[str, Any]:
    """[{key, value}, …] -> {key: value}; anything else in the list is skipped."""
    out: dict[str, Any] = {}
    for item in items or []:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            out[item["key"]] = item.get("value")
    return out


class Connection(Model):
    key: Text = None
    name: Text = None
    email: Text = None
    status: Text = None
    integration_name: Text = None
    redirect: Text = None
    scopes: Text = None
    tags: list[str] = []
    user_metadata: dict[str, Any] = {}
    client_id: Text = None
    updated_at: Text = None
    created_at: Text = None
    connected_at: Text = None

    @field_validator("user_metadata", mode="before")
    @classmethod
    def _meta(cls, value: Any) -> dict[str, Any]:
        return _metadata(value)

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [t.strip() for t in value.split(",") if t.strip()]
        return [str(t) for t in value] if isinstance(value, list) else [str(value)]

    @property
    def id(self) -> str:
        extra = self.extras()
        return str(self.key or extra.get("id") or "")

    @property
    def last_sync(self) -> str | None:
        """The admin list has no sync time in the spec; use one if a newer API sends it."""
        extra = self.extras()
        for name in ("sync_updated_at", "last_sync_at", "last_synced_at", "last_sync"):
            if isinstance(extra.get(name), str):
                return extra[name]
        return None

    @property
    def credits(self) -> Any:
        return self.extras().get("credits")

    def row(self) -> dict[str, Any]:
        """The output form: `id` first (same as `key`), then the spec's fields and any extras."""
        body = self.model_dump(mode="json")
        out: dict[str, Any] = {"id": self.id, "key": self.key, "name": self.name,
                               "system": self.integration_name, "status": self.status,
                               "connected_at": self.connected_at, "last_sync": self.last_sync,
                               "tags": self.tags}
        for k, v in body.items():
            out.setdefault(k, v)
        return out


class Integration(Model):
    """`GET /api/integrations/current`: the token's own connection and its sync state."""

    id: Text = None
    company_name: Text = None
    email: Text = None
    provider: Text = None
    updated_at: Text = None
    sync_status: Text = None
    sync_updated_at: Text = None


class AppClient(Model):
    """`GET /api/system/client`: the application (its id and redirects feed Makini Link URLs)."""

    id: Text = None
    name: Text = None
    email: Text = None
    default_redirect: Text = None
    redirects: list[str] = []

    @field_validator("redirects", mode="before")
    @classmethod
    def _redirects(cls, value: Any) -> list[str]:
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        return [str(v) for v in value] if isinstance(value, list) else []


class Platform(Model):
    """A system Makini connects to. The spec's Platform schema is empty: these fields are what
    the API sends (the sandbox serves the same); the slug is `provider`."""

    provider: Text = None
    name: Text = None
    category: Text = None  # ERP, EAM, CMMS, WMS
    tier: Text = None      # I, II, III (credits per connection: 1, 2, 4)
