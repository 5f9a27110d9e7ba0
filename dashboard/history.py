"""The audit trail: who paused or resumed whom, when, and what the PBX answered."""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from sqlalchemy import func, select

from dashboard.accounts import normal_username
from dashboard.auth import admin_required
from dashboard.db import get_session
from dashboard.models import Action, ActionPair, Event
from dashboard.numbers import ascii_digits, is_number

bp = Blueprint("history", __name__, url_prefix="/history")

PAGE_SIZE = 50
# Dates before this are Jalali years typed by mistake, such as 1405-09-13.
FIRST_YEAR = 2000
ACTIONS = ("pause", "resume")
OUTCOMES = ("succeeded", "failed", "unknown")
CSV_COLUMNS = [
    "time",
    "supervisor",
    "address",
    "action",
    "queue",
    "agent",
    "agent_name",
    "outcome",
    "message",
    "note",
    "action_id",
    "duration_ms",
]


def zone():
    return ZoneInfo(current_app.config["DASHBOARD_TIMEZONE"])


@bp.app_template_filter("localtime")
def local(moment):
    """Show MOMENT in the configured time zone."""
    if moment is None:
        return ""
    return moment.astimezone(zone()).strftime("%Y-%m-%d %H:%M:%S")


def _day(raw, name, end=False):
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
        moment = datetime.combine(day, time.min, tzinfo=zone())
        moment = moment + timedelta(days=1) if end else moment
    except ValueError:
        abort(400, f"The {name} date must be a real date such as 2026-12-04.")
    except OverflowError:
        abort(400, f"The {name} date {raw} is too far in the future.")
    if day.year < FIRST_YEAR:
        abort(
            400,
            f"The {name} date {raw} looks like a Jalali date; use the Gregorian "
            "calendar, such as 2026-12-04.",
        )
    return moment


def read_filters(args):
    """Check the filter fields of the query string; refuse malformed ones."""
    filters = {
        key: ascii_digits(args.get(key, "").strip())
        for key in ("from", "to", "supervisor", "queue", "agent", "action", "outcome")
    }
    if filters["action"] and filters["action"] not in ACTIONS:
        abort(400, "The action filter is either pause or resume.")
    if filters["outcome"] and filters["outcome"] not in OUTCOMES:
        abort(400, "The outcome filter is succeeded, failed or unknown.")
    for key in ("queue", "agent"):
        if filters[key] and not is_number(filters[key]):
            abort(400, f"The {key} filter is a number.")
    return filters


def pair_query(filters):
    """Select (pair, action) rows matching FILTERS that this account may see."""
    query = select(ActionPair, Action).join(Action)
    if not g.user.is_admin:
        query = query.where(ActionPair.queue.in_(g.user.queues))
    start, end = _day(filters["from"], "from"), _day(filters["to"], "to", end=True)
    if start and end and start >= end:
        abort(400, "The from date comes after the to date; swap them.")
    if start:
        query = query.where(Action.created_at >= start)
    if end:
        query = query.where(Action.created_at < end)
    if filters["supervisor"]:
        supervisor = normal_username(filters["supervisor"])
        query = query.where(Action.username == supervisor)
    if filters["queue"]:
        query = query.where(ActionPair.queue == filters["queue"])
    if filters["agent"]:
        query = query.where(ActionPair.agent == filters["agent"])
    if filters["action"]:
        query = query.where(Action.action == filters["action"])
    if filters["outcome"] == "unknown":
        query = query.where(ActionPair.outcome.in_(("unknown", "pending")))
    elif filters["outcome"]:
        query = query.where(ActionPair.outcome == filters["outcome"])
    return query.order_by(Action.created_at.desc(), Action.id.desc(), ActionPair.id)


@bp.route("/")
def index():
    """Show the filtered audit trail a page at a time."""
    filters = read_filters(request.args)
    page = page_number(request.args)
    rows, pages, total = one_page(get_session().execute, pair_query(filters), page)
    return render_template(
        "history/index.html",
        rows=rows,
        filters=filters,
        page=page,
        pages=pages,
        total=total,
        actions=ACTIONS,
        outcomes=OUTCOMES,
    )


def one_page(run, query, page):
    """Run one page of QUERY with RUN; return its rows, page count and total."""
    total = get_session().scalar(select(func.count()).select_from(query.subquery()))
    rows = run(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return rows, max(1, -(-total // PAGE_SIZE)), total


def page_number(args):
    """Return the page asked for, within what a database can count."""
    raw = args.get("page", "1")
    if not is_number(raw) or len(raw) > 9:
        return 1
    return max(1, int(raw))


def _csv_safe(value):
    # A cell starting with one of these would run as a formula in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/export.csv")
def export():
    """Download the filtered audit trail as CSV."""
    filters = read_filters(request.args)
    rows = get_session().execute(pair_query(filters)).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for pair, action in rows:
        values = [
            local(action.created_at),
            action.username,
            action.address,
            action.action,
            pair.queue,
            pair.agent,
            pair.agent_name,
            pair.shown_outcome,
            pair.message,
            action.note,
            action.id,
            action.duration_ms if action.duration_ms is not None else "",
        ]
        writer.writerow([_csv_safe(v) for v in values])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=history.csv"},
    )


@bp.route("/events")
@admin_required
def events():
    """Show sign-ins, lockouts and account changes, newest first."""
    page = page_number(request.args)
    account = normal_username(request.args.get("account", ""))
    kind = request.args.get("kind", "").strip()
    query = select(Event)
    if account:
        query = query.where(Event.username == account)
    if kind:
        query = query.where(Event.kind == kind)
    db = get_session()
    query = query.order_by(Event.at.desc(), Event.id.desc())
    rows, pages, _ = one_page(db.scalars, query, page)
    kinds = db.scalars(select(Event.kind).distinct().order_by(Event.kind)).all()
    return render_template(
        "history/events.html",
        rows=rows,
        page=page,
        pages=pages,
        filters={"account": account, "kind": kind},
        kinds=kinds,
    )
