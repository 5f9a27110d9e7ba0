"""Create and change supervisor accounts, recording each change in the audit trail."""

import logging
import re

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.db import alembic_config
from dashboard.models import Event, LoginFailure, QueueGrant, User, new_session_token
from dashboard.numbers import ascii_digits, is_number

log = logging.getLogger("dashboard.accounts")

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MIN_PASSWORD = 10
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-password"  # noqa: S105 (published demo account)
# Compared against when the account does not exist, so a wrong name costs as
# much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


class AccountError(ValueError):
    """A request to change accounts that cannot be carried out."""


def hash_password(password):
    return generate_password_hash(password, method="scrypt")


def password_matches(user, password):
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def check_password_rules(password):
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountError(
            f"The password must be at least {MIN_PASSWORD} characters long."
        )


def normal_username(username):
    """Return USERNAME as stored: trimmed and lower-case, so Reza is reza."""
    return (username or "").strip().lower()


def check_username(username):
    if not USERNAME.match(username or ""):
        raise AccountError(
            "A user name is 1 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )


def normal_queues(queues):
    """Return QUEUES with ASCII digits and without repeats, in their order."""
    return list(dict.fromkeys(ascii_digits(q.strip()) for q in queues))


def check_queues(queues):
    bad = [q for q in queues if not is_number(q)]
    if bad:
        raise AccountError(f"Queue numbers are digits only; not: {', '.join(bad)}.")


def record(session, kind, username, *, by="", address="", detail=""):
    """Add an audit event; the caller commits."""
    if by and by != username:
        detail = f"by {by}; {detail}" if detail else f"by {by}"
    session.add(Event(kind=kind, username=username, address=address, detail=detail))


def find(session, username):
    name = normal_username(username)
    return session.scalar(select(User).where(User.username == name))


def require(session, username):
    user = find(session, username)
    if user is None:
        raise AccountError(f"There is no account named {username!r}.")
    return user


def create(session, username, password, *, admin=False, by="", address=""):
    """Add an account and return it."""
    username = normal_username(username)
    check_username(username)
    check_password_rules(password)
    if find(session, username) is not None:
        raise AccountError(f"An account named {username!r} already exists.")
    user = User(
        username=username, password_hash=hash_password(password), is_admin=admin
    )
    session.add(user)
    role = "admin" if admin else "supervisor"
    record(session, "account_created", username, by=by, address=address, detail=role)
    return user


def set_password(session, user, password, *, by="", address=""):
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    # A new password is a fresh start: failed sign-ins before it no longer count.
    session.execute(
        sa.delete(LoginFailure).where(LoginFailure.username == user.username)
    )
    record(session, "password_reset", user.username, by=by, address=address)


def set_active(session, user, active, *, by="", address=""):
    user.is_active = active
    user.session_token = new_session_token()
    kind = "account_enabled" if active else "account_disabled"
    record(session, kind, user.username, by=by, address=address)


def set_admin(session, user, admin, *, by="", address=""):
    user.is_admin = admin
    role = "admin" if admin else "supervisor"
    record(session, "role_changed", user.username, by=by, address=address, detail=role)


def delete(session, user, *, by="", address=""):
    record(session, "account_deleted", user.username, by=by, address=address)
    session.delete(user)


def grant(session, user, queues, *, by="", address=""):
    queues = normal_queues(queues)
    check_queues(queues)
    added = [q for q in dict.fromkeys(queues) if q not in user.queues]
    for queue in added:
        user.grants.append(QueueGrant(queue=queue))
    if added:
        detail = "queues " + ", ".join(added)
        record(
            session,
            "queues_granted",
            user.username,
            by=by,
            address=address,
            detail=detail,
        )
    return added


def revoke(session, user, queues, *, by="", address=""):
    queues = normal_queues(queues)
    check_queues(queues)
    removed = [g for g in user.grants if g.queue in queues]
    for item in removed:
        user.grants.remove(item)
    if removed:
        detail = "queues " + ", ".join(g.queue for g in removed)
        record(
            session,
            "queues_revoked",
            user.username,
            by=by,
            address=address,
            detail=detail,
        )
    return [g.queue for g in removed]


def ensure_admin(session, username, password, *, demo=False):
    """Create USERNAME as an active admin, or reset it to PASSWORD if it exists."""
    user = find(session, username)
    if user is None:
        user = create(session, username, password, admin=True, by="start-up")
        user.is_demo = demo
        return user
    if not password_matches(user, password):
        set_password(session, user, password, by="start-up")
    if not user.is_admin:
        set_admin(session, user, True, by="start-up")
    if not user.is_active:
        set_active(session, user, True, by="start-up")
    return user


def schema_is_current(engine):
    """Tell whether the database has every migration applied."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == head


def _disable_demo_accounts(session):
    for user in session.scalars(select(User).where(User.is_demo, User.is_active)):
        set_active(session, user, False, by="start-up")
        log.warning("Disabled the demo account %r: the PBX is real now.", user.username)


def startup(app):
    """Apply start-up account settings: the admin from the environment, demo mode."""
    engine = app.extensions["db_engine"]
    try:
        app.extensions["schema_current"] = schema_is_current(engine)
    except OperationalError:
        # A worker that cannot reach the database yet must still start; the pages
        # check again and answer 503 until it is back.
        log.error("The database does not answer at start; start-up tasks skipped.")
        app.extensions["schema_current"] = None
        return
    if not app.extensions["schema_current"]:
        return

    with Session(engine) as session:
        try:
            if app.config.get("ADMIN_USER") and app.config.get("ADMIN_PASSWORD"):
                ensure_admin(
                    session, app.config["ADMIN_USER"], app.config["ADMIN_PASSWORD"]
                )
            if app.config.get("DEMO_MODE"):
                ensure_admin(session, DEMO_USER, DEMO_PASSWORD, demo=True)
            else:
                _disable_demo_accounts(session)
            session.commit()
        except IntegrityError:
            # Another gunicorn worker made the same account at the same moment.
            session.rollback()
        except AccountError as exc:
            session.rollback()
            raise ValueError(f"DASHBOARD_ADMIN_USER/PASSWORD: {exc}") from None
