"""Drop agent_states: the last confirmed action is read from the audit trail

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("agent_states")


def downgrade():
    op.create_table(
        "agent_states",
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("agent", sa.String(length=32), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["actions.id"],
            name=op.f("fk_agent_states_action_id_actions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("queue", "agent", name=op.f("pk_agent_states")),
    )
