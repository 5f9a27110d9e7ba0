"""Refuse sign-in for a while after repeated failures, per account and per address."""

from datetime import timedelta

from sqlalchemy import delete, func, select

from dashboard import accounts
from dashboard.models import Event, LoginFailure, utcnow

# An office often shares one address, so it may fail more often than one account.
ADDRESS_FACTOR = 4


def _window(config):
    return utcnow() - timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])


def _over(db, column, config, limit):
    """Return {value: failures} of COLUMN at or over LIMIT within the window."""
    rows = db.execute(
        select(column, func.count())
        .where(LoginFailure.at >= _window(config))
        .group_by(column)
        .having(func.count() >= limit)
    )
    return dict(rows.all())


def locked_accounts(db, config):
    """Return {username: failures} of the accounts refused for now."""
    return _over(db, LoginFailure.username, config, config["LOGIN_MAX_FAILURES"])


def locked_addresses(db, config):
    """Return {address: failures} of the addresses refused for now."""
    limit = config["LOGIN_MAX_FAILURES"] * ADDRESS_FACTOR
    return _over(db, LoginFailure.address, config, limit)


def _failures(db, column, value, config):
    query = select(func.count()).where(
        column == value, LoginFailure.at >= _window(config)
    )
    return db.scalar(query)


def is_locked(db, config, username, address):
    """Tell whether sign-in for USERNAME from ADDRESS is refused for now."""
    limit = config["LOGIN_MAX_FAILURES"]
    return (
        _failures(db, LoginFailure.username, username, config) >= limit
        or _failures(db, LoginFailure.address, address, config)
        >= limit * ADDRESS_FACTOR
    )


def record_failure(db, config, username, address):
    """Count a failed sign-in; record a lockout when it is the one that locks."""
    db.add(LoginFailure(username=username, address=address))
    accounts.record(db, "login_failed", username, address=address)
    db.flush()
    limit = config["LOGIN_MAX_FAILURES"]
    minutes = config["LOGIN_LOCKOUT_MINUTES"]
    if _failures(db, LoginFailure.username, username, config) == limit:
        detail = f"account locked: sign-in refused for {minutes} minutes"
        accounts.record(db, "lockout", username, address=address, detail=detail)
    if _failures(db, LoginFailure.address, address, config) == limit * ADDRESS_FACTOR:
        detail = f"address {address} locked: sign-in refused for {minutes} minutes"
        accounts.record(db, "lockout", username, address=address, detail=detail)


def record_refusal(db, username, address):
    """Record a refused attempt, at most once a minute per account and address."""
    recent = db.scalar(
        select(func.count()).where(
            Event.kind == "login_locked",
            Event.username == username,
            Event.address == address,
            Event.at >= utcnow() - timedelta(minutes=1),
        )
    )
    if not recent:
        accounts.record(db, "login_locked", username, address=address)


def forget_account(db, username):
    """Clear an account's failures, as after a successful sign-in; count them."""
    query = delete(LoginFailure).where(LoginFailure.username == username)
    return db.execute(query).rowcount


def unlock_account(db, username, *, by="", address=""):
    """Forget an account's failures; tell whether there were any."""
    if not forget_account(db, username):
        return False
    accounts.record(db, "unlocked", username, by=by, address=address)
    return True


def unlock_address(db, locked, *, by="", address=""):
    """Forget the failures from an address; tell whether there were any."""
    query = delete(LoginFailure).where(LoginFailure.address == locked)
    if not db.execute(query).rowcount:
        return False
    detail = f"address {locked}"
    accounts.record(db, "address_unlocked", by or "-", address=address, detail=detail)
    return True
