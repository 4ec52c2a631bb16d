"""region runs and each school's latest region result

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('region_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('cluster', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('workers', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('time_limit', sa.Float(), nullable=False),
    sa.Column('schools', sa.Integer(), nullable=False),
    sa.Column('solved', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('region_result',
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('input_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('gap', sa.Float(), nullable=True),
    sa.Column('timetable_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['region_run.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['timetable_id'], ['timetable.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('school_id')
    )
    with op.batch_alter_table('region_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_result_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('region_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_result_run_id'))

    op.drop_table('region_result')
    op.drop_table('region_run')
