"""Webhook tooling: signing and verification, the event catalog, a conformance tester, a local
listener, a delivery log and replay.

This package knows nothing of Typer or Rich; the `makini webhooks` commands wire arguments and
output to it. Submodules are imported on demand (httpx and Starlette are not cheap to import).
"""
