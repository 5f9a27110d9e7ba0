"""Write each pause and resume to the audit trail before and after the PBX call."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from dashboard.models import Action, ActionPair, AgentState, utcnow


def begin(db, *, user, address, action, pairs, note="", retry_of=None):
    """Record ACTION on PAIRS ((queue, agent, name) triples) and commit it."""
    record = Action(
        user_id=user.id,
        username=user.username,
        address=address,
        action=action,
        note=note,
        retry_of=retry_of,
    )
    record.pairs = [
        ActionPair(queue=queue, agent=agent, agent_name=name)
        for queue, agent, name in pairs
    ]
    db.add(record)
    db.commit()
    return record


def _finish(db, record, started):
    record.status = "completed"
    record.completed_at = utcnow()
    record.duration_ms = int((record.completed_at - started).total_seconds() * 1000)
    db.commit()


def complete(db, record, result):
    """Store the PBX's answer for every pair, and the state it confirmed."""
    started = record.created_at
    outcomes = {(o.queue, o.agent): o for o in result.outcomes}
    for pair in record.pairs:
        outcome = outcomes.get((pair.queue, pair.agent))
        if outcome is None:
            pair.outcome = "unknown"
            pair.message = "The PBX did not report on this agent."
            continue
        pair.outcome, pair.message = outcome.outcome, outcome.message
        if outcome.outcome == "succeeded":
            _remember_state(db, record, pair)
    _finish(db, record, started)


def fail(db, record, error):
    """Store that the whole call failed; pairs are unknown if the PBX may have acted."""
    outcome = "unknown" if error.may_have_acted else "failed"
    for pair in record.pairs:
        pair.outcome = outcome
        pair.message = str(error)
    record.error = str(error)
    _finish(db, record, record.created_at)


def _remember_state(db, record, pair):
    state = db.scalar(
        select(AgentState).where(
            AgentState.queue == pair.queue, AgentState.agent == pair.agent
        )
    )
    if state is None:
        state = AgentState(queue=pair.queue, agent=pair.agent)
        db.add(state)
    state.paused = record.action == "pause"
    state.changed_at = utcnow()
    state.changed_by = record.username
    state.action_id = record.id


def known_states(db, queues):
    """Return {(queue, agent): AgentState} for QUEUES."""
    rows = db.scalars(select(AgentState).where(AgentState.queue.in_(list(queues))))
    return {(row.queue, row.agent): row for row in rows}


def unsettled(db, queue):
    """Return {agent: ActionPair} whose latest action in QUEUE has no known outcome."""
    latest = (
        select(func.max(ActionPair.id))
        .where(ActionPair.queue == queue)
        .group_by(ActionPair.agent)
    )
    pairs = db.scalars(
        select(ActionPair)
        .where(ActionPair.id.in_(latest))
        .where(ActionPair.outcome.in_(("unknown", "pending")))
        .options(joinedload(ActionPair.action))
    )
    return {pair.agent: pair for pair in pairs}
