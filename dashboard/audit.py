"""Write each pause and resume to the audit trail before and after the PBX call."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from dashboard.models import Action, ActionPair, utcnow


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
    """Store the PBX's answer for every pair."""
    started = record.created_at
    outcomes = {(o.queue, o.agent): o for o in result.outcomes}
    for pair in record.pairs:
        outcome = outcomes.get((pair.queue, pair.agent))
        if outcome is None:
            pair.outcome = "unknown"
            pair.message = "The PBX did not report on this agent."
            continue
        pair.outcome, pair.message = outcome.outcome, outcome.message
    _finish(db, record, started)


def fail(db, record, error):
    """Store that the whole call failed; pairs are unknown if the PBX may have acted."""
    outcome = "unknown" if error.may_have_acted else "failed"
    for pair in record.pairs:
        pair.outcome = outcome
        pair.message = str(error)
    record.error = str(error)
    _finish(db, record, record.created_at)


def _latest_pairs(db, queue, outcomes):
    """Return {agent: ActionPair} of each agent's latest pair in QUEUE with OUTCOMES.

    Latest means last answered by the PBX: of two actions sent at the same moment,
    the one answered last is the one the PBX most likely carried out last. An
    action still waiting for its answer counts as the latest of all.
    """
    answered = func.coalesce(Action.completed_at, utcnow())
    ranked = (
        select(
            ActionPair.id,
            func.row_number()
            .over(
                partition_by=ActionPair.agent,
                order_by=(answered.desc(), ActionPair.id.desc()),
            )
            .label("rank"),
        )
        .join(Action)
        .where(ActionPair.queue == queue, ActionPair.outcome.in_(outcomes))
        .subquery()
    )
    latest = select(ranked.c.id).where(ranked.c.rank == 1)
    pairs = db.scalars(
        select(ActionPair)
        .where(ActionPair.id.in_(latest))
        .options(joinedload(ActionPair.action))
    )
    return {pair.agent: pair for pair in pairs}


def confirmed(db, queue):
    """Return {agent: ActionPair} of the latest pause or resume the PBX confirmed."""
    return _latest_pairs(db, queue, ("succeeded",))


def unsettled(db, queue):
    """Return {agent: ActionPair} whose latest action in QUEUE has no known outcome."""
    every = ("succeeded", "failed", "unknown", "pending")
    latest = _latest_pairs(db, queue, every)
    return {
        agent: pair for agent, pair in latest.items() if pair.shown_outcome == "unknown"
    }
