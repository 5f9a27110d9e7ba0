"""Sign supervisors in and out, and keep every other page behind a session."""

import functools
import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from dashboard import accounts, lockout
from dashboard.db import get_session
from dashboard.models import User, new_session_token

bp = Blueprint("auth", __name__)

# Endpoints anyone may reach without signing in.
PUBLIC = {"auth.login", "static", "health"}


class LoginForm(FlaskForm):
    username = StringField("User name", validators=[InputRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])


def client_address():
    return request.remote_addr or "unknown"


def admin_required(view):
    """Refuse VIEW to anyone but an admin."""

    @functools.wraps(view)
    def wrapped(**kwargs):
        if not g.user.is_admin:
            abort(403, "This page is for admins only.")
        return view(**kwargs)

    return wrapped


def _start_session(user):
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["token"] = user.session_token
    session["seen"] = int(time.time())


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Show the sign-in form and check what is submitted."""
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status

    db, config = get_session(), current_app.config
    username = accounts.normal_username(form.username.data)
    address = client_address()
    if lockout.is_locked(db, config, username, address):
        lockout.record_refusal(db, username, address)
        db.commit()
        minutes = config["LOGIN_LOCKOUT_MINUTES"]
        error = (
            "Too many failed sign-ins for this account or from this computer. "
            f"Wait {minutes} minutes and try again, or ask an admin to unlock it "
            "on the Accounts page."
        )
        return render_template("auth/login.html", form=form, error=error), 429

    user = accounts.find(db, username)
    usable = user is not None and user.is_active
    if usable and user.is_demo and not config["DEMO_MODE"]:
        usable = False
    if not accounts.password_matches(user, form.password.data) or not usable:
        lockout.record_failure(db, config, username, address)
        db.commit()
        error = "Wrong user name or password, or the account is disabled."
        return render_template("auth/login.html", form=form, error=error), 401

    lockout.forget_account(db, username)
    accounts.record(db, "login", username, address=address)
    db.commit()
    _start_session(user)
    return redirect(_safe_next(request.args.get("next")))


def _safe_next(target):
    """Return TARGET if it is a plain path of this site, else the queue list."""
    # Browsers drop tabs and line breaks and read "\" as "/", so "/\t/host" or
    # "/\host" would leave the site.
    plain = bool(target) and all(" " < ch != "\\" for ch in target)
    if plain and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("queues.index")


@bp.post("/logout")
def logout():
    """End the session."""
    if g.user is not None:
        db = get_session()
        # Sessions live in signed cookies; a new token makes a copied one useless.
        g.user.session_token = new_session_token()
        accounts.record(db, "logout", g.user.username, address=client_address())
        db.commit()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _session_user():
    uid = session.get("uid")
    if uid is None:
        return None, None
    idle = current_app.config["IDLE_MINUTES"] * 60
    if time.time() - session.get("seen", 0) > idle:
        return None, "idle"
    user = get_session().get(User, uid)
    token = session.get("token", "")
    if user is None or not user.is_active or not token or user.session_token != token:
        return None, "changed"
    return user, None


def load_user():
    """Find the signed-in account, or send the browser to the sign-in page."""
    g.user, reason = _session_user()
    if g.user is not None:
        session["seen"] = int(time.time())
        return None
    if request.endpoint in PUBLIC:
        return None
    if reason == "idle":
        minutes = current_app.config["IDLE_MINUTES"]
        flash(f"You were signed out after {minutes} minutes without activity.", "info")
    session.pop("uid", None)
    if request.method != "GET" or request.path.startswith("/api/"):
        abort(401, "Sign in first: your session has ended.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app):
    # The cookie outlives the idle limit so the server can say why it signed out.
    app.permanent_session_lifetime = timedelta(
        minutes=app.config["IDLE_MINUTES"] + 12 * 60
    )
    app.before_request(load_user)

    @app.context_processor
    def inject_user():
        return {"current_user": g.get("user")}
