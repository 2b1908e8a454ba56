"""The event catalog follows Makini's naming and payload shape."""

from __future__ import annotations

import json
import re

from makini_cli.webhooks import catalog


def test_confirmed_events_use_dotted_entity_action_names():
    assert set(catalog.CONFIRMED) == {
        "connection-statuses.inserted", "connection-statuses.updated",
        "connection-statuses.deleted",
        *(f"{entity}.{action}" for entity in ("assets", "sites", "work-orders",
                                               "purchase-orders", "materials", "locations")
          for action in ("inserted", "updated")),
    }


def test_faq_only_events_are_flagged_unconfirmed():
    unconfirmed = [e for e in catalog.EVENTS if e.unconfirmed]
    assert unconfirmed and all("FAQ" in e.description for e in unconfirmed)
    assert not catalog.get("assets.updated").unconfirmed


def test_samples_have_the_real_shape_and_key_like_ids():
    payload = catalog.sample("purchase-orders.inserted", count=3)
    assert list(payload) == ["event", "body"] and len(payload["body"]) == 3
    assert all(re.fullmatch(r"\d{14}", key) for key in payload["body"])
    assert catalog.is_valid_payload(payload)
    assert catalog.sample("assets.updated") == catalog.sample("assets.updated")


def test_encoded_payload_is_compact_json():
    body = catalog.encode("assets.updated", ["1", "2"])
    assert body == b'{"event":"assets.updated","body":["1","2"]}'
    assert json.loads(body) == {"event": "assets.updated", "body": ["1", "2"]}


def test_selection_patterns():
    assert catalog.selected("assets.updated", None)
    assert catalog.selected("assets.updated", ["assets.*"])
    assert not catalog.selected("sites.updated", ["assets.*", "*.deleted"])
    assert catalog.validate_selection(["assets.*", "nope.updated"]) == ["nope.updated"]
    assert catalog.expand_selection(["*.deleted"]) == ["connection-statuses.deleted"]


def test_makini_retry_schedule_doubles_from_30_s_within_24_h():
    delays = catalog.retry_delays()
    assert delays[:3] == [30, 60, 120] and sum(delays) <= 24 * 3600
    assert sum(delays) + delays[-1] * 2 > 24 * 3600
