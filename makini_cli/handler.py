"""The one top-level handler: every exception a user can cause becomes a message and an exit code.

No traceback reaches the user unless --debug is on (and then for internal errors only).
"""

from __future__ import annotations

import os
import sys

from . import exitcodes


def _output():
    from .context import current

    return current().output


def report(err: dict) -> None:
    try:
        _output().error(err)
    except Exception:  # noqa: BLE001 - the reporter itself must never fail
        from .output.untrusted import inert

        sys.stderr.write(f"error: {inert(err.get('message'))}\n")


def run(args: list[str]) -> int:
    from .errors import MakiniError
    from .context import current

    try:
        import typer

        from .app import canonical_path, group_names, register
        from .argv import GLOBAL_VALUED, hoist_globals, invoked_path

        _check_text(args)
        if os.environ.get("_MAKINI_COMPLETE"):
            from typer.completion import completion_init  # noqa: I001

            completion_init()  # registers the shells; the app is built with add_completion=False
        completing = bool(os.environ.get("_MAKINI_COMPLETE"))
        command = typer.main.get_command(register(_invoked_group(args, group_names(), GLOBAL_VALUED),
                                                  full=completing))
        if completing:  # global options after the command, ids, formats, entities (shellcomplete.py)
            from .shellcomplete import prepare

            prepare(command)
        args = hoist_globals(command, args)
        # the root callback checks `-o` against the command it will run (`-o wide` draws tables only)
        path = canonical_path(invoked_path(command, args))
        result = command.main(args=args, prog_name="makini", standalone_mode=False,
                              obj={"command": path})
        sys.stdout.flush()  # a closed pipe must surface here, not at interpreter exit
        return result if isinstance(result, int) else 0
    except MakiniError as exc:
        report(exc.to_dict())
        return exitcodes.for_error(exc)
    except KeyboardInterrupt:
        return exitcodes.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 141  # like any tool killed by SIGPIPE when `| head` stops reading
    except SystemExit as exc:
        # Typer turns a broken pipe into exit 1; a reader that stopped early is not an error of ours.
        if isinstance(exc.__context__, BrokenPipeError) or (
                isinstance(exc.__context__, OSError) and exc.__context__.errno == 32):
            _silence_stdout()
            return 141
        raise
    except Exception as exc:  # noqa: BLE001
        if hasattr(exc, "exit_code") and hasattr(exc, "format_message"):
            return _click_error(exc)
        if type(exc).__name__ == "Abort":  # Ctrl-C or Ctrl-D at a prompt: an interruption
            sys.stderr.write("\n")
            return exitcodes.INTERRUPTED
        if isinstance(exc, UnicodeEncodeError) and exc.reason == "surrogates not allowed":
            # bytes that were never UTF-8 text (argv, environment, a file name) met a text API
            report({"code": "usage_error", "message": "an argument, environment variable or file name "
                    "is not valid UTF-8 text", "hint": "makini reads text as UTF-8: check the value's "
                    "bytes and your locale"})
            return exitcodes.USAGE
        if isinstance(exc, OSError):
            report({"code": "os_error", "message": f"{exc.strerror or exc}"
                    + (f": {exc.filename}" if getattr(exc, "filename", None) else "")})
            return exitcodes.ERROR
        if current().opts.debug:
            import traceback

            traceback.print_exc()
        report({"code": "internal_error", "message": f"internal error: {type(exc).__name__}: {exc}",
                "hint": "this is a bug in makini; rerun with --debug and report it"})
        return exitcodes.ERROR


def _check_text(args: list[str]) -> None:
    """Arguments are UTF-8 text. Bytes that are not arrive as lone surrogates (Python's
    surrogateescape) and would break the first thing that encodes them (a URL, a hash, the
    terminal): refused here, unless the argument names an existing file (a non-UTF-8 file name)."""
    from .errors import UsageError

    for n, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            if os.path.lexists(arg.split("=", 1)[-1]):
                continue
            raise UsageError(f"argument {n} is not valid UTF-8 text: {ascii(arg)[:80]}",
                             hint="makini reads its arguments as UTF-8: check the value's bytes and your locale") from None


def _invoked_group(args: list[str], groups: set[str], valued: frozenset[str]) -> str | None:
    """The group this run invokes, or None (root help, unknown command, shell completion)."""
    if os.environ.get("_MAKINI_COMPLETE"):
        return None
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in valued
        else:
            return arg if arg in groups else None
    return None


def _click_error(exc) -> int:
    """Usage errors from the argument parser: one line and a hint, JSON when in JSON mode."""
    code = int(getattr(exc, "exit_code", 2))
    message = exc.format_message()
    if type(exc).__name__ == "NoArgsIsHelpError":
        sys.stderr.write(message + "\n") if message else None
        return exitcodes.USAGE
    ctx = getattr(exc, "ctx", None)
    command_path = ctx.command_path if ctx is not None else "makini"
    report({"code": "usage_error", "message": message,
            "hint": f"see `{command_path} --help`"})
    return code


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
