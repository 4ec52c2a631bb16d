"""Alembic environment: runs migrations on the connection store.db.upgrade opened and locked.

Each concern keeps its tables next to its code (`<package>/tables.py`);
importing them here puts every table on SQLModel.metadata for autogenerate.
The connection is already inside the migration lock's transaction, so the
whole upgrade commits or rolls back as one (SQLite and PostgreSQL both have
transactional DDL).
"""

import importlib

from alembic import context
from sqlmodel import SQLModel

from store.db import TABLE_MODULES

for module in TABLE_MODULES:
    importlib.import_module(module)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
context.run_migrations()
