"""The supervisor's path: queue list, queue page, batch pause and resume, results."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.models import Action
from tests.conftest import csrf_token, signed_in

# In the stand-in's seeded call center, queue 901 is Sales; agents 1051 and 1052
# sit in Sales and Support (902); agent 1056 also in VIP (904).
SALES = "901"


def queue_form(client, number=SALES):
    page = client.get(f"/queues/{number}")
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def act(client, agents, action="pause", number=SALES, **extra):
    data = {"csrf_token": queue_form(client, number), "agents": agents, action: action}
    data.update(extra)
    return client.post(f"/queues/{number}/actions", data=data)


def ticked(html):
    """Return the agents whose checkbox is ticked on a queue page."""
    return re.findall(r'name="agents" value="(\d+)" id="agent-\d+"\s+checked>', html)


def badges(html):
    """Return {(queue, agent): badge text} from a results page."""
    rows = re.findall(
        r'data-queue="(\d+)" data-agent="(\d+)">.*?class="badge badge-\w+">([^<]+)<',
        html,
        re.S,
    )
    return {(queue, agent): text for queue, agent, text in rows}


def test_queue_list_shows_granted_queues_with_counts(client, auth):
    auth.login("sup")
    html = client.get("/").get_data(as_text=True)

    assert re.search(r">901</a>.*?>Sales</a>.*?<td class=\"num\">40</td>", html, re.S)
    assert re.search(r">902</a>.*?>Support</a>.*?<td class=\"num\">60</td>", html, re.S)
    assert ">903<" not in html


def test_admin_sees_every_queue(client, auth):
    auth.login("admin")
    html = client.get("/").get_data(as_text=True)

    for number, name in [("903", "Billing"), ("904", "VIP"), ("906", "Night Shift")]:
        assert f">{number}</a>" in html and f">{name}</a>" in html


def test_queue_page_lists_agents_with_names_and_checkboxes(client, auth):
    auth.login("sup")
    html = client.get(f"/queues/{SALES}").get_data(as_text=True)

    assert html.count('name="agents"') == 40
    assert 'value="1051"' in html and 'value="254"' in html
    assert "No action from this dashboard yet" in html


def test_pause_two_agents_shows_two_success_badges(client, auth, stand_in, db):
    auth.login("sup")
    response = act(client, ["1051", "1052"])

    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert badges(result) == {(SALES, "1051"): "Paused", (SALES, "1052"): "Paused"}
    assert result.count("Paused successfully") == 2
    assert "2 done" in result and "0 failed" in result and "0 unknown" in result
    calls = stand_in.action_calls()
    assert [c["endpoint"] for c in calls] == ["pbx/queues/batchpauseagent"]
    assert calls[0]["body"] == {
        "agents": [{"queue": SALES, "agent": "1051"}, {"queue": SALES, "agent": "1052"}]
    }


def test_pause_then_resume_updates_known_state(client, auth, db):
    auth.login("sup")
    act(client, ["1051"])
    page = client.get(f"/queues/{SALES}").get_data(as_text=True)
    assert re.search(r'state-paused">Paused</span>\s*by sup', page)

    response = act(client, ["1051"], action="resume")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "UnPaused successfully" in result
    page = client.get(f"/queues/{SALES}").get_data(as_text=True)
    row = page[page.index('value="1051"') : page.index('value="1052"')]
    assert re.search(r'state-resumed">Resumed</span>\s*by sup', row)


def test_all_queues_option_sends_one_pair_per_permitted_queue(client, auth, stand_in):
    auth.login("sup")
    act(client, ["1056"], all_queues="y")

    body = stand_in.action_calls()[0]["body"]
    # 1056 is also in VIP (904), which the supervisor was not granted.
    assert body == {
        "agents": [{"queue": "901", "agent": "1056"}, {"queue": "902", "agent": "1056"}]
    }


def test_admin_all_queues_includes_every_membership(client, auth, stand_in):
    auth.login("admin")
    act(client, ["1056"], all_queues="y")

    pairs = [
        (p["queue"], p["agent"]) for p in stand_in.action_calls()[0]["body"]["agents"]
    ]
    assert pairs == [("901", "1056"), ("902", "1056"), ("904", "1056")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"pause": "Pause"}, "Tick at least one agent."),
        ({"pause": "Pause", "agents": ["10x1"]}, "is not an agent number"),
        ({"agents": ["1051"]}, "Press either Pause or Resume."),
        ({"agents": ["1051"], "pause": "P", "resume": "R"}, "Press either Pause or"),
    ],
)
def test_bad_input_is_refused_without_any_pbx_call(
    client, auth, stand_in, data, message
):
    auth.login("sup")
    token = queue_form(client)
    before = len(stand_in.calls())

    response = client.post(
        f"/queues/{SALES}/actions", data={"csrf_token": token, **data}
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert len(stand_in.calls()) == before


def test_agent_outside_the_queue_is_refused_before_the_batch(client, auth, stand_in):
    auth.login("sup")
    response = act(client, ["1051", "1001"])

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Agent 1001 is not a member of queue 901." in html
    assert ticked(html) == ["1051"]
    assert stand_in.action_calls() == []


def test_more_pairs_than_the_limit_are_refused(app, make_app, stand_in):
    client = signed_in(make_app(MAX_BATCH_PAIRS=2), "admin")
    response = act(client, ["1051", "1052", "1053"])

    assert response.status_code == 400
    assert "That is 3 agent-queue pairs; one action may change at most 2." in (
        response.get_data(as_text=True)
    )
    assert stand_in.action_calls() == []


def test_partial_failure_shows_each_agents_outcome(client, auth, stand_in):
    stand_in.faults(fail_pairs=[[SALES, "1052", "Agent is busy"]])
    auth.login("sup")
    response = act(client, ["1051", "1052"])

    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert badges(result) == {(SALES, "1051"): "Paused", (SALES, "1052"): "Failed"}
    assert "Agent is busy" in result
    assert "Retry failed (1)" in result


def test_retry_failed_resends_only_failed_and_unknown_pairs(client, auth, stand_in):
    stand_in.faults(fail_pairs=[[SALES, "1052", "Agent is busy"]])
    auth.login("sup")
    first = act(client, ["1051", "1052"]).headers["Location"]
    stand_in.faults()

    token = csrf_token(client.get(first).get_data(as_text=True))
    again = client.post(first + "/retry", data={"csrf_token": token})

    result = client.get(again.headers["Location"]).get_data(as_text=True)
    assert badges(result) == {(SALES, "1052"): "Paused"}
    assert stand_in.action_calls()[-1]["body"] == {
        "agents": [{"queue": SALES, "agent": "1052"}]
    }


def test_pair_missing_from_the_answer_is_unknown(client, auth, stand_in, db):
    stand_in.faults(omit_pairs=[[SALES, "1052"]])
    auth.login("sup")
    result = client.get(act(client, ["1051", "1052"]).headers["Location"])

    assert badges(result.get_data(as_text=True)) == {
        (SALES, "1051"): "Paused",
        (SALES, "1052"): "Outcome unknown",
    }


PBX_FAILURES = [
    ({"status": {"pbx/queues/batchpauseagent": 401}}, "credentials", 502),
    ({"status": {"pbx/queues/batchpauseagent": "403-ip"}}, "IP", 502),
    (
        {"status": {"pbx/queues/batchpauseagent": "403-permission"}},
        "batchpauseagent",
        502,
    ),
    ({"status": {"pbx/queues/batchpauseagent": 404}}, "PBX_API_PREFIX", 502),
]


@pytest.mark.parametrize(("faults", "named", "status"), PBX_FAILURES)
def test_pbx_refusal_shows_banner_keeps_ticks_and_records_failure(
    client, auth, stand_in, db, faults, named, status
):
    stand_in.faults(**faults)
    auth.login("sup")
    response = act(client, ["1051", "1052"])

    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert 'class="banner"' in html and named in html
    assert ticked(html) == ["1051", "1052"]
    action = db.scalar(select(Action))
    assert [(p.agent, p.outcome) for p in action.pairs] == [
        ("1051", "failed"),
        ("1052", "failed"),
    ]


def test_pbx_read_timeout_marks_pairs_unknown_and_does_not_resend(
    make_app, stand_in, db
):
    client = signed_in(make_app(PBX_TIMEOUT=0.3))
    stand_in.faults(latency={"pbx/queues/batchpauseagent": 1.0})
    response = act(client, ["1051"])

    assert response.status_code == 504
    assert 'class="banner"' in response.get_data(as_text=True)
    action = db.scalar(select(Action))
    assert [(p.agent, p.outcome) for p in action.pairs] == [("1051", "unknown")]
    assert len(stand_in.action_calls()) == 1


def test_unreachable_pbx_shows_banner_on_queue_list(app, make_app):
    client = signed_in(make_app(PBX_URL="http://127.0.0.1:9"))
    response = client.get("/")

    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert 'class="banner"' in html
    assert "PBX_URL" in html


def test_result_page_of_a_crashed_action_says_outcome_unknown(client, auth, app, db):
    from dashboard import audit
    from dashboard.models import User

    sup = db.scalar(select(User).where(User.username == "sup"))
    record = audit.begin(
        db, user=sup, address="10.0.0.5", action="pause", pairs=[(SALES, "1051", "X")]
    )
    auth.login("sup")
    html = client.get(f"/actions/{record.id}").get_data(as_text=True)

    assert badges(html) == {(SALES, "1051"): "Outcome unknown"}
    assert "has not been recorded" in html


def test_selection_is_kept_when_the_pbx_cannot_list_members(client, auth, stand_in):
    auth.login("sup")
    token = queue_form(client)
    stand_in.faults(status={"pbx/users/search": 502})

    response = client.post(
        f"/queues/{SALES}/actions",
        data={"csrf_token": token, "agents": ["1051", "1052"], "pause": "Pause"},
    )

    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "Your selection is kept: 1051, 1052." in html
    assert re.findall(r'type="hidden" name="agents" value="(\d+)"', html) == [
        "1051",
        "1052",
    ]
    assert "Pause 2 agents again" in html
    assert stand_in.action_calls() == []


def test_success_zero_is_failed_with_the_pbx_message(client, auth, stand_in, db):
    stand_in.faults(
        success_zero={"pbx/queues/batchpauseagent": "Requested operation failed"}
    )
    auth.login("sup")
    response = act(client, ["1051"])

    assert response.status_code == 502
    assert "Requested operation failed" in response.get_data(as_text=True)
    pair = db.scalar(select(Action)).pairs[0]
    assert pair.outcome == "failed" and "Requested operation failed" in pair.message


def test_unreadable_answer_leaves_the_outcome_unknown(client, auth, stand_in, db):
    stand_in.faults(non_json=["pbx/queues/batchpauseagent"])
    auth.login("sup")
    response = act(client, ["1051"])

    assert response.status_code == 502
    assert "check the agents" in response.get_data(as_text=True).lower()
    assert [p.outcome for p in db.scalar(select(Action)).pairs] == ["unknown"]
    page = client.get(f"/queues/{SALES}").get_data(as_text=True)
    row = page[page.index('value="1051"') : page.index('value="1052"')]
    assert "state-paused" not in row and "Outcome unknown:" in row


def test_old_pbx_without_batch_endpoints_is_served_agent_by_agent(
    client, auth, stand_in
):
    stand_in.faults(batch_missing=True)
    auth.login("sup")
    result = client.get(act(client, ["1051", "1052"]).headers["Location"])

    assert badges(result.get_data(as_text=True)) == {
        (SALES, "1051"): "Paused",
        (SALES, "1052"): "Paused",
    }
    assert [c["endpoint"] for c in stand_in.action_calls()] == [
        "pbx/queues/batchpauseagent",
        "pbx/queues/pauseagent",
        "pbx/queues/pauseagent",
    ]


def failed_action(client, stand_in):
    stand_in.faults(fail_pairs=[[SALES, "1052", "Agent is busy"]])
    location = act(client, ["1051", "1052"]).headers["Location"]
    stand_in.faults()
    return location


def test_an_action_is_retried_once_only(client, auth, stand_in):
    auth.login("sup")
    first = failed_action(client, stand_in)
    token = csrf_token(client.get(first).get_data(as_text=True))
    again = client.post(first + "/retry", data={"csrf_token": token}).headers[
        "Location"
    ]

    repeat = client.post(first + "/retry", data={"csrf_token": token})

    assert repeat.status_code == 409
    assert "was retried as action 2" in repeat.get_data(as_text=True)
    page = client.get(first).get_data(as_text=True)
    assert f'Retried as <a href="{again}">action 2</a>' in page
    assert "Retry failed" not in page
    assert len(stand_in.action_calls()) == 2


def test_old_actions_are_not_retried(client, auth, stand_in, db):
    auth.login("sup")
    first = failed_action(client, stand_in)
    action = db.scalar(select(Action))
    action.created_at -= timedelta(minutes=16)
    db.commit()

    page = client.get(first).get_data(as_text=True)
    token = csrf_token(page)
    refused = client.post(first + "/retry", data={"csrf_token": token})

    assert "more than 15 minutes old" in page and "Retry failed" not in page
    assert refused.status_code == 409
    assert len(stand_in.action_calls()) == 1


def test_an_action_awaiting_the_pbx_offers_no_retry(client, auth, db):
    from dashboard import audit
    from dashboard.models import User

    sup = db.scalar(select(User).where(User.username == "sup"))
    record = audit.begin(
        db, user=sup, address="10.0.0.5", action="pause", pairs=[(SALES, "1051", "")]
    )
    auth.login("sup")

    page = client.get(f"/actions/{record.id}").get_data(as_text=True)

    assert "so it cannot be retried" in page and "Retry failed" not in page


def test_queue_page_flags_an_agent_whose_last_action_is_unknown(make_app, stand_in, db):
    client = signed_in(make_app(PBX_TIMEOUT=0.3))
    act(client, ["1051"])
    stand_in.faults(latency={"pbx/queues/batchresumeagent": 1.0})
    act(client, ["1051"], action="resume")
    stand_in.faults()

    html = client.get(f"/queues/{SALES}").get_data(as_text=True)

    row = html[html.index('value="1051"') : html.index('value="1052"')]
    assert re.search(r'state-paused">Paused</span>\s*by sup', row)
    unknown = r'state-unknown">Outcome unknown:</span>\s*<a href="/actions/2">'
    assert re.search(unknown + "resume by sup", row)


def test_refused_input_links_back_to_the_queue(client, auth, stand_in):
    auth.login("sup")
    token = queue_form(client)

    response = client.post(
        f"/queues/{SALES}/actions",
        data={"csrf_token": token, "agents": ["1051"], "pause": "P", "note": "x" * 201},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The note is longer than 200 characters." in html
    assert f'<a href="/queues/{SALES}">Back to queue {SALES}</a>' in html
    assert stand_in.action_calls() == []


def test_slow_queue_list_says_nothing_changed(make_app, stand_in):
    client = signed_in(make_app(PBX_TIMEOUT=0.3))
    stand_in.faults(latency={"pbx/queues/search": 1.0})

    response = client.get("/")

    assert response.status_code == 504
    html = response.get_data(as_text=True)
    assert "Nothing was changed." in html and "may have carried out" not in html


def test_last_known_state_follows_the_order_the_pbx_answered(client, auth, db):
    from dashboard import audit
    from dashboard.models import User
    from pbx import BatchResult, PairOutcome

    sup = db.scalar(select(User).where(User.username == "sup"))

    def started(action):
        return audit.begin(
            db, user=sup, address="10.0.0.5", action=action, pairs=[(SALES, "1051", "")]
        )

    def answered(record, message):
        outcome = PairOutcome(SALES, "1051", "succeeded", message)
        audit.complete(db, record, BatchResult(record.action, (outcome,), False, 5))

    # The pause is recorded first but the PBX answers it last.
    pause, resume = started("pause"), started("resume")
    answered(resume, "UnPaused successfully")
    answered(pause, "Paused successfully")
    auth.login("sup")

    html = client.get(f"/queues/{SALES}").get_data(as_text=True)

    row = html[html.index('value="1051"') : html.index('value="1052"')]
    assert re.search(r'state-paused">Paused</span>\s*by sup', row)
