"""tracking start, item check-ins, indicators, typed alert stages, feed tokens, gzip and change stamps

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:30:00.000000

- `checkin_rule` becomes `roadmap_tracking` with the tracking start: each
  stored roadmap gets one, starting at the later of its period start (or school
  year start, never before the order's date) and the day it was imported;
- `item_checkins` (an item's own check-in frequency) and the indicator tables;
- `deadline_occurrence.planned_on` goes: whether a timetable plans an
  occurrence is read from the current timetables, never counted as done;
- `alert_delivery.stage` "soon:7" becomes the pair (stage, step);
- `feed_subscription` gets the token salt and the school it follows,
  `feed_cache` the gzipped body and the input change stamp (existing cached
  feeds are dropped: they are rebuilt on the next request);
- `school.address`.
"""

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _as_date(value: object) -> date:
    """A DATE or TIMESTAMP as the driver returns it (SQLite: ISO text) → the calendar date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _initial_track_from(period_start: object, school_year: str | None, doc_date: object, imported_at: object) -> date:
    """The later of the roadmap's period start (its school year's, never before the order) and its import day."""
    starts = [_as_date(day) for day in (period_start or (f"{school_year[:4]}-09-01" if school_year else None), doc_date)
              if day]
    return max([*starts, _as_date(imported_at)])


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table('roadmap_tracking',
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('track_from', sa.Date(), nullable=False),
    sa.Column('checkin_every', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('roadmap_id')
    )
    every: dict[int, str] = {row[0]: row[1] for row in connection.execute(sa.text("SELECT roadmap_id, every FROM checkin_rule"))}
    tracking = sa.table('roadmap_tracking', sa.column('roadmap_id', sa.Integer), sa.column('track_from', sa.Date),
                        sa.column('checkin_every', sa.String), sa.column('updated_at', sa.DateTime))
    rows = [
        {'roadmap_id': roadmap_id, 'track_from': _initial_track_from(period_start, school_year, doc_date, imported_at),
         'checkin_every': every.get(roadmap_id, 'quarter'), 'updated_at': datetime.now(UTC)}
        for roadmap_id, period_start, school_year, doc_date, imported_at in connection.execute(sa.text(
            "SELECT id, period_start, school_year, doc_date, imported_at FROM roadmap")).all()
    ]
    if rows:
        op.bulk_insert(tracking, rows)
    op.drop_table('checkin_rule')

    op.create_table('item_checkins',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('every', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id')
    )
    op.create_table('indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
    sa.Column('goal', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('roadmap_id', 'ordinal')
    )
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_roadmap_id'), ['roadmap_id'], unique=False)
    op.create_table('indicator_target',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', 'year')
    )
    op.create_table('indicator_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_value_indicator_id'), ['indicator_id'], unique=False)

    # Timetable coverage is read from the current timetables now; the machine-made "planned" events go with it.
    connection.execute(sa.text("DELETE FROM occurrence_event WHERE action = 'planned'"))
    # A plain ALTER (SQLite 3.35+): batch mode would copy the table, and dropping the old copy with foreign
    # keys on would cascade to every occurrence's history.
    op.execute("ALTER TABLE deadline_occurrence DROP COLUMN planned_on")

    _rebuild_alert_delivery(connection, typed=True)

    # Plain ALTERs on the parent tables (feed_subscription, school): never a batch copy, see above.
    op.add_column('feed_subscription', sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('feed_subscription', sa.Column('school_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.create_index('ix_feed_subscription_school_id', 'feed_subscription', ['school_id'], unique=False)
    for subscription_id, _kind, target in connection.execute(sa.text(
            "SELECT id, target_kind, target FROM feed_subscription WHERE target_kind IN ('school', 'class', 'staff')")):
        connection.execute(sa.text("UPDATE feed_subscription SET school_id = :school WHERE id = :id"),
                           {'school': target.partition('/')[0], 'id': subscription_id})
    connection.execute(sa.text("DELETE FROM feed_cache"))  # rebuilt on the next request, with its gzip and stamp
    with op.batch_alter_table('feed_cache', schema=None) as batch_op:  # a child table: copying it is safe
        batch_op.add_column(sa.Column('body_gzip', sa.LargeBinary(), nullable=False))
        batch_op.add_column(sa.Column('input_stamp', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False))

    op.add_column('school', sa.Column('address', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def _create_alert_delivery(name: str, typed: bool) -> None:
    stage: list[sa.Column[Any]] = ([sa.Column('stage', sa.String(length=12), nullable=False), sa.Column('step', sa.Integer(), nullable=False)]
             if typed else [sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False)])
    op.create_table(
        name,
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('occurrence_id', sa.Integer(), sa.ForeignKey('deadline_occurrence.id', ondelete='CASCADE'),
                  nullable=False),
        *stage,
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.UniqueConstraint('occurrence_id', 'stage', *(['step'] if typed else []), 'recipient'),
    )


_KEPT_COLUMNS = ("occurrence_id", "role", "recipient", "status", "attempts", "last_attempt_at", "sent_at", "error")


def _rebuild_alert_delivery(connection: sa.engine.Connection, typed: bool) -> None:
    """alert_delivery rebuilt with "soon:7" as (stage, step), or back: a new table, filled in SQL, then renamed.

    The same on SQLite and PostgreSQL (the old unique constraint has no name
    SQLite could drop it by); ids are not kept, nothing refers to them.
    """
    _create_alert_delivery('alert_delivery_rebuilt', typed)
    kept = ", ".join(_KEPT_COLUMNS)
    if typed:
        sqlite = connection.dialect.name == 'sqlite'
        kind = "substr(stage, 1, instr(stage, ':') - 1)" if sqlite else "split_part(stage, ':', 1)"
        step = "substr(stage, instr(stage, ':') + 1)" if sqlite else "split_part(stage, ':', 2)"
        connection.execute(sa.text(f"INSERT INTO alert_delivery_rebuilt ({kept}, stage, step) "
                                   f"SELECT {kept}, {kind}, CAST({step} AS INTEGER) FROM alert_delivery"))
    else:
        connection.execute(sa.text(f"INSERT INTO alert_delivery_rebuilt ({kept}, stage) "
                                   f"SELECT {kept}, stage || ':' || CAST(step AS VARCHAR) FROM alert_delivery"))
    op.drop_index('ix_alert_delivery_occurrence_id', table_name='alert_delivery')
    op.drop_table('alert_delivery')
    op.rename_table('alert_delivery_rebuilt', 'alert_delivery')
    op.create_index('ix_alert_delivery_occurrence_id', 'alert_delivery', ['occurrence_id'], unique=False)


def downgrade() -> None:
    op.execute("ALTER TABLE school DROP COLUMN address")
    connection = op.get_bind()
    connection.execute(sa.text("DELETE FROM feed_cache"))
    with op.batch_alter_table('feed_cache', schema=None) as batch_op:
        batch_op.drop_column('input_stamp')
        batch_op.drop_column('body_gzip')
    op.drop_index('ix_feed_subscription_school_id', table_name='feed_subscription')
    op.execute("ALTER TABLE feed_subscription DROP COLUMN school_id")
    op.execute("ALTER TABLE feed_subscription DROP COLUMN salt")
    _rebuild_alert_delivery(connection, typed=False)
    op.add_column('deadline_occurrence', sa.Column('planned_on', sa.Date(), nullable=True))
    op.drop_table('indicator_value')
    op.drop_table('indicator_target')
    op.drop_table('indicator')
    op.drop_table('item_checkins')
    op.create_table('checkin_rule',
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('every', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['roadmap_id'], ['roadmap.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('roadmap_id')
    )
    connection.execute(sa.text("INSERT INTO checkin_rule (roadmap_id, every) "
                               "SELECT roadmap_id, checkin_every FROM roadmap_tracking WHERE checkin_every != 'quarter'"))
    op.drop_table('roadmap_tracking')
