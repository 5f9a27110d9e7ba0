"""The migrations build exactly the schema the models describe, on either database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.accounts import schema_is_current
from dashboard.db import make_engine, upgrade
from dashboard.models import Base


def test_migrations_match_the_models(database_url):
    engine = make_engine(database_url)
    assert not schema_is_current(engine)

    upgrade(engine)

    with engine.connect() as connection:
        assert (
            compare_metadata(MigrationContext.configure(connection), Base.metadata)
            == []
        )
    assert schema_is_current(engine)
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    engine.dispose()

    assert mode == "wal"


def test_upgrade_gives_existing_accounts_their_own_session_tokens(database_url):
    from alembic import command
    from sqlalchemy import text

    from dashboard.db import alembic_config

    engine = make_engine(database_url)
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as connection:
        for name in ("ali", "sara"):
            connection.execute(
                text(
                    "INSERT INTO users (username, password_hash, is_admin, is_active,"
                    " is_demo, session_version, created_at) VALUES (:name, 'x',"
                    " false, true, false, 1, CURRENT_TIMESTAMP)"
                ),
                {"name": name},
            )
        connection.execute(
            text(
                "INSERT INTO queue_grants (user_id, queue) SELECT id, '901' FROM users"
            )
        )

    upgrade(engine)

    with engine.connect() as connection:
        tokens = connection.execute(text("SELECT session_token FROM users")).scalars()
        tokens = list(tokens)
        grants = connection.execute(text("SELECT count(*) FROM queue_grants")).scalar()
    engine.dispose()
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert all(len(token) == 32 for token in tokens)
    # Recreating the users table must not cascade into the grants.
    assert grants == 2


def test_a_deleted_accounts_id_is_never_given_again(app, db):
    from dashboard import accounts

    newest = accounts.create(db, "reza", "reza-password-1")
    db.commit()
    old_id = newest.id
    accounts.delete(db, newest)
    db.commit()

    again = accounts.create(db, "sara", "sara-password-1")
    db.commit()

    assert again.id > old_id


def test_sqlite_file_is_private_to_the_dashboard(tmp_path):
    path = tmp_path / "private.db"
    make_engine(f"sqlite:///{path}").dispose()

    assert path.stat().st_mode & 0o777 == 0o600
