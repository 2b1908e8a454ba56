"""Exit codes: the contract with scripts. Documented in the README and `makini --help`."""

OK = 0
ERROR = 1
USAGE = 2
CHECK_FAILED = 3
AUTH = 4
INTERRUPTED = 130

HELP_TEXT = (
    "Exit codes: 0 success (an empty list too), 1 error, 2 usage or bad input, "
    "3 a check found a problem, 4 authentication needed or refused, 130 interrupted."
)


def for_error(exc: BaseException) -> int:
    code = getattr(exc, "code", None)
    if code in ("auth_failed", "permission_denied"):
        return AUTH
    if code in ("usage_error", "validation_failed", "config_error", "insecure_transport"):
        return USAGE
    if code == "check_failed":
        return CHECK_FAILED
    return ERROR
