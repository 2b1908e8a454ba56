"""`makini connections reconnect`."""

from __future__ import annotations

import typer

from .._common import ctx, examples

HELP = ("Print the Makini Link URL that reconnects a connection's customer. Makini "
        "has no reconnect API: the customer goes through Makini Link again, which creates a NEW "
        "connection with a new token (disconnect the old one afterwards). Client id and redirect "
        "come from the profile (`link_redirect`) or `GET /api/system/client`." + examples(
            "makini connections reconnect 09000207611898",
            "makini connections reconnect 09000207611898 --open",
            "makini config set link_redirect https://app.example.com/makini/callback"))


def reconnect(
    connection_id: str = typer.Argument(..., help="Connection id."),
    open_: bool = typer.Option(False, "--open", help="Also open the URL in a browser: $BROWSER, "
                               "else a graphical one (never a console browser)."),
) -> None:
    from ...api import connections as api
    from ...errors import ConfigError

    c = ctx()

    async def work(client):
        conn = await api.get_connection(client, connection_id)
        url = await api.link_for(client, redirect=c.settings.get("link_redirect"),
                                 client_id=c.app_credentials()[0].value)
        return conn, url

    conn, url = c.run(work)
    if not url:
        raise ConfigError("cannot build the Makini Link URL: no client id",
                          hint="log in with `makini auth login --client-id ID`")
    c.output.info(f"Send this link to {conn.name or connection_id} ({conn.email or 'no email'}). Reconnecting "
                  "creates a new connection with a new token; disconnect the old one once it is live.")
    if c.output.explicit or c.opts.query:
        c.output.emit({"id": connection_id, "name": conn.name, "email": conn.email, "url": url})
    else:
        c.output.value(url)
    if open_:
        why_not = open_in_browser(url)
        if why_not:
            c.output.warn(f"could not open a browser ({why_not}); copy the URL above")


GUI_OPENERS = (["xdg-open"], ["gio", "open"], ["kde-open"], ["gnome-open"])


def open_in_browser(url: str) -> str | None:
    """Open `url` with the command(s) in $BROWSER, else a graphical browser; None when done,
    else why not. Never a console browser on its own: without a display Python's `webbrowser`
    falls back to lynx or w3m, which take over the terminal and write screen codes to stdout
    (where the URL, and only the URL, belongs). $BROWSER is the user's explicit choice, so it is
    honoured as `webbrowser` reads it (entries separated by os.pathsep, `%s` for the URL); its
    output goes to stderr."""
    import os
    import shlex
    import shutil
    import subprocess
    import sys

    if os.environ.get("BROWSER"):
        try:
            err = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):  # stderr replaced by a non-file (tests, IDEs)
            err = subprocess.DEVNULL
        for entry in filter(None, (e.strip() for e in os.environ["BROWSER"].split(os.pathsep))):
            args = shlex.split(entry)
            args = [a.replace("%s", url) for a in args] if "%s" in entry else [*args, url]
            try:
                if subprocess.call(args, stdout=err) == 0:
                    return None
            except OSError:
                continue
        return "the $BROWSER command failed"
    if sys.platform == "win32":
        try:
            os.startfile(url)  # type: ignore[attr-defined]  # the default browser
            return None
        except OSError:
            return "Windows found no browser"
    if sys.platform == "darwin":
        openers = [["open"]]
    elif os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        openers = [o for o in GUI_OPENERS if shutil.which(o[0])]
    else:
        return "no graphical display, and $BROWSER is not set"
    for opener in openers:
        try:
            subprocess.Popen([*opener, url], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            return None
        except OSError:
            continue
    return "no browser opener (xdg-open) found"
