"""Fixtures: a Simotel stand-in on loopback, a migrated database, signed-in users."""

import os
import re
import uuid

import psycopg
import pytest
import requests
from sqlalchemy.orm import Session

from app import create_app
from dashboard import accounts
from dashboard.db import upgrade
from pbx.simulator import start_simulator

PBX_USER = "dashboard"
PBX_PASSWORD = "pbx-secret-for-tests"
PBX_KEY = "key-for-tests-0123456789"
PASSWORDS = {"admin": "admin-password-1", "sup": "supervisor-pass-1"}


@pytest.fixture(scope="session")
def simulator_server():
    running = start_simulator(
        host="127.0.0.1",
        port=0,
        username=PBX_USER,
        password=PBX_PASSWORD,
        api_key=PBX_KEY,
    )
    yield running
    running.stop()


class StandIn:
    """Drive the stand-in through its control API, as the tests' PBX."""

    def __init__(self, running):
        self.url = running.url
        self.running = running

    def control(self, path, payload=None):
        response = requests.post(
            f"{self.url}/_simulator/{path}", json=payload or {}, timeout=5
        )
        response.raise_for_status()
        return response.json()

    def reset(self):
        self.control("reset")

    def faults(self, **faults):
        self.control("faults", faults)

    def state(self):
        response = requests.get(f"{self.url}/_simulator/state", timeout=5)
        response.raise_for_status()
        return response.json()

    def calls(self, endpoint=None):
        """Return the calls the stand-in received, optionally for one endpoint."""
        calls = self.state()["calls"]
        if endpoint is None:
            return calls
        return [c for c in calls if c["endpoint"].endswith(endpoint)]

    def action_calls(self):
        """Return the pause and resume calls the stand-in received."""
        return [
            c for c in self.calls() if re.search(r"(pause|resume)agent$", c["endpoint"])
        ]


@pytest.fixture
def stand_in(simulator_server):
    stand_in = StandIn(simulator_server)
    stand_in.reset()
    yield stand_in
    stand_in.reset()


def _postgres_url(base):
    """Create a schema of its own for one test; return its URL and a cleanup."""
    schema = "t_" + uuid.uuid4().hex[:12]
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')

    def drop():
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')

    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}", drop


@pytest.fixture
def database_url(tmp_path):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'dashboard.db'}"
        return
    url, drop = _postgres_url(base)
    yield url
    drop()


def make_config(stand_in, database_url, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DEMO_MODE": False,
        "PBX_URL": stand_in.url,
        "PBX_API_PREFIX": "api/v4",
        "PBX_USERNAME": PBX_USER,
        "PBX_PASSWORD": PBX_PASSWORD,
        "PBX_API_KEY": PBX_KEY,
        "PBX_TIMEOUT": 2.0,
        "PBX_CONNECT_TIMEOUT": 1.0,
        "ROSTER_FILE": None,
        "DATABASE_URL": database_url,
        "DASHBOARD_TIMEZONE": "UTC",
        "MAX_BATCH_PAIRS": 200,
        "IDLE_MINUTES": 30,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
        "TRUSTED_PROXY": False,
        "ADMIN_USER": None,
        "ADMIN_PASSWORD": None,
        "HTTPS": False,
        "WTF_CSRF_ENABLED": True,
    }
    config.update(overrides)
    return config


def seed_accounts(app):
    """Add an admin and a supervisor granted queues 901 and 902."""
    with Session(app.extensions["db_engine"]) as session:
        accounts.create(session, "admin", PASSWORDS["admin"], admin=True)
        sup = accounts.create(session, "sup", PASSWORDS["sup"])
        accounts.grant(session, sup, ["901", "902"])
        session.commit()


@pytest.fixture
def make_app(stand_in, database_url):
    """Build apps on one migrated, seeded database; each may override config."""
    apps = []

    def build(**overrides):
        app = create_app(make_config(stand_in, database_url, **overrides))
        if not apps:
            upgrade(app.extensions["db_engine"])
            seed_accounts(app)
        app.extensions["schema_current"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        if "pbx" in app.extensions:
            app.extensions["pbx"].close()
        app.extensions["db_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def db(app):
    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(html):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


class Auth:
    """Sign the test client in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def token(self, path="/login"):
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def login(self, username="sup", password=None, address="127.0.0.1"):
        password = password or PASSWORDS[username]
        data = {"username": username, "password": password, "csrf_token": self.token()}
        return self.client.post(
            "/login", data=data, environ_base={"REMOTE_ADDR": address}
        )

    def logout(self):
        token = self.token("/")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return Auth(client)


def signed_in(app, username="sup", password=None):
    """Return a test client of APP signed in as USERNAME."""
    client = app.test_client()
    response = Auth(client).login(username, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
