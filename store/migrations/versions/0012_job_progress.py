"""web workspace: a schedule job keeps its progress (stage, classes or weeks done, the plan's penalty)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 07:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('web_schedule_job') as batch:
        batch.add_column(sa.Column('progress', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('web_schedule_job') as batch:
        batch.drop_column('progress')
