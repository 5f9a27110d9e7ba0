"""Queue pages: list the queues, show their agents, pause and resume them."""

import logging
from collections import Counter
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from dashboard import audit, pbxlink
from dashboard.auth import client_address
from dashboard.db import get_session
from dashboard.errors import render_error
from dashboard.models import Action, utcnow
from dashboard.numbers import is_number
from pbx import Pair, PbxError, PbxTimeout

bp = Blueprint("queues", __name__)
log = logging.getLogger("dashboard.queues")


class AgentActionForm(FlaskForm):
    # Choices are checked in the view, which can say which agent is wrong and why.
    agents = SelectMultipleField("Agents", validate_choice=False)
    all_queues = BooleanField("Apply in all of their queues")
    note = StringField("Note", validators=[Length(max=200)])
    pause = SubmitField("Pause")
    resume = SubmitField("Resume")


class RetryForm(FlaskForm):
    retry = SubmitField("Retry failed")


class InputError(Exception):
    """Submitted input that the dashboard refuses before calling the PBX."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def pbx_problem(error):
    """Describe a PBX failure for the banner: what happened and what to check."""
    problem = {"cause": str(error), "advice": error.advice}
    if error.may_have_acted and not isinstance(error, PbxTimeout):
        # A timeout's own advice already says this.
        problem["unknown"] = (
            "The PBX may have carried out the action all the same, so its outcome is "
            "unknown: check the agents' state on the PBX before trying again."
        )
    return problem


def gateway_status(error):
    """Answer 504 when the PBX was too slow, 502 when it answered wrongly."""
    return 504 if isinstance(error, PbxTimeout) else 502


def visible_queues(roster):
    user = g.user
    return [q for q in roster.queues.values() if user.may_act_on(q.number)]


@bp.route("/")
def index():
    """List the queues this account may act on."""
    try:
        roster = pbxlink.fetch_roster()
    except PbxError as error:
        return render_template(
            "queues/index.html", queues=[], problem=pbx_problem(error)
        ), gateway_status(error)
    return render_template("queues/index.html", queues=visible_queues(roster))


def _queue_page(roster, number, form, problem=None, status=200):
    queue = roster.queues[number]
    db = get_session()
    return (
        render_template(
            "queues/detail.html",
            queue=queue,
            form=form,
            ticked=set(form.agents.data or []),
            confirmed=audit.confirmed(db, number),
            unsettled=audit.unsettled(db, number),
            problem=problem,
            max_pairs=current_app.config["MAX_BATCH_PAIRS"],
        ),
        status,
    )


def _require_queue(number):
    if not is_number(number):
        abort(404)
    if not g.user.may_act_on(number):
        abort(403, f"Your account has no permission for queue {number}.")


def _load_queue(number):
    """Return the roster holding queue NUMBER, or raise PbxError."""
    roster = pbxlink.fetch_roster()
    if number not in roster.queues:
        abort(404, f"The PBX has no queue {number}.")
    return roster


@bp.route("/queues/<number>")
def detail(number):
    """Show a queue's agents with their last known state and the action form."""
    _require_queue(number)
    try:
        roster = _load_queue(number)
    except PbxError as error:
        return render_template(
            "queues/unavailable.html", number=number, problem=pbx_problem(error)
        ), gateway_status(error)
    return _queue_page(roster, number, AgentActionForm())


def chosen_action(form):
    if form.pause.data and not form.resume.data:
        return "pause"
    if form.resume.data and not form.pause.data:
        return "resume"
    raise InputError("Press either Pause or Resume.")


def ticked_agents(form):
    """Return the ticked agent numbers, refusing an empty or malformed list."""
    agents = list(dict.fromkeys(form.agents.data or []))
    if not agents:
        raise InputError("Tick at least one agent.")
    bad = [a for a in agents if not is_number(a)]
    if bad:
        raise InputError(f"{bad[0][:40]!r} is not an agent number: use digits only.")
    return agents


def requested_pairs(roster, number, agents, all_queues):
    """Turn AGENTS into (queue, agent, name) triples, checking each is a member."""
    queue = roster.queues[number]
    strangers = [a for a in agents if queue.member(a) is None]
    if strangers:
        raise InputError(
            f"Agent {strangers[0]} is not a member of queue {number}. "
            "Reload the page to see the queue's current members."
        )

    pairs = []
    for agent in agents:
        queues = [number]
        if all_queues:
            queues += [q for q in roster.queues_of(agent) if q != number]
        for other in queues:
            if g.user.may_act_on(other):
                pairs.append((other, agent, queue.member(agent).name))

    limit = current_app.config["MAX_BATCH_PAIRS"]
    if len(pairs) > limit:
        raise InputError(
            f"That is {len(pairs)} agent-queue pairs; one action may change at most "
            f"{limit}. Tick fewer agents."
        )
    return pairs


