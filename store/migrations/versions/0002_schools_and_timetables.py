"""schools, timetables and placements

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:30:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('year', sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
    sa.Column('profile', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('timetable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('objective', sa.Integer(), nullable=True),
    sa.Column('bound', sa.Integer(), nullable=True),
    sa.Column('solve_seconds', sa.Float(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('workers', sa.Integer(), nullable=False),
    sa.Column('time_limit', sa.Float(), nullable=False),
    sa.Column('ortools_version', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('input_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('span_start', sa.Date(), nullable=False),
    sa.Column('span_end', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('closures', sa.JSON(), nullable=False),
    sa.Column('required', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['timetable.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('timetable', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timetable_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_timetable_school_current', ['school_id', 'current'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('timetable_id', sa.Integer(), nullable=False),
    sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('task', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('class_name', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('activity', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('series', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('start_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('end_time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('staff', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('item_ref', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['timetable_id'], ['timetable.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('timetable_id', 'uid')
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_timetable_id'), ['timetable_id'], unique=False)
        batch_op.create_index('ix_placement_timetable_class', ['timetable_id', 'class_name'], unique=False)
        batch_op.create_index('ix_placement_timetable_staff', ['timetable_id', 'staff'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_timetable_staff')
        batch_op.drop_index('ix_placement_timetable_class')
        batch_op.drop_index(batch_op.f('ix_placement_timetable_id'))

    op.drop_table('placement')
    with op.batch_alter_table('timetable', schema=None) as batch_op:
        batch_op.drop_index('ix_timetable_school_current')
        batch_op.drop_index(batch_op.f('ix_timetable_school_id'))

    op.drop_table('timetable')
    op.drop_table('school')
