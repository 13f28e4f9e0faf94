"""The advisor's accounts screen: the table of accounts with their state, new passwords, new ids."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Collection

import pandas as pd

from symbiosis.i18n import t
from symbiosis.views.markdown import markdown_plain

__all__ = [
    "PASSWORD_ALPHABET",
    "account_label",
    "account_problem",
    "account_state",
    "accounts_table",
    "generate_password",
    "suggest_user_id",
]

#: Letters and digits a person can read aloud and type without confusion (no 0/O, 1/l/I).
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NOT_ID = re.compile(r"[^a-z0-9]++")


def generate_password(length: int = 16) -> str:
    """Return a random password (about 93 bits at 16 characters), to give to the user once."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def account_state(row: pd.Series) -> str:
    """Return the state key of an account: ``disabled``, ``locked``, ``demo`` or ``active``."""
    if bool(row["disabled"]):
        return "disabled"
    if bool(row["locked"]):
        return "locked"
    return "demo" if bool(row["is_demo"]) else "active"


def accounts_table(
    accounts: pd.DataFrame, lang: str = "fr", *, firm_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """Return the accounts as shown: id, name, role, firm, state and failed sign-ins, in ``lang``."""
    firm_names = firm_names or {}
    rows = []
    for _, row in accounts.iterrows():
        firm = row["firm_id"]
        rows.append(
            {
                t("accounts.col.user_id", lang): row["user_id"],
                t("accounts.col.name", lang): row["display_name"],
                t("accounts.col.role", lang): t(f"auth.role.{row['role']}", lang),
                t("accounts.col.firm", lang): f"{firm} — {firm_names[firm]}" if firm in firm_names else firm,
                t("accounts.col.state", lang): t(f"accounts.state.{account_state(row)}", lang),
                t("accounts.col.failures", lang): int(row["failures"]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            t(f"accounts.col.{c}", lang) for c in ("user_id", "name", "role", "firm", "state", "failures")
        ],
    )


def account_label(row: pd.Series, lang: str = "fr") -> str:
    """One line naming an account in a picker: ``id — name (state)``."""
    return f"{row['user_id']} — {row['display_name']} ({t(f'accounts.state.{account_state(row)}', lang)})"


def account_problem(user_id: str, role: str, firm_id: str, taken: Collection[str], lang: str = "fr") -> str:
    """Why an account cannot be created as filled in, in ``lang`` (``""`` when it can).

    The same rules the repository enforces (``AccountRepository.create_account``), said to the advisor
    in the page's language with what to do, before anything is written.
    """
    user_id = user_id.strip()
    if role == "firm" and not firm_id:
        return t("accounts.problem.firm_needed", lang)
    if role != "firm" and firm_id:
        return t("accounts.problem.no_firm", lang, role=t(f"auth.role.{role}", lang))
    if not user_id:
        return t("accounts.problem.id_needed", lang)
    if len(user_id) > 64 or not all(c.isalnum() or c in "-_.@" for c in user_id):
        return t("accounts.problem.id_chars", lang, user_id=markdown_plain(user_id, max_chars=70))
    if user_id in set(taken):
        return t("accounts.problem.id_taken", lang, user_id=markdown_plain(user_id))
    return ""


def suggest_user_id(firm_name: str, taken: Collection[str]) -> str:
    """Return a free user id made from a firm's name (``Scierie Éloïse ltée`` → ``scierie-eloise-ltee``)."""
    plain = unicodedata.normalize("NFKD", firm_name).encode("ascii", "ignore").decode().lower()
    base = _NOT_ID.sub("-", plain).strip("-")[:40] or "entreprise"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
