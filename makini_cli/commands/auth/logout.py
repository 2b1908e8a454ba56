"""`makini auth logout`: forget the profile's secrets and cached tokens."""

from __future__ import annotations

from .._common import ctx, examples


HELP = ("Forget the profile's client secret, connection token and cached tokens." + examples(
        "makini auth logout", "makini --profile staging auth logout"))


def logout() -> None:
    c = ctx()
    removed = c.credentials.remove_profile(c.profile)
    c.token_cache().clear()
    c.output.note(f"Logged out of profile {c.profile}." if removed else
                  f"Profile {c.profile} had no saved credentials; cached tokens cleared.")
