"""Command-line tools: database migrations and account management."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import accounts, lockout
from dashboard.db import upgrade
from dashboard.models import User


@click.group("db", cls=AppGroup)
def db_group():
    """Manage the dashboard's database."""


@db_group.command("upgrade")
def db_upgrade():
    """Create the tables or bring them up to the newest schema."""
    upgrade(current_app.extensions["db_engine"])
    current_app.extensions["schema_current"] = True
    accounts.startup(current_app)
    click.echo("The database schema is up to date.")


@click.group("users", cls=AppGroup)
def users_group():
    """Manage supervisor and admin accounts."""


def _session():
    if not current_app.extensions.get("schema_current"):
        raise click.ClickException(
            "The database schema is not up to date: run flask --app app db upgrade "
            "first."
        )
    return Session(current_app.extensions["db_engine"], expire_on_commit=False)


def _run(change):
    """Run CHANGE(session) and commit, turning account errors into exit code 1."""
    with _session() as session:
        try:
            result = change(session)
            session.commit()
        except accounts.AccountError as exc:
            raise click.ClickException(str(exc)) from None
    return result


def _read_password():
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_group.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Give the account the admin role.")
def users_create(username, admin):
    """Create an account; the password is asked for or read from standard input."""
    password = _read_password()
    _run(lambda s: accounts.create(s, username, password, admin=admin, by="cli"))
    role = "admin" if admin else "supervisor"
    click.echo(f"Created {role} account {username}.")


@users_group.command("set-password")
@click.argument("username")
def users_set_password(username):
    """Reset an account's password (asked for or read from standard input)."""
    password = _read_password()
    _run(
        lambda s: accounts.set_password(
            s, accounts.require(s, username), password, by="cli"
        )
    )
    click.echo(f"Password of {username} reset.")


@users_group.command("grant")
@click.argument("username")
@click.argument("queues", nargs=-1, required=True)
def users_grant(username, queues):
    """Let an account act on QUEUES."""
    added = _run(
        lambda s: accounts.grant(
            s, accounts.require(s, username), list(queues), by="cli"
        )
    )
    click.echo(f"Granted {username}: {', '.join(added) or 'nothing new'}.")


@users_group.command("revoke")
@click.argument("username")
@click.argument("queues", nargs=-1, required=True)
def users_revoke(username, queues):
    """Take QUEUES away from an account."""
    removed = _run(
        lambda s: accounts.revoke(
            s, accounts.require(s, username), list(queues), by="cli"
        )
    )
    click.echo(f"Revoked from {username}: {', '.join(removed) or 'nothing'}.")


@users_group.command("disable")
@click.argument("username")
def users_disable(username):
    """Stop an account from signing in and end its sessions."""
    _run(
        lambda s: accounts.set_active(s, accounts.require(s, username), False, by="cli")
    )
    click.echo(f"Disabled {username}.")


@users_group.command("enable")
@click.argument("username")
def users_enable(username):
    """Let a disabled account sign in again."""
    _run(
        lambda s: accounts.set_active(s, accounts.require(s, username), True, by="cli")
    )
    click.echo(f"Enabled {username}.")


@users_group.command("delete")
@click.argument("username")
def users_delete(username):
    """Delete an account; its past actions stay in the history."""
    _run(lambda s: accounts.delete(s, accounts.require(s, username), by="cli"))
    click.echo(f"Deleted {username}.")


@users_group.command("unlock")
@click.argument("username")
def users_unlock(username):
    """Forget an account's failed sign-ins so it may sign in at once."""
    unlocked = _run(
        lambda s: lockout.unlock_account(
            s, accounts.require(s, username).username, by="cli"
        )
    )
    click.echo(
        f"{username} may sign in again." if unlocked else f"{username} was not locked."
    )


@users_group.command("unlock-address")
@click.argument("address")
def users_unlock_address(address):
    """Forget the failed sign-ins from ADDRESS."""
    unlocked = _run(lambda s: lockout.unlock_address(s, address, by="cli"))
    click.echo(
        f"Sign-in from {address} is allowed again."
        if unlocked
        else f"{address} was not locked."
    )


@users_group.command("list")
def users_list():
    """List accounts with their role, state and queues."""
    with _session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            role = "admin" if user.is_admin else "supervisor"
            state = "active" if user.is_active else "disabled"
            queues = "all" if user.is_admin else (" ".join(user.queues) or "-")
            click.echo(f"{user.username}\t{role}\t{state}\tqueues: {queues}")


def init_app(app):
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
