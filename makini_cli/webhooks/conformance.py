"""`makini webhooks test`: does an endpoint receive Makini's webhooks correctly?

It plays Makini against a URL: signed deliveries of each chosen event, then the attacks and
accidents a receiver must survive (forged, unsigned and tampered requests, duplicates, events out
of order). A delivery that fails is re-sent on a retry schedule, as Makini would, and every
attempt goes to the delivery log. `Report.ok` is true when every required check passed; the CLI
exits 0 then, 3 otherwise.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from makini_cli.webhooks import catalog
from makini_cli.webhooks.deliverylog import DeliveryLog
from makini_cli.webhooks.signing import HEADER, sign
from ..urls import is_loopback

PASS, FAIL, WARN, SKIP = "PASS", "FAIL", "WARN", "SKIP"
USER_AGENT = "Makini-Webhooks/makini-cli-test"


@dataclass(frozen=True)
class Schedule:
    """Retries after a failed attempt: `first` seconds, times `factor` each time."""

    first: float
    factor: float
    max_attempts: int

    def delays(self) -> list[float]:
        return [self.first * self.factor ** i for i in range(max(0, self.max_attempts - 1))]


SCHEDULES = {
    # Makini's timings (30 s, doubling); Makini keeps on for 24 h, a test run stops at 5 attempts
    "makini": Schedule(catalog.RETRY_FIRST_S, catalog.RETRY_FACTOR, 5),
    "fast": Schedule(0.2, 2.0, 4),
}


@dataclass
class Check:
    name: str
    result: str
    required: bool
    duration_ms: float = 0.0
    detail: str = ""
    attempts: list[dict] = field(default_factory=list)


@dataclass
class Report:
    url: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.result != FAIL for c in self.checks if c.required)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 3

    def to_dict(self) -> dict:
        return {"url": self.url, "ok": self.ok, "checks": [asdict(c) for c in self.checks]}


@dataclass
class _Attempt:
    attempt: int
    status_code: int | None
    duration_ms: float
    error: str | None
    location: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Tester:
    def __init__(self, url: str, secret: str, *, schedule: Schedule, ack_timeout: float,
                 slow_after: float, log: DeliveryLog | None, client) -> None:
        self.url, self.secret, self.schedule = url, secret, schedule
        self.ack_timeout, self.slow_after = ack_timeout, slow_after
        self.log, self.client = log, client
        self.timings: list[tuple[str, float]] = []
        self.redirects: list[tuple[str, str]] = []

    async def post(self, check: str, event: str, body: bytes, headers: dict, attempt: int
                   ) -> _Attempt:
        import httpx

        start = time.perf_counter()
        status = location = error = None
        try:
            # the ack timeout bounds the whole exchange: httpx's own timeout is per read, and
            # an endpoint dripping its answer a byte at a time would hold the run for ever
            async with asyncio.timeout(self.ack_timeout):
                resp = await self.client.post(self.url, content=body, headers=headers)
            status = resp.status_code
            location = resp.headers.get("location")
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except (httpx.TimeoutException, TimeoutError):
            error = f"no answer within {self.ack_timeout:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration = round((time.perf_counter() - start) * 1000.0, 2)  # ms, as the delivery log keeps them
        if status is not None and 300 <= status < 400:
            self.redirects.append((check, location or "(no Location header)"))
        if self.log is not None:
            try:
                self.log.append(source="test", url=self.url, event=event, status_code=status,
                                duration_ms=duration, error=error, attempt=attempt, body=body,
                                headers=headers, check=check)
            except OSError:
                pass  # the log is a convenience; it must not fail the test run
        return _Attempt(attempt, status, duration, error, location)

    async def deliver(self, check: str, event: str, body: bytes, headers: dict,
                      *, retry: bool = True) -> list[_Attempt]:
        """Send once; on failure re-send on the schedule. Returns every attempt."""
        attempts = [await self.post(check, event, body, headers, 1)]
        if retry and not attempts[-1].ok and not self.unreachable(attempts):
            for delay in self.schedule.delays():
                await asyncio.sleep(delay)
                attempts.append(await self.post(check, event, body, headers, len(attempts) + 1))
                if attempts[-1].ok or refused_twice(attempts):
                    break
        for a in attempts:
            if a.status_code is not None:
                self.timings.append((check, a.duration_ms))
        return attempts

    @staticmethod
    def unreachable(attempts: list[_Attempt]) -> bool:
        return attempts[0].status_code is None and "Connect" in (attempts[0].error or "")

    def signed(self, body: bytes, secret: str | None = None) -> dict:
        return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                HEADER: sign(body, secret if secret is not None else self.secret)}


# A receiver answers 401/403 to a signature it does not accept: a verdict, not a hiccup. It is
# retried once (a receiver can be mid-way through a secret rotation), not on the whole schedule:
# sending the same bytes four times cannot change the verdict, only make the run slow.
SIGNATURE_REFUSED = (401, 403)


def rejects_signature(attempt: _Attempt) -> bool:
    return attempt.status_code in SIGNATURE_REFUSED


def refused_twice(attempts: list[_Attempt]) -> bool:
    return len(attempts) >= 2 and all(rejects_signature(a) for a in attempts[-2:])


def _describe(attempts: list[_Attempt]) -> str:
    parts = [f"#{a.attempt}: {a.status_code if a.status_code is not None else a.error} "
             f"({a.duration_ms:.0f} ms)" for a in attempts]
    return "; ".join(parts)


def _verdict(attempts: list[_Attempt]) -> tuple[str, str]:
    """PASS when the first attempt got a 2xx, WARN when only a retry did, FAIL when none did."""
    first = attempts[0]
    if first.ok:
        return PASS, f"{first.status_code} in {first.duration_ms:.0f} ms"
    if all(rejects_signature(a) for a in attempts):
        return FAIL, (f"rejected with {first.status_code} ({_describe(attempts)}): the endpoint "
                      "refused the signature; check that it verifies with the same secret as this test "
                      "(--secret-file or MAKINI_WEBHOOK_SECRET), against the raw body")
    redirect = next((a for a in attempts if a.status_code and 300 <= a.status_code < 400), None)
    hint = (f"; redirected to {redirect.location}: point Makini at the final URL"
            if redirect else "")
    if attempts[-1].ok:
        return WARN, (f"acknowledged only on attempt {attempts[-1].attempt} "
                      f"({_describe(attempts)}){hint}")
    return FAIL, (f"not acknowledged with 2xx in time after {len(attempts)} attempt(s): "
                  f"{_describe(attempts)}{hint}")


def _acknowledged(name: str, deliveries: list[list[_Attempt]], started: float,
                  what: str) -> Check:
    """One check over one or more deliveries: its result is the worst of theirs."""
    duration = round((time.perf_counter() - started) * 1000.0, 2)
    verdicts = [_verdict(attempts) for attempts in deliveries]
    rows = [asdict(a) for attempts in deliveries for a in attempts]
    for result in (FAIL, WARN):
        bad = [text for r, text in verdicts if r == result]
        if bad:
            return Check(name, result, True, duration, f"{what}: {'; '.join(bad)}", rows)
    return Check(name, PASS, True, duration, f"{what}: {'; '.join(t for _, t in verdicts)}",
                 rows)


def _rejected(name: str, attempt: _Attempt, started: float, what: str, danger: str) -> Check:
    duration = round((time.perf_counter() - started) * 1000.0, 2)
    rows = [asdict(attempt)]
    code = attempt.status_code
    if code is not None and 400 <= code < 500:
        return Check(name, PASS, True, duration, f"{what}: rejected with {code}", rows)
    if code is not None and 200 <= code < 300:
        return Check(name, FAIL, True, duration, f"{what}: answered {code}: {danger}", rows)
    if code is not None and code >= 500:
        return Check(name, WARN, True, duration,
                     f"{what}: answered {code}; reject with 401 or 403, not a server error",
                     rows)
    if code is not None:
        return Check(name, FAIL, True, duration, f"{what}: answered {code}, expected 4xx", rows)
    return Check(name, WARN, True, duration,
                 f"{what}: no answer ({attempt.error}); reject with 401 or 403", rows)


async def run(url: str, secret: str, events: list[str] | None = None, *,
              retry_schedule: str | Schedule = "fast", ack_timeout: float = catalog.ACK_TIMEOUT_S,
              slow_after: float = 5.0, log: DeliveryLog | None = None, client=None,
              on_check: Callable[[Check], None] | None = None) -> Report:
    """Test the receiver at `url` with deliveries signed by `secret`.

    `events` picks the events (names or patterns; default every confirmed one). `log` defaults
    to the user's delivery log; pass `client` (an httpx.AsyncClient) to control transport.
    """
    import httpx

    schedule = SCHEDULES[retry_schedule] if isinstance(retry_schedule, str) else retry_schedule
    unknown = catalog.validate_selection(events)
    if unknown:
        raise ValueError(f"unknown webhook events: {', '.join(unknown)}")
    chosen = catalog.expand_selection(events)
    if log is None:
        log = DeliveryLog()
    from ..urls import BadURL, check_url

    try:
        check_url(url)
    except BadURL as exc:
        raise ValueError(f"not a usable URL: {url!r}: {exc}") from None
    parsed = httpx.URL(url)
    loopback = is_loopback(parsed.host)
    report = Report(url)

    def add(check: Check) -> None:
        report.checks.append(check)
        if on_check is not None:
            on_check(check)

    own_client = client is None
    if own_client:
        from ..urls import direct_mounts

        client = httpx.AsyncClient(timeout=ack_timeout, follow_redirects=False,
                                   mounts=direct_mounts(url))
    tester = _Tester(url, secret, schedule=schedule, ack_timeout=ack_timeout,
                     slow_after=slow_after, log=log, client=client)
    try:
        if parsed.scheme == "https":
            add(Check("uses HTTPS", PASS, False, detail="https"))
        elif loopback:
            add(Check("uses HTTPS", SKIP, False,
                      detail="plain http on loopback: fine locally; Makini requires HTTPS"))
        else:
            add(Check("uses HTTPS", WARN, False,
                      detail="plain http to a non-loopback host: Makini requires HTTPS"))

        for i, event in enumerate(chosen):
            started = time.perf_counter()
            body = catalog.encode(event, catalog.sample(event)["body"])
            attempts = await tester.deliver(f"delivers {event}", event, body,
                                            tester.signed(body))
            add(_acknowledged(f"delivers {event}", [attempts], started, "signed delivery"))
            if i == 0 and all(a.status_code is None for a in attempts):
                # nothing answered at all: the other checks would only wait for timeouts
                why = ("skipped: the endpoint is unreachable" if tester.unreachable(attempts)
                       else "skipped: the endpoint never answered")
                for name in [f"delivers {e}" for e in chosen[1:]] + list(_LATER_CHECKS):
                    add(Check(name, SKIP, True, detail=why))
                return report

        probe_event = chosen[0]
        body = catalog.encode(probe_event, catalog.sample(probe_event, seed=7)["body"])

        started = time.perf_counter()
        wrong = tester.signed(body, secret="not-" + secret)
        attempt = (await tester.deliver("rejects a wrong signature", probe_event, body, wrong,
                                        retry=False))[0]
        add(_rejected("rejects a wrong signature", attempt, started, "wrong signature",
                      "accepts forged requests"))

        started = time.perf_counter()
        unsigned = {k: v for k, v in tester.signed(body).items() if k != HEADER}
        attempt = (await tester.deliver("rejects an unsigned request", probe_event, body,
                                        unsigned, retry=False))[0]
        add(_rejected("rejects an unsigned request", attempt, started, "no signature header",
                      "accepts unsigned, so forged, requests"))

        started = time.perf_counter()
        tampered = body.replace(b'"body":["', b'"body":["1', 1)
        attempt = (await tester.deliver("rejects a tampered body", probe_event, tampered,
                                        tester.signed(body), retry=False))[0]
        add(_rejected("rejects a tampered body", attempt, started,
                      "body changed after signing",
                      "does not verify the signature against the raw body"))

        started = time.perf_counter()
        headers = tester.signed(body)
        first = await tester.deliver("acknowledges a duplicate", probe_event, body, headers)
        second = await tester.deliver("acknowledges a duplicate", probe_event, body, headers)
        check = _acknowledged("acknowledges a duplicate", [first, second], started,
                              "same delivery twice")
        if first[-1].ok and not second[0].ok:
            check = Check(check.name, FAIL, True, check.duration_ms,
                          "the second, identical delivery was not acknowledged "
                          f"({_describe(second)}): Makini redelivers; acknowledge duplicates "
                          "and deduplicate on your side", check.attempts)
        elif first[0].ok and second[0].ok:
            check.detail = "identical delivery acknowledged both times"
        add(check)

        started = time.perf_counter()
        entity = catalog.BY_NAME[probe_event].entity
        key = [catalog.make_key()]
        deliveries = []
        order = [f"{entity}.updated", f"{entity}.inserted"]
        order = [e for e in order if e in catalog.BY_NAME] or [probe_event]
        for event in order:
            out_body = catalog.encode(event, key)
            deliveries.append(await tester.deliver("acknowledges out-of-order events", event,
                                                   out_body, tester.signed(out_body)))
        check = _acknowledged("acknowledges out-of-order events", deliveries, started,
                              " before ".join(order))
        if check.result == PASS:
            check.detail = f"{' before '.join(order)} for the same id: both acknowledged"
        add(check)

        slow = [(name, ms) for name, ms in tester.timings if ms > slow_after * 1000.0]
        if slow:
            worst = max(slow, key=lambda x: x[1])
            add(Check("answers quickly", WARN, False,
                      detail=f"{len(slow)} answer(s) slower than {slow_after:g} s (worst "
                      f"{worst[1] / 1000:.1f} s, {worst[0]}); Makini gives up after "
                      f"{ack_timeout:g} s: acknowledge first, work later"))
        else:
            worst_ms = max((ms for _, ms in tester.timings), default=0.0)
            add(Check("answers quickly", PASS, False,
                      detail=f"slowest answer {worst_ms:.0f} ms"))

        if tester.redirects:
            name, location = tester.redirects[0]
            add(Check("no redirects", WARN, False,
                      detail=f"{len(tester.redirects)} redirect(s), e.g. {name} → {location}; "
                      "redirects are not followed: configure the final URL"))
        else:
            add(Check("no redirects", PASS, False, detail="no answer was a redirect"))
        return report
    finally:
        if own_client:
            await client.aclose()


_LATER_CHECKS = ("rejects a wrong signature", "rejects an unsigned request",
                 "rejects a tampered body", "acknowledges a duplicate",
                 "acknowledges out-of-order events")
