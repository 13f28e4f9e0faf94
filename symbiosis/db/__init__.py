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

from symbiosis.db.actor import ROLES, USER_ROLES, Actor, PermissionDenied
from symbiosis.db.engine import DATABASE_ERRORS, make_engine
from symbiosis.db.migrate import current_revision, migrate, schema_diff
from symbiosis.db.passwords import hash_password, verify_password
from symbiosis.db.repository import NotFound, Repository

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
