"""Alembic environment: runs migrations on the engine profplan opened (see store.db).

Each concern keeps its tables next to its code (`<package>/tables.py`);
importing them here puts every table on SQLModel.metadata for autogenerate.
"""

import importlib

from alembic import context
from sqlmodel import SQLModel

from store.db import TABLE_MODULES

for module in TABLE_MODULES:
    importlib.import_module(module)

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
