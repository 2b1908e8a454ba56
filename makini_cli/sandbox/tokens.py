"""Bearer tokens shaped like Makini's: HS256 JWTs signed with a per-seed sandbox key.

Claims: sub (client id or connection key), kind (admin | connection), typ (access | refresh),
jti, iat, exp. Every issued token is also a row in `tokens`, so the sandbox can revoke a pair on
refresh, revoke all of a connection's tokens on disconnect, and force-expire tokens for tests.
Expiry is judged by the sandbox clock, so advancing the clock expires tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sqlite3
from collections.abc import Callable

from .errors import ApiError


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def peek_claims(token: str) -> dict | None:
    """Claims without verification (fault rules match on the connection before auth runs)."""
    try:
        return json.loads(_unb64(token.split(".")[1]))
    except Exception:
        return None


class TokenService:
    def __init__(self, db: sqlite3.Connection, key: bytes, clock: Callable[[], float]) -> None:
        self.db, self.key, self.clock = db, key, clock

    def _sign(self, claims: dict) -> str:
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        sig = hmac.new(self.key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(sig)}"

    def issue_pair(self, kind: str, sub: str, ttl: float, refresh_ttl: float) -> dict:
        """A new access/refresh pair; `expires_in` is an absolute Unix time, as Makini sends."""
        now = int(self.clock())
        pair = secrets.token_hex(8)
        out = {}
        for typ, life in (("access", ttl), ("refresh", refresh_ttl)):
            jti = secrets.token_hex(12)
            exp = now + int(life)
            out[typ] = self._sign({"iss": "makini-sandbox", "sub": sub, "kind": kind, "typ": typ,
                                   "jti": jti, "iat": now, "exp": exp})
            out[typ + "_exp"] = exp
            self.db.execute("INSERT INTO tokens (jti, pair, kind, typ, sub, issued_at, expires_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)", (jti, pair, kind, typ, sub, now, exp))
        return {"access_token": out["access"], "refresh_token": out["refresh"],
                "token_type": "bearer", "expires_in": out["access_exp"]}

    def verify(self, token: str, typ: str = "access") -> dict:
        """Claims of a valid, unexpired, unrevoked token of type `typ`, else 401."""
        fail = ApiError(401, "Unauthenticated: the bearer token is invalid.",
                        "AUTHENTICATION_FAILED")
        parts = token.split(".")
        if len(parts) != 3:
            raise fail
        expected = hmac.new(self.key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            ok = hmac.compare_digest(expected, _unb64(parts[2]))
            claims = json.loads(_unb64(parts[1]))
        except Exception:
            raise fail from None
        if not ok or not isinstance(claims, dict) or claims.get("typ") != typ:
            raise fail
        row = self.db.execute("SELECT expires_at, revoked FROM tokens WHERE jti = ?",
                              (claims.get("jti"),)).fetchone()
        if row is None or row[1]:
            raise ApiError(401, "Unauthenticated: the token was revoked.",
                           "AUTHENTICATION_FAILED")
        if row[0] is not None and row[0] <= self.clock():
            raise ApiError(401, "Unauthenticated: the token has expired.",
                           "AUTHENTICATION_FAILED")
        return claims

    def refresh(self, refresh_token: str, ttl_for: Callable[[str], tuple[float, float]]) -> dict:
        """Exchange a refresh token for a new pair; the old pair stops working at once."""
        claims = self.verify(refresh_token, "refresh")
        self.db.execute("UPDATE tokens SET revoked = 1 WHERE pair = "
                        "(SELECT pair FROM tokens WHERE jti = ?)", (claims["jti"],))
        ttl, refresh_ttl = ttl_for(claims["kind"])
        return self.issue_pair(claims["kind"], claims["sub"], ttl, refresh_ttl)

    def revoke_sub(self, sub: str) -> int:
        return self.db.execute("UPDATE tokens SET revoked = 1 WHERE sub = ? AND revoked = 0",
                               (sub,)).rowcount

    def expire(self, kind: str | None = None, sub: str | None = None,
               include_refresh: bool = False) -> int:
        """Force-expire tokens now (tests of refresh); refresh tokens only if asked."""
        sql = "UPDATE tokens SET expires_at = ? WHERE revoked = 0 AND expires_at > ?"
        now = self.clock()
        args: list = [now - 1, now - 1]
        if not include_refresh:
            sql += " AND typ = 'access'"
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if sub:
            sql += " AND sub = ?"
            args.append(sub)
        return self.db.execute(sql, args).rowcount
