"""feed subscriptions, rendered feeds and UID revisions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:40:00.000000
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('token_prefix', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('target_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feed_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feed_subscription_token_hash'), ['token_hash'], unique=True)

    op.create_table('feed_cache',
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subscription_id'], ['feed_subscription.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('subscription_id')
    )
    op.create_table('feed_component',
    sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('uid')
    )


def downgrade() -> None:
    op.drop_table('feed_component')
    op.drop_table('feed_cache')
    with op.batch_alter_table('feed_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feed_subscription_token_hash'))

    op.drop_table('feed_subscription')
