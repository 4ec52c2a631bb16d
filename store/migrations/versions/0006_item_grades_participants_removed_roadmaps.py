"""item grades and participants, archive of removed roadmaps

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:40:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0006'
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grades', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('participants', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('removed_roadmap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('marks', sa.Integer(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('removed_roadmap', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_roadmap_key'), ['key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('removed_roadmap', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_roadmap_key'))
    op.drop_table('removed_roadmap')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch copy of `item` on SQLite, with foreign
    # keys on, would cascade-delete every deadline occurrence and its history.
    op.drop_column('item', 'participants')
    op.drop_column('item', 'grades')
