"""Every table of the registry database on one ``MetaData``: what the migrations are compared with.

Importing this module registers all the table modules on :class:`~symbiosis.db.base.Base`; the
Alembic environment, :func:`~symbiosis.db.migrate.schema_diff` and the repository's list of its own
tables read :data:`METADATA`.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from symbiosis.db import (  # noqa: F401
    models,
    models_mutual,
    models_notifications,
    models_security,
    models_synergy,
)
from symbiosis.db.base import Base

__all__ = ["METADATA"]

#: The registry's tables (firms, streams, permits, users, imports, audit, security, synergies,
#: notifications, the mutualisation levers' inputs).
METADATA: MetaData = Base.metadata
