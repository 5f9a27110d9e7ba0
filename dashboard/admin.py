"""Admin pages: accounts, roles and queue grants."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired, Length

from dashboard import accounts, lockout, pbxlink
from dashboard.auth import admin_required, client_address
from dashboard.db import get_session
from dashboard.models import User
from pbx import PbxError

bp = Blueprint("admin", __name__, url_prefix="/admin")


class NewUserForm(FlaskForm):
    username = StringField("User name", validators=[InputRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])
    admin = BooleanField("Admin (all queues, manages accounts)")
    create = SubmitField("Create account")


class QueuesForm(FlaskForm):
    queues = StringField("Queues", validators=[Length(max=2000)])
    save_queues = SubmitField("Save queues")


class PasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[InputRequired(), Length(max=256)]
    )
    reset = SubmitField("Reset password")


class ButtonForm(FlaskForm):
    """A button-only form, so the change still carries a CSRF token."""

    submit = SubmitField()


class AddressForm(FlaskForm):
    address = HiddenField(validators=[InputRequired(), Length(max=64)])


class StateForm(FlaskForm):
    """A button that sets a yes/no state; naming the state makes a repeat harmless."""

    state = HiddenField(validators=[AnyOf(["on", "off"])])


def _user(user_id):
    user = get_session().get(User, user_id)
    if user is None:
        abort(404, "There is no such account.")
    return user


def _who():
    return {"by": g.user.username, "address": client_address()}


@bp.route("/users", methods=("GET", "POST"))
@admin_required
def users():
    """List accounts and create new ones."""
    db = get_session()
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.create(
                db,
                form.username.data.strip(),
                form.password.data,
                admin=form.admin.data,
                **_who(),
            )
            db.commit()
            flash(f"Account {user.username} created.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
        except accounts.AccountError as exc:
            db.rollback()
            form.username.errors.append(str(exc))
            status = 400
    elif form.is_submitted():
        status = 400
    listed = db.scalars(select(User).order_by(User.username)).all()
    return render_template(
        "admin/users.html",
        users=listed,
        form=form,
        locked=lockout.locked_accounts(db, current_app.config),
        addresses=lockout.locked_addresses(db, current_app.config),
        address_form=AddressForm(),
        button=ButtonForm(),
    ), status


def _known_queues():
    """Return the PBX's queues for the grant picker, or None if it cannot say."""
    try:
        queues = pbxlink.client().search_queues()
    except PbxError:
        return None
    return sorted(queues, key=lambda queue: pbxlink.int_or_text(queue.number))


@bp.route("/users/<int:user_id>")
@admin_required
def user(user_id):
    """Show one account with its grants and the changes an admin can make."""
    account = _user(user_id)
    queues_form = QueuesForm(queues=" ".join(account.queues))
    locked = lockout.locked_accounts(get_session(), current_app.config)
    return render_template(
        "admin/user.html",
        account=account,
        queues_form=queues_form,
        password_form=PasswordForm(),
        button=ButtonForm(),
        state_form=StateForm(),
        locked=locked.get(account.username),
        known_queues=_known_queues(),
    )


def _done(db, account, message):
    db.commit()
    flash(message, "success")
    return redirect(url_for("admin.user", user_id=account.id))


def _refuse(message, account):
    flash(message, "error")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/queues")
@admin_required
def set_queues(user_id):
    """Replace the queues granted to an account."""
    db, account = get_session(), _user(user_id)
    form = QueuesForm()
    if not form.validate_on_submit():
        abort(400, "The form was incomplete; reload the page and retry.")
    wanted = accounts.normal_queues(
        form.queues.data.replace("،", " ").replace(",", " ").split()
    )
    try:
        accounts.check_queues(wanted)
    except accounts.AccountError as exc:
        return _refuse(str(exc), account)
    gone = [q for q in account.queues if q not in wanted]
    accounts.revoke(db, account, gone, **_who())
    accounts.grant(db, account, wanted, **_who())
    known = _known_queues()
    unknown = [
        q for q in wanted if known is not None and q not in {k.number for k in known}
    ]
    if unknown:
        flash(
            f"The PBX has no queue {', '.join(unknown)} at the moment; the grant "
            "takes effect if such a queue appears.",
            "info",
        )
    return _done(db, account, f"Queues of {account.username} saved.")


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id):
    """Set a new password for an account and end its sessions."""
    db, account = get_session(), _user(user_id)
    form = PasswordForm()
    if not form.validate_on_submit():
        return _refuse("Type the new password.", account)
    try:
        accounts.set_password(db, account, form.password.data, **_who())
    except accounts.AccountError as exc:
        return _refuse(str(exc), account)
    if account.id == g.user.id:
        # Other sessions of this account end; this one carries on.
        session["token"] = account.session_token
    return _done(db, account, f"Password of {account.username} reset.")


