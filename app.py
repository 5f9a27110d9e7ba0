"""Supervisor dashboard for pausing and resuming Simotel queue agents."""

import logging
import os

from dotenv import load_dotenv
from flask import Flask
from flask_wtf import CSRFProtect

from dashboard import (
    accounts,
    admin,
    auth,
    cli,
    db,
    errors,
    history,
    pbxlink,
    queues,
    security,
)
from dashboard.config import ConfigError, load_settings

csrf = CSRFProtect()


def create_app(test_config=None):
    """Create and configure the dashboard."""
    load_dotenv(os.path.join(os.getcwd(), ".env"))
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic reports every migration context at INFO; only problems matter here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    if test_config is None:
        try:
            app.config.from_mapping(load_settings(os.environ, app.instance_path))
        except ConfigError as exc:
            raise SystemExit(f"Configuration error: {exc}") from None
    else:
        app.config.from_mapping(test_config)
    app.config.update(
        # Forms here are a few kilobytes; refuse anything that could exhaust memory.
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config.get("HTTPS")),
    )

    csrf.init_app(app)
    security.init_app(app)
    db.init_app(app)
    pbxlink.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    # After sign-in is known, so that the refusal page shows the usual header.
    app.before_request(errors.refuse_nul_characters)
    cli.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(queues.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(admin.bp)

    accounts.startup(app)
    return app


__all__ = ["ConfigError", "create_app"]
