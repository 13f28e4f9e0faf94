"""PostgreSQL: the app's role owns nothing and is granted only what the repository needs.

Migrations run as the schema's owner; the app connects as another role (``DATABASE_URL``), which
may read and write the registry's tables but only read and append to ``audit_log``. Not being the
owner, it cannot ``ALTER TABLE … DISABLE TRIGGER``, drop a trigger or the table, and (not being a
superuser) cannot switch ``session_replication_role`` to skip triggers.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Connection

__all__ = ["APPEND_ONLY_TABLES", "grant_app_role"]

#: Tables the app's role may read and insert into, never change.
APPEND_ONLY_TABLES: tuple[str, ...] = ("audit_log",)
_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def grant_app_role(conn: Connection, role: str) -> None:
    """Grant ``role`` the rights the app needs on the current schema (run as the owner; idempotent).

    Raises
    ------
    ValueError
        ``role`` is not a plain identifier, or is the connected (owner) role itself.
    """
    if not _ROLE.match(role):
        raise ValueError(f"not a role name: {role!r}")
    if conn.exec_driver_sql("SELECT current_user").scalar() == role:
        raise ValueError("the app's role must not be the owner the migrations run as")
    quote = conn.dialect.identifier_preparer.quote
    schema = quote(conn.exec_driver_sql("SELECT current_schema()").scalar())
    who = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.{quote(t)} FROM {who}" for t in APPEND_ONLY_TABLES
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
