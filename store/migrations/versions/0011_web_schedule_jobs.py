"""web workspace: schedule jobs run in the background (one active job per school)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:35:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_schedule_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('active_school', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('time_limit', sa.Float(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['web_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('active_school')
    )
    with op.batch_alter_table('web_schedule_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_schedule_job_school_id'), ['school_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('web_schedule_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_schedule_job_school_id'))
    op.drop_table('web_schedule_job')
