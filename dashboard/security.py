"""Security headers, the trusted proxy and the health check."""

from flask import current_app, jsonify
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if current_app.config.get("HTTPS"):
        response.headers["Strict-Transport-Security"] = (
            "max-age=31536000; includeSubDomains"
        )
    return response


def health():
    """Answer 200 while the app can reach its database."""
    engine = current_app.extensions["db_engine"]
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return jsonify(status="ok")


def init_app(app):
    if app.config.get("TRUSTED_PROXY"):
        # One reverse proxy in front: trust its X-Forwarded-For and -Proto only.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(set_headers)
    app.add_url_rule("/healthz", "health", health)
