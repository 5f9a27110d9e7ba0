"""Error pages that answer HTML or JSON, and the guard for an outdated schema."""

import logging

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from dashboard.accounts import schema_is_current

log = logging.getLogger("dashboard.errors")

TITLES = {
    400: "The request could not be used",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Not possible now",
    413: "Too much data",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Not ready",
}


def wants_json():
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(status, message, back=None):
    """Answer STATUS with MESSAGE; BACK is (label, url) of the page to return to."""
    if wants_json():
        return jsonify(error=message, status=status), status
    title = TITLES.get(status, "Error")
    page = render_template("error.html", title=title, message=message, back=back)
    return page, status


def handle_http(error):
    return render_error(error.code, error.description)


def handle_csrf(error):
    return render_error(
        400,
        "The form had expired or did not come from this dashboard. Reload the page "
        "and submit it again.",
    )


def handle_database_down(error):
    log.error("The database does not answer: %s", type(error.orig).__name__)
    return render_error(
        503,
        "The dashboard cannot reach its database. An admin should check the "
        "database server and DATABASE_URL; once it is back, look at the history "
        "before acting again.",
    )


def handle_unexpected(error):
    if isinstance(error, HTTPException):
        return handle_http(error)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(
        500,
        "The dashboard hit an unexpected error, recorded in the server log. "
        "Check the history page to see what reached the PBX before trying again.",
    )


def refuse_nul_characters():
    """Refuse NUL characters in any field: no page needs them and databases choke."""
    values = [*request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        return render_error(400, "The request contains a NUL character; remove it.")
    return None


def schema_guard():
    if request.endpoint == "static":
        return None
    if current_app.extensions.get("schema_current") is None:
        engine = current_app.extensions["db_engine"]
        current_app.extensions["schema_current"] = schema_is_current(engine)
    if current_app.extensions["schema_current"]:
        return None
    log.error("The database schema is behind the code: run flask --app app db upgrade")
    return render_error(
        503,
        "The database schema is not up to date. An admin must run "
        "'flask --app app db upgrade' and restart the dashboard.",
    )


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
    app.before_request(schema_guard)
