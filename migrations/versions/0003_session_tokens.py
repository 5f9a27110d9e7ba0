"""Replace the session counter with a random token; never reuse account ids

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:00:00
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def users_table(last_column):
    """Describe the users table with LAST_COLUMN, marked for SQLite AUTOINCREMENT.

    Batch mode on SQLite copies a table by reflection, which loses AUTOINCREMENT;
    handing it this description keeps it.
    """
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        last_column,
        sa.UniqueConstraint("username", name="uq_users_username"),
        sqlite_autoincrement=True,
    )


def batch(last_column):
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        return op.batch_alter_table("users")
    return op.batch_alter_table(
        "users", recreate="always", copy_from=users_table(last_column)
    )


def upgrade():
    version = sa.Column("session_version", sa.Integer(), nullable=False)
    with batch(version) as batch_op:
        batch_op.add_column(
            sa.Column("session_token", sa.String(64), nullable=False, server_default="")
        )
        batch_op.drop_column("session_version")

    users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_token"))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(session_token=secrets.token_hex(16))
        )
    token = sa.Column("session_token", sa.String(64), nullable=False, server_default="")
    with batch(token) as batch_op:
        batch_op.alter_column("session_token", server_default=None)


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column(
                "session_version", sa.Integer(), nullable=False, server_default="1"
            )
        )
        batch_op.drop_column("session_token")
