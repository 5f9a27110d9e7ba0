"""Allow at most one retry per action

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:30:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions") as batch_op:
        batch_op.create_unique_constraint(op.f("uq_actions_retry_of"), ["retry_of"])


def downgrade():
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_constraint(op.f("uq_actions_retry_of"), type_="unique")