def _button_or_400():
    if not ButtonForm().validate_on_submit():
        abort(400, "The form was incomplete; reload the page and retry.")


def _state_or_400():
    form = StateForm()
    if not form.validate_on_submit():
        abort(400, "The form was incomplete; reload the page and retry.")
    return form.state.data == "on"


def _not_self(account, what):
    if account.id == g.user.id:
        abort(400, f"You cannot {what} your own account; ask another admin.")


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id):
    """Enable or disable an account."""
    active = _state_or_400()
    db, account = get_session(), _user(user_id)
    _not_self(account, "disable")
    if active and account.is_demo and not current_app.config["DEMO_MODE"]:
        return _refuse(
            "The demo account works only in demo mode; create a real account instead.",
            account,
        )
    if account.is_active != active:
        accounts.set_active(db, account, active, **_who())
    state = "enabled" if active else "disabled"
    return _done(db, account, f"Account {account.username} is {state}.")


@bp.post("/users/<int:user_id>/role")
@admin_required
def set_role(user_id):
    """Make an account an admin or a supervisor."""
    admin = _state_or_400()
    db, account = get_session(), _user(user_id)
    _not_self(account, "change the role of")
    if account.is_admin != admin:
        accounts.set_admin(db, account, admin, **_who())
    role = "an admin" if admin else "a supervisor"
    return _done(db, account, f"{account.username} is {role}.")


@bp.post("/users/<int:user_id>/unlock")
@admin_required
def unlock(user_id):
    """Let a locked account try to sign in again at once."""
    _button_or_400()
    db, account = get_session(), _user(user_id)
    if not lockout.unlock_account(db, account.username, **_who()):
        return _refuse(f"{account.username} was not locked.", account)
    return _done(db, account, f"{account.username} may sign in again.")


@bp.post("/addresses/unlock")
@admin_required
def unlock_address():
    """Let a locked address try to sign in again at once."""
    form = AddressForm()
    if not form.validate_on_submit():
        abort(400, "The form was incomplete; reload the page and retry.")
    db = get_session()
    if lockout.unlock_address(db, form.address.data, **_who()):
        db.commit()
        flash(f"Sign-in from {form.address.data} is allowed again.", "success")
    else:
        flash(f"{form.address.data} was not locked.", "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/delete")
@admin_required
def delete(user_id):
    """Delete an account; its actions stay in the history under its name."""
    _button_or_400()
    db, account = get_session(), _user(user_id)
    _not_self(account, "delete")
    name = account.username
    accounts.delete(db, account, **_who())
    db.commit()
    flash(f"Account {name} deleted.", "success")
    return redirect(url_for("admin.users"))


def _connection_summary(config):
    """Describe the PBX connection without any secret."""
    client = pbxlink.client()
    return {
        "url": client.root_url,
        "auth": " and ".join(client.auth_modes) or "none",
        "timeout": config["PBX_TIMEOUT"],
    }


@bp.route("/pbx", methods=("GET", "POST"))
@admin_required
def pbx():
    """Show how the dashboard reaches the PBX; on POST, ping it."""
    form = ButtonForm()
    outcome = problem = None
    if form.validate_on_submit():
        try:
            outcome = pbxlink.client().ping() or "The PBX answered the ping."
        except PbxError as error:
            problem = {"cause": str(error), "advice": error.advice}
    summary = _connection_summary(current_app.config)
    return render_template(
        "admin/pbx.html", form=form, summary=summary, outcome=outcome, problem=problem
    )
