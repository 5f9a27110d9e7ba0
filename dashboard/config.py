"""Read the dashboard's configuration from the environment, in one place."""

import math
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """The environment does not describe a dashboard that can start."""


def _number(environ, name, default, kind=float, minimum=0):
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number. Set it to a number such as {default}."
        ) from None
    if not math.isfinite(value):
        raise ConfigError(f"{name}={raw!r} is not a usable number.")
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}; it is {raw}.")
    return value


def _flag(environ, name, default=False):
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is neither on nor off: set it to 1 or 0.")


def _timezone(environ):
    name = environ.get("DASHBOARD_TIMEZONE", "").strip() or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"DASHBOARD_TIMEZONE={name!r} is not a known time zone. "
            "Use an IANA name such as Asia/Tehran or UTC."
        ) from None
    return name


def _demo_secret_key(instance_path):
    """Return a secret key kept in the instance folder, made once for demo mode."""
    path = Path(instance_path) / "demo-secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_settings(environ, instance_path):
    """Build the Flask config mapping from environment variables."""
    pbx_url = environ.get("PBX_URL", "").strip()
    demo = not pbx_url
    secret_key = environ.get("SECRET_KEY", "").strip()
    if not secret_key:
        if not demo:
            raise ConfigError(
                "SECRET_KEY is not set. The dashboard signs its sessions with it: set "
                "SECRET_KEY to a long random string, for example the output of "
                "python -c 'import secrets; print(secrets.token_hex(32))'."
            )
        secret_key = _demo_secret_key(instance_path)
    if len(secret_key) < 16:
        raise ConfigError(
            "SECRET_KEY is too short to protect sessions: use at least 16 random "
            "characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_hex(32))'."
        )

    if pbx_url and (
        not pbx_url.startswith(("http://", "https://"))
        or not urlsplit(pbx_url).hostname
    ):
        raise ConfigError(
            f"PBX_URL={pbx_url!r} must start with http:// or https://, "
            "for example http://pbx.example.lan"
        )
    if environ.get("PBX_PASSWORD") and not environ.get("PBX_USERNAME", "").strip():
        raise ConfigError(
            "PBX_PASSWORD is set but PBX_USERNAME is not: set both for HTTP Basic "
            "authentication, or neither."
        )
    admin_user = environ.get("DASHBOARD_ADMIN_USER", "").strip()
    if bool(admin_user) != bool(environ.get("DASHBOARD_ADMIN_PASSWORD", "")):
        raise ConfigError(
            "Set DASHBOARD_ADMIN_USER and DASHBOARD_ADMIN_PASSWORD together, or "
            "neither."
        )
    roster_file = environ.get("ROSTER_FILE", "").strip()
    if roster_file and not Path(roster_file).is_file():
        raise ConfigError(f"ROSTER_FILE={roster_file!r} does not name a readable file.")

    database_url = environ.get("DATABASE_URL", "").strip()
    if not database_url:
        database_url = "sqlite:///" + str(Path(instance_path) / "dashboard.db")

    return {
        "SECRET_KEY": secret_key,
        "DEMO_MODE": demo,
        "PBX_URL": pbx_url,
        "PBX_API_PREFIX": environ.get("PBX_API_PREFIX", "").strip() or "api/v4",
        "PBX_USERNAME": environ.get("PBX_USERNAME", "").strip() or None,
        "PBX_PASSWORD": environ.get("PBX_PASSWORD", "") or None,
        "PBX_API_KEY": environ.get("PBX_API_KEY", "").strip() or None,
        "PBX_TIMEOUT": _number(environ, "PBX_TIMEOUT", 10.0, minimum=0.1),
        "PBX_CONNECT_TIMEOUT": _number(
            environ, "PBX_CONNECT_TIMEOUT", 3.05, minimum=0.1
        ),
        "ROSTER_FILE": roster_file or None,
        "DATABASE_URL": database_url,
        "DASHBOARD_TIMEZONE": _timezone(environ),
        "MAX_BATCH_PAIRS": _number(environ, "DASHBOARD_MAX_BATCH", 200, int, 1),
        "IDLE_MINUTES": _number(environ, "DASHBOARD_IDLE_MINUTES", 30, int, 1),
        "LOGIN_MAX_FAILURES": _number(
            environ, "DASHBOARD_LOGIN_MAX_FAILURES", 5, int, 1
        ),
        "LOGIN_LOCKOUT_MINUTES": _number(
            environ, "DASHBOARD_LOGIN_LOCKOUT_MINUTES", 15, int, 1
        ),
        "TRUSTED_PROXY": _flag(environ, "DASHBOARD_TRUSTED_PROXY"),
        "ADMIN_USER": environ.get("DASHBOARD_ADMIN_USER", "").strip() or None,
        "ADMIN_PASSWORD": environ.get("DASHBOARD_ADMIN_PASSWORD", "") or None,
        "HTTPS": _flag(environ, "DASHBOARD_HTTPS"),
    }
