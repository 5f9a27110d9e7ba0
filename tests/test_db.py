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
