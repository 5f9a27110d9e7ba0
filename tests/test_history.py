"""The audit trail: each action's pairs as the PBX answered them, filters, CSV."""

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from dashboard import pbxlink
from dashboard.models import Action
from pbx.simdata import agent_number
from tests.conftest import csrf_token, signed_in


def pause(client, queue, agents, note="", action="pause"):
    token = csrf_token(client.get(f"/queues/{queue}").get_data(as_text=True))
    data = {"csrf_token": token, "agents": agents, action: action, "note": note}
    return client.post(f"/queues/{queue}/actions", data=data)


def exported(client, query=""):
    response = client.get("/history/export.csv" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_audit_rows_equal_what_the_pbx_answered(app, stand_in, db):
    stand_in.faults(fail_pairs=[["901", "1052", "Agent is on a call"]])
    client = signed_in(app, "sup")
    pause(client, "901", ["1051", "1052"], note="lunch")

    action = db.scalar(select(Action))
    assert (action.username, action.action, action.note, action.status) == (
        "sup",
        "pause",
        "lunch",
        "completed",
    )
    assert action.address == "127.0.0.1"
    assert action.duration_ms is not None and action.duration_ms >= 0
    assert [(p.queue, p.agent, p.outcome, p.message) for p in action.pairs] == [
        ("901", "1051", "succeeded", "Paused successfully"),
        ("901", "1052", "failed", "Agent is on a call"),
    ]
    assert [p.agent_name for p in action.pairs] == ["Yasaman Sadeghi", "Hadi Farahani"]


def test_action_is_recorded_before_the_pbx_call(app, stand_in, db, monkeypatch):
    # Stop the request where a crash would: after the record, inside the PBX call.
    seen = {}

    def crash(pairs):
        seen["pending"] = [
            (p.agent, p.outcome) for p in db.scalar(select(Action)).pairs
        ]
        raise RuntimeError("worker killed")

    client = signed_in(app, "sup")
    with app.app_context():
        monkeypatch.setattr(pbxlink.client(), "pause", crash)
    response = pause(client, "901", ["1051"])

    assert response.status_code == 500
    assert seen["pending"] == [("1051", "pending")]
    rows = exported(signed_in(app, "admin"))
    assert [(r["agent"], r["outcome"]) for r in rows] == [("1051", "unknown")]


def test_history_filters_by_supervisor_queue_agent_action_and_outcome(app, stand_in):
    stand_in.faults(fail_pairs=[["902", "1003", "Agent is on a call"]])
    sup = signed_in(app, "sup")
    admin = signed_in(app, "admin")
    pause(sup, "901", ["1051", "1052"])
    pause(admin, "902", ["1001", "1003"])
    pause(admin, "901", ["1051"], action="resume")

    assert len(exported(admin)) == 5
    by_sup = exported(admin, "?supervisor=sup")
    assert [(r["queue"], r["agent"]) for r in by_sup] == [
        ("901", "1051"),
        ("901", "1052"),
    ]
    in_902 = exported(admin, "?queue=902")
    assert [r["agent"] for r in in_902] == ["1001", "1003"]
    agent = exported(admin, "?agent=1051")
    assert [r["action"] for r in agent] == ["resume", "pause"]
    failed = exported(admin, "?outcome=failed")
    assert [(r["agent"], r["message"]) for r in failed] == [
        ("1003", "Agent is on a call")
    ]
    resumed = exported(admin, "?action=resume")
    assert [(r["supervisor"], r["agent"]) for r in resumed] == [("admin", "1051")]


def test_history_filters_by_time_range_in_the_configured_zone(make_app, app, db):
    tehran = make_app(DASHBOARD_TIMEZONE="Asia/Tehran")
    client = signed_in(tehran, "sup")
    pause(client, "901", ["1051"])
    action = db.scalar(select(Action))
    # 21:00 UTC on 3 December is 00:30 on 4 December in Tehran.
    action.created_at = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
    db.commit()

    rows = exported(client, "?from=2026-12-04&to=2026-12-04")
    assert [r["time"] for r in rows] == ["2026-12-04 00:30:00"]
    assert exported(client, "?to=2026-12-03") == []


def test_supervisor_history_holds_only_their_queues(app, stand_in):
    admin = signed_in(app, "admin")
    pause(admin, "903", ["1087"])
    pause(admin, "901", ["1051"])

    rows = exported(signed_in(app, "sup"))
    assert [(r["queue"], r["agent"]) for r in rows] == [("901", "1051")]


def test_history_page_lists_rows_and_refuses_bad_filters(app):
    client = signed_in(app, "sup")
    pause(client, "901", ["1051"], note="training")

    html = client.get("/history/").get_data(as_text=True)
    assert "1 agent-queue rows" in html and "training" in html
    assert client.get("/history/?queue=9x").status_code == 400
    assert client.get("/history/?from=04-12-2026").status_code == 400
    assert client.get("/history/?outcome=maybe").status_code == 400


def test_history_is_paginated(app, stand_in):
    client = signed_in(app, "admin")
    agents = [agent_number(index) for index in range(60)]
    pause(client, "902", agents)

    first = client.get("/history/").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count('class="badge') == 50
    second = client.get("/history/?page=2").get_data(as_text=True)
    assert second.count('class="badge') == 10


def test_csv_cells_cannot_become_spreadsheet_formulas(app):
    client = signed_in(app, "sup")
    pause(client, "901", ["1051"], note="=HYPERLINK(1)")

    assert exported(client)[0]["note"] == "'=HYPERLINK(1)"


def test_out_of_range_dates_and_pages_are_handled(app):
    client = signed_in(app, "admin")

    assert client.get("/history/?to=9999-12-31").status_code == 400
    assert client.get("/history/export.csv?to=9999-12-31").status_code == 400
    assert client.get("/history/?page=99999999999999999999999").status_code == 200
    assert client.get("/history/events?page=99999999999999999999999").status_code == 200


def test_persian_digits_in_filters_are_read_as_numbers(app):
    client = signed_in(app, "sup")
    pause(client, "901", ["1051"])

    rows = exported(client, "?queue=۹۰۱&agent=۱۰۵۱")

    assert [(r["queue"], r["agent"]) for r in rows] == [("901", "1051")]


def test_jalali_and_reversed_dates_are_explained(app):
    client = signed_in(app, "sup")

    jalali = client.get("/history/?from=۱۴۰۵-۰۹-۱۳")
    reversed_range = client.get("/history/?from=2026-12-05&to=2026-12-01")

    assert jalali.status_code == 400
    assert "looks like a Jalali date" in jalali.get_data(as_text=True)
    assert reversed_range.status_code == 400
    assert "comes after the to date" in reversed_range.get_data(as_text=True)


def test_supervisor_filter_ignores_case(app):
    client = signed_in(app, "sup")
    pause(client, "901", ["1051"])

    assert [r["supervisor"] for r in exported(client, "?supervisor=SUP")] == ["sup"]
