"""Demo sign-in accounts of the sample region (DEMO ONLY: published passwords, never in production).

``symbiosis init --sample`` creates them so that the app can be tried at once with each role. The
passwords are documented in ``docs/app.md``; anyone who reads this file knows them. They exist only on
demo data: ``init --sample`` refuses a registry holding real firms, and the first real firm added to a
sample registry disables them (:mod:`symbiosis.db.demo`); the app shows a banner while they work.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from symbiosis.db import Actor, Repository
from symbiosis.db.accounts import AccountRepository

__all__ = ["DEMO_ACCOUNTS", "DemoAccount", "create_demo_accounts"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoAccount:
    """One demo account.

    Parameters
    ----------
    user_id
        What the user types in the sign-in form.
    password
        Its published password (demo only).
    role
        ``advisor``, ``firm`` or ``program_manager``.
    firm_id
        The sample firm of a ``firm`` account (``data/sample/firms.csv``), else ``None``.
    display_name
        Name shown in the app once signed in.
    """

    user_id: str
    password: str
    role: str
    firm_id: str | None
    display_name: str


#: The demo accounts, one line each (DEMO ONLY: these passwords are public).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("conseillere", "demo-conseillere", "advisor", None, "Conseillère en symbiose (démo)"),
    DemoAccount(
        "gestionnaire", "demo-gestionnaire", "program_manager", None, "Gestionnaire de programme (démo)"
    ),
    DemoAccount("scierie", "demo-scierie", "firm", "F0007", "Sciage des Épinettes (démo)"),
    DemoAccount("serres", "demo-serres", "firm", "F0102", "Serres Pointe-Taillon (démo)"),
    DemoAccount("aluminerie", "demo-aluminerie", "firm", "F0017", "Électrolyse Lac-Vert (démo)"),
)


def create_demo_accounts(
    repo: Repository, actor: Actor, accounts: Iterable[DemoAccount] = DEMO_ACCOUNTS
) -> list[str]:
    """Create the demo accounts that do not exist yet; return the ids created (idempotent).

    A firm account whose firm is not in the registry is skipped with a warning.

    Parameters
    ----------
    repo
        The registry.
    actor
        Who creates them (``system`` or an advisor).
    accounts
        The accounts to create, :data:`DEMO_ACCOUNTS` by default.
    """
    existing = set(repo.users(actor)["user_id"])
    firms = set(repo.firms(actor)["firm_id"])
    created = []
    for account in accounts:
        if account.user_id in existing:
            continue
        if account.firm_id is not None and account.firm_id not in firms:
            logger.warning("demo account %s skipped: no firm %s", account.user_id, account.firm_id)
            continue
        AccountRepository(repo).create_account(
            actor,
            account.user_id,
            account.password,
            account.role,
            account.firm_id,
            display_name=account.display_name,
            is_demo=True,
        )
        created.append(account.user_id)
    return created
