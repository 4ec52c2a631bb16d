"""school closures kept with the school, pinned placements

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:30:00.000000

- `school.closures`: the closures a re-plan added (`replan --closed`, removed
  by `--reopen`), honoured by every later schedule and re-plan; filled from
  each school's current timetable, which until now was the only place they
  were kept;
- `placement.pinned`: a placement the coordinator pinned or moved by hand,
  carried into every later timetable at its date and slot;
- `timetable.objective_terms`: the penalty per class and soft goal.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('school', sa.Column('closures', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('placement', sa.Column('pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('timetable', sa.Column('objective_terms', sa.JSON(), nullable=False, server_default='{}'))
    connection = op.get_bind()
    school = sa.table('school', sa.column('id', sa.String), sa.column('closures', sa.JSON))
    for school_id, closures in connection.execute(
        sa.text("SELECT school_id, closures FROM timetable WHERE current = :yes"), {"yes": True}
    ).all():
        value = json.loads(closures) if isinstance(closures, str) else closures
        if value:
            connection.execute(school.update().where(school.c.id == school_id).values(closures=value))


def downgrade() -> None:
    with op.batch_alter_table('timetable') as batch:
        batch.drop_column('objective_terms')
    with op.batch_alter_table('placement') as batch:
        batch.drop_column('pinned')
    with op.batch_alter_table('school') as batch:
        batch.drop_column('closures')