def run_action(action, pairs, note="", retry_of=None):
    """Record, send and complete one batch; return the record and any PBX error."""
    db = get_session()
    record = audit.begin(
        db,
        user=g.user,
        address=client_address(),
        action=action,
        pairs=pairs,
        note=note,
        retry_of=retry_of,
    )
    client = pbxlink.client()
    send = client.pause if action == "pause" else client.resume
    try:
        result = send([Pair(queue, agent) for queue, agent, _ in pairs])
    except PbxError as error:
        audit.fail(db, record, error)
        return record, error
    audit.complete(db, record, result)
    return record, None


@bp.post("/queues/<number>/actions")
def act(number):
    """Pause or resume the ticked agents in one batch call."""
    _require_queue(number)
    form = AgentActionForm()
    back = (f"Back to queue {number}", url_for("queues.detail", number=number))
    if not form.validate_on_submit():
        if form.note.errors:
            return render_error(400, "The note is longer than 200 characters.", back)
        abort(400, "The form was incomplete; reload the page and retry.")
    try:
        action = chosen_action(form)
        agents = ticked_agents(form)
    except InputError as error:
        return render_error(400, str(error), back)

    try:
        roster = _load_queue(number)
    except PbxError as error:
        # Keep the selection: the page can send the same action again.
        return render_template(
            "queues/unavailable.html",
            number=number,
            problem=pbx_problem(error),
            form=form,
            agents=agents,
            action=action,
        ), gateway_status(error)
    try:
        pairs = requested_pairs(roster, number, agents, form.all_queues.data)
    except InputError as error:
        return _queue_page(roster, number, form, {"cause": str(error)}, error.status)

    record, error = run_action(action, pairs, note=(form.note.data or "").strip())
    if error is not None:
        problem = pbx_problem(error)
        problem["record"] = record.id
        return _queue_page(roster, number, form, problem, gateway_status(error))
    return redirect(url_for("queues.result", action_id=record.id))


def _readable_action(action_id):
    """Return an action and the pairs of it in queues this account may act on."""
    record = get_session().get(Action, action_id)
    if record is None:
        abort(404, "There is no such action.")
    pairs = [pair for pair in record.pairs if g.user.may_act_on(pair.queue)]
    if not pairs:
        abort(
            403, "This action touched only queues your account has no permission for."
        )
    return record, pairs


RETRY_MINUTES = 15


def retry_refusal(record, visible):
    """Say why RECORD's failed and unknown pairs may not be sent again, if so."""
    retried = get_session().scalar(
        select(Action.id).where(Action.retry_of == record.id)
    )
    if retried is not None:
        return (
            f"This action was retried as action {retried}; retry from there.",
            retried,
        )
    if any(p not in visible and p.shown_outcome != "succeeded" for p in record.pairs):
        return (
            "Some agents to retry are in queues your account has no permission for: "
            "ask an admin to retry this action, or start again from the queue page.",
            None,
        )
    if record.status == "pending":
        # It may still be running, agent by agent on an older PBX; sending it again
        # could reach the PBX twice.
        return (
            "The PBX's answer to this action has not been recorded, so it cannot be "
            "retried: check the agents on the queue page and act again from there.",
            None,
        )
    if utcnow() - record.created_at > timedelta(minutes=RETRY_MINUTES):
        return (
            f"This action is more than {RETRY_MINUTES} minutes old and the agents may "
            "have changed since: start again from the queue page.",
            None,
        )
    return None, None


@bp.route("/actions/<int:action_id>")
def result(action_id):
    """Show, agent by agent, what the PBX did with one action."""
    record, pairs = _readable_action(action_id)
    refusal, retried = retry_refusal(record, pairs)
    return render_template(
        "queues/result.html",
        record=record,
        pairs=pairs,
        hidden=len(record.pairs) - len(pairs),
        counts=Counter(pair.shown_outcome for pair in pairs),
        form=RetryForm(),
        refusal=refusal,
        retried=retried,
    )


@bp.post("/actions/<int:action_id>/retry")
def retry(action_id):
    """Send the failed and unknown pairs of an action again."""
    record, visible = _readable_action(action_id)
    if not RetryForm().validate_on_submit():
        abort(400, "The form was incomplete; reload the page and retry.")
    back = (
        f"Back to action {record.id}",
        url_for("queues.result", action_id=record.id),
    )
    refusal, _ = retry_refusal(record, visible)
    if refusal:
        return render_error(409, refusal, back)
    pairs = [
        (p.queue, p.agent, p.agent_name)
        for p in visible
        if p.shown_outcome in ("failed", "unknown")
    ]
    if not pairs:
        return redirect(url_for("queues.result", action_id=record.id))

    try:
        again, error = run_action(
            record.action, pairs, note=record.note, retry_of=record.id
        )
    except IntegrityError:
        get_session().rollback()
        message = "Someone else retried this action a moment ago; see the history."
        return render_error(409, message, back)
    if error is not None:
        log.warning("Retry of action %s failed: %s", record.id, error)
        flash(f"{error} {error.advice}", "error")
    return redirect(url_for("queues.result", action_id=again.id))
