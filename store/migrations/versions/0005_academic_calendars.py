"""academic calendars imported from orders and schools' calendar schedules

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('academic_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', AutoString(length=16), nullable=False),
    sa.Column('school_year', AutoString(length=9), nullable=False),
    sa.Column('school_id', AutoString(length=64), nullable=True),
    sa.Column('source_name', AutoString(length=255), nullable=False),
    sa.Column('content_hash', AutoString(length=64), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('imported_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('academic_calendar', schema=None) as batch_op:
        batch_op.create_index('ix_academic_calendar_region_year', ['region', 'school_year'], unique=True,
                              sqlite_where=sa.text('school_id IS NULL'), postgresql_where=sa.text('school_id IS NULL'))
        batch_op.create_index('ix_academic_calendar_school_year', ['school_id', 'school_year'], unique=True,
                              sqlite_where=sa.text('school_id IS NOT NULL'), postgresql_where=sa.text('school_id IS NOT NULL'))


def downgrade() -> None:
    with op.batch_alter_table('academic_calendar', schema=None) as batch_op:
        batch_op.drop_index('ix_academic_calendar_school_year')
        batch_op.drop_index('ix_academic_calendar_region_year')
    op.drop_table('academic_calendar')
