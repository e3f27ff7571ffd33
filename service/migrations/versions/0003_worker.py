"""worker: incidents, holidays, outbox retry time, wake-up notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WAKEUP_CHANNEL = "petitionflow_wakeup"


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))

    op.create_table('incidents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('element_id', sa.String(length=100), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_messages.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_instance', ['instance_id', 'status'], unique=False)
        batch_op.create_index('ix_incidents_retry', ['status', 'next_retry_at'], unique=False)

    op.create_table('holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'day')
    )
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.create_index('ix_holidays_day', ['day'], unique=False)

    _wakeup_notifications()


def _wakeup_notifications() -> None:
    """PostgreSQL: NOTIFY the workers, at commit, when a timer is stored earlier or a message is queued."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION petitionflow_wakeup() RETURNS trigger AS $$
        BEGIN
            IF TG_TABLE_NAME = 'process_instances' THEN
                IF NEW.next_timer_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.next_timer_at IS NULL
                        OR NEW.next_timer_at < OLD.next_timer_at) THEN
                    PERFORM pg_notify('{WAKEUP_CHANNEL}', 'timer ' || to_char(NEW.next_timer_at AT TIME ZONE 'UTC',
                                                                            'YYYY-MM-DD"T"HH24:MI:SS.US'));
                END IF;
            ELSE
                PERFORM pg_notify('{WAKEUP_CHANNEL}', 'message');
            END IF;
            RETURN NULL;
        END; $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER process_instances_wakeup AFTER INSERT OR UPDATE OF next_timer_at ON process_instances
        FOR EACH ROW EXECUTE FUNCTION petitionflow_wakeup()
    """)
    op.execute("""
        CREATE TRIGGER outbox_messages_wakeup AFTER INSERT ON outbox_messages
        FOR EACH ROW EXECUTE FUNCTION petitionflow_wakeup()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_messages_wakeup ON outbox_messages")
        op.execute("DROP TRIGGER IF EXISTS process_instances_wakeup ON process_instances")
        op.execute("DROP FUNCTION IF EXISTS petitionflow_wakeup()")
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.drop_index('ix_holidays_day')
    op.drop_table('holidays')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_retry')
        batch_op.drop_index('ix_incidents_instance')
    op.drop_table('incidents')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
