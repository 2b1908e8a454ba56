"""The HTTP layer: speaks to Makini (or the sandbox), knows nothing of Typer or Rich.

Assumptions about the API that Makini does not publish live here, in one place.
"""
