"""Persistence: the registry database (SQLite by default, PostgreSQL by URL) and its one door.

Everything that reads or writes firm data goes through :class:`Repository`, whose every method takes
the :class:`Actor` on whose behalf it runs and enforces the access rules of the roles (see
:mod:`symbiosis.db.actor`). Writes are transactional and audited in the append-only ``audit_log``.

Tables: ``firms``, ``streams``, ``users``, ``import_batches``, ``audit_log`` (see
:mod:`symbiosis.db.models`); the schema is created and upgraded by the Alembic migrations shipped in
``symbiosis/db/migrations`` (:func:`migrate`).

Examples
--------
>>> from symbiosis.db import Actor, Repository
>>> repo = Repository.from_url("sqlite:///data/symbiosis.db")  # doctest: +SKIP
>>> registry = repo.load_registry(Actor.system("cli"))          # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiosis.db.actor import ROLES, USER_ROLES, Actor, PermissionDenied
    from symbiosis.db.engine import DATABASE_ERRORS, make_engine
    from symbiosis.db.migrate import current_revision, migrate, schema_diff
    from symbiosis.db.passwords import hash_password, verify_password
    from symbiosis.db.repository import NotFound, Repository

#: Where each public name lives. The package imports its modules on first use (PEP 562): the
#: repository, SQLAlchemy and the ORM models cost about 0.25 CPU s, which a process that reads the
#: registry through :mod:`symbiosis.db.sqlite_read` (``symbiosis match``) never pays.
_HOMES: dict[str, str] = {
    "ROLES": "symbiosis.db.actor",
    "USER_ROLES": "symbiosis.db.actor",
    "Actor": "symbiosis.db.actor",
    "PermissionDenied": "symbiosis.db.actor",
    "DATABASE_ERRORS": "symbiosis.db.engine",
    "make_engine": "symbiosis.db.engine",
    "current_revision": "symbiosis.db.migrate",
    "migrate": "symbiosis.db.migrate",
    "schema_diff": "symbiosis.db.migrate",
    "hash_password": "symbiosis.db.passwords",
    "verify_password": "symbiosis.db.passwords",
    "NotFound": "symbiosis.db.repository",
    "Repository": "symbiosis.db.repository",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


class _Package(types.ModuleType):
    """This package, whose public function ``migrate`` is not hidden by its submodule of that name.

    Importing a submodule binds it on its package; eager imports rebound the function right after,
    lazy ones cannot, so the binding of a submodule over a public name is ignored here.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "DATABASE_ERRORS",
    "ROLES",
    "USER_ROLES",
    "Actor",
    "NotFound",
    "PermissionDenied",
    "Repository",
    "current_revision",
    "hash_password",
    "make_engine",
    "migrate",
    "schema_diff",
    "verify_password",
]
