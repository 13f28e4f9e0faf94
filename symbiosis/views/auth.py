"""Sign-in as the screen shows it: the message of each outcome, the client's address, the session cookie.

The throttle itself is in the database (:mod:`symbiosis.db.signin`), so that a fresh browser session
does not reset it; this module only words its answers and writes the small script that keeps the
signed session token in a cookie, so that a refresh or a deep link keeps the user signed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

__all__ = [
    "COOKIE",
    "LANG_COOKIE",
    "client_source",
    "cookie_script",
    "display_name",
    "lang_cookie_script",
    "lang_from_cookie",
    "signin_message",
]

#: Name of the cookie holding the signed session token.
COOKIE = "symbiosis_session"
#: Name of the cookie holding the interface language, so that a refresh or a typed address keeps it.
LANG_COOKIE = "symbiosis_lang"
_LANGS = ("fr", "en")
#: How long the browser remembers the language (one year).
LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600
_TOKEN = re.compile(r"^v1\.[A-Za-z0-9_\-]{20,100}\.\d{1,12}\.[0-9a-f]{64}$")
_ADDRESS = re.compile(r"^[0-9A-Fa-f:.]{2,45}$")


def signin_message(outcome: str, wait_s: int = 0) -> tuple[str, dict[str, object]]:
    """Return the catalogue key and values of the message for a refused sign-in.

    ``outcome`` and ``wait_s`` are those of the throttle's answer (:class:`symbiosis.db.signin.SignIn`).
    None of them says whether the account exists: an unknown id fails, waits and locks like a known one.
    """
    if outcome == "throttled":
        return "signin.throttled", {"seconds": wait_s}
    if outcome == "locked":
        return "signin.locked", {}
    if outcome == "demo_disabled":
        return "signin.demo_disabled", {}
    return "signin.failed", {}


def client_source(headers: Mapping[str, str], ip_address: str | None) -> str:
    """Return the client's address for the per-source throttle (``local`` when unknown).

    Behind a reverse proxy the last ``X-Forwarded-For`` hop is the one the proxy saw (earlier hops are
    written by the client); without a proxy, the address of the connection.
    """
    header = headers.get("X-Forwarded-For", "") if hasattr(headers, "get") else ""
    forwarded = [h.strip() for h in (header if isinstance(header, str) else "").split(",") if h.strip()]
    for candidate in (forwarded[-1] if forwarded else None, ip_address):
        if isinstance(candidate, str) and _ADDRESS.match(candidate):
            return candidate
    return "local"


def cookie_script(token: str | None, *, max_age_s: int) -> str:
    """Return the ``<script>`` that stores ``token`` in the session cookie, or clears it (``None``).

    The cookie is ``SameSite=Strict`` (never sent by another site), ``Secure`` over HTTPS, and lasts
    ``max_age_s`` seconds (the session's lifetime, :data:`symbiosis.db.sessions.SESSION_LIFETIME`).
    Only a well-formed token is ever written into the script.

    Raises
    ------
    ValueError
        ``token`` is not a session token.
    """
    if token is None:
        value, age = "", 0
    elif _TOKEN.match(token):
        value, age = token, int(max_age_s)
    else:
        raise ValueError("not a session token")
    return (
        "<script>document.cookie = '"
        + COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + str(age)
        + "; SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )


def display_name(users: pd.DataFrame, user_id: str) -> str:
    """Return the account's display name from a users listing, else its id."""
    match = users.loc[users["user_id"] == user_id, "display_name"] if len(users) else pd.Series()
    return str(match.iloc[0]) if len(match) and str(match.iloc[0]).strip() else user_id


def lang_from_cookie(value: object) -> str | None:
    """Return the interface language kept in the language cookie, or ``None`` if absent or not a language."""
    return value if isinstance(value, str) and value in _LANGS else None


def lang_cookie_script(lang: str) -> str:
    """Return the ``<script>`` that keeps the interface language in a cookie (``fr`` or ``en`` only).

    Raises
    ------
    ValueError
        ``lang`` is not an interface language.
    """
    if lang not in _LANGS:
        raise ValueError("not an interface language")
    return (
        f"<script>document.cookie = '{LANG_COOKIE}={lang}; Path=/; Max-Age={LANG_COOKIE_MAX_AGE_S}"
        "; SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )
