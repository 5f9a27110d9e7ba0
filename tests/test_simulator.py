"""The Simotel simulator answers like the v4 contract says, over loopback HTTP."""

import time
from collections import Counter

import pytest
import requests

from pbx import simulator as simulator_module
from pbx.simulator import Simulator, start_simulator

USERNAME = "dashboard"
PASSWORD = "sim-test-password"
API_KEY = "sim-test-api-key-42"
BASIC = {"username": USERNAME, "password": PASSWORD}
KEY = {"api_key": API_KEY}
BOTH = {**BASIC, **KEY}


@pytest.fixture(scope="module")
def open_server():
    running = start_simulator()
    yield running
    running.stop()


@pytest.fixture
def server(open_server):
    open_server.simulator.reset()
    return open_server


def post(server, endpoint, body=None, **options):
    """POST JSON to an API endpoint and return the response."""
    options.setdefault("json", {} if body is None else body)
    return requests.post(f"{server.url}/api/v4/{endpoint}", timeout=5, **options)


def envelope(response):
    """Return (status, success, message) of a JSON answer."""
    payload = response.json()
    return response.status_code, payload["success"], payload["message"]


def test_seeded_call_center_has_believable_sizes(server):
    sim = server.simulator

    sizes = {number: len(sim.queue_members(number)) for number in sim.queues}
    memberships_per_agent = Counter(agent for (_, agent) in sim.members)
    mapped = [e for e in sim.extensions.values() if e["mapped"]]
    names = [e["name"] for e in sim.extensions.values()]

    assert sizes == {"901": 40, "902": 60, "903": 15, "904": 8, "905": 12, "906": 5}
    assert [q["name"] for q in sim.queues.values()] == [
        "Sales",
        "Support",
        "Billing",
        "VIP",
        "Retention",
        "Night Shift",
    ]
    assert Counter(memberships_per_agent.values()) == {1: 85, 2: 20, 3: 5}
    assert len(sim.extensions) == 112
    assert len(set(names)) == 112
    assert len(mapped) == 28
    assert all(e["mapped"] != e["number"] for e in mapped)
    assert sim.paused_pairs() == [
        ("902", "1008"),
        ("902", "1028"),
        ("902", "1048"),
        ("902", "218"),
        ("902", "238"),
        ("902", "258"),
    ]


def test_ping_answers_post_and_put_but_not_get(server):
    posted = post(server, "setting/ping/act")
    put = requests.put(
        f"{server.url}/api/v4/setting/ping/act",
        data=b"",
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    got = requests.get(f"{server.url}/api/v4/setting/ping/act", timeout=5)

    assert posted.json() == {
        "success": 1,
        "message": simulator_module.PING_MESSAGE,
        "data": None,
    }
    assert envelope(put)[:2] == (200, 1)
    assert envelope(got) == (405, 0, "Method not allowed")


def test_bad_requests_get_the_documented_statuses(server):
    plain = post(server, "pbx/queues/search", json=None, data=b"{}")
    broken = post(
        server,
        "pbx/queues/search",
        json=None,
        data=b"{not json",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    unknown = post(server, "pbx/queues/teleport")
    newer = requests.post(f"{server.url}/api/v4.1/pbx/nothing", json={}, timeout=5)
    outside = requests.post(f"{server.url}/v4/pbx/queues/search", json={}, timeout=5)

    assert envelope(plain) == (415, 0, "Unsupported Media Type")
    assert envelope(broken) == (400, 0, "Unable to parse content")
    assert envelope(unknown) == (501, 0, "Requested service does not exist")
    assert envelope(newer) == (501, 0, "Requested service does not exist")
    assert outside.status_code == 404
    assert outside.headers["Content-Type"].startswith("text/html")
    assert "<h1>Not Found</h1>" in outside.text


@pytest.mark.parametrize(
    ("credentials", "auth", "headers", "expected"),
    [
        (BASIC, None, {}, "missing"),
        (BASIC, (USERNAME, "nope"), {}, "invalid"),
        (BASIC, (USERNAME, PASSWORD), {}, None),
        (KEY, None, {"X-APIKEY": "nope"}, "invalid"),
        (KEY, None, {"X-APIKEY": API_KEY}, None),
        (BOTH, (USERNAME, PASSWORD), {}, "missing"),
        (BOTH, (USERNAME, "nope"), {"X-APIKEY": API_KEY}, "invalid"),
        (BOTH, (USERNAME, PASSWORD), {"X-APIKEY": API_KEY}, None),
        ({}, ("anyone", "anything"), {"X-APIKEY": "whatever"}, None),
    ],
)  # fmt: skip
def test_auth_modes_basic_key_and_both(credentials, auth, headers, expected):
    with start_simulator(**credentials) as running:
        response = requests.post(
            f"{running.url}/api/v4/setting/ping/act",
            json={},
            auth=auth,
            headers=headers,
            timeout=5,
        )

    if expected is None:
        assert envelope(response)[:2] == (200, 1)
    else:
        assert envelope(response) == (401, 0, f"BasicAuth or ApiKey is {expected}")


def test_ip_list_and_permissions_give_their_403s(server):
    server.simulator.set_faults(ip_allowed=False)
    blocked = post(server, "pbx/users/search", {"alike": True})
    server.simulator.set_faults(ip_allowed=True, permissions=["/pbx/users/search"])
    allowed = post(server, "pbx/users/search", {"alike": True})
    denied = post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "1051"})

    assert envelope(blocked) == (403, 0, "IP is not permitted")
    assert envelope(allowed)[:2] == (200, 1)
    assert envelope(denied) == (403, 0, '"/pbx/queues/pauseagent";Access denied')
    assert server.simulator.is_paused("901", "1051") is False


def test_single_pause_and_resume_change_state_with_documented_messages(server):
    sim = server.simulator
    pair = {"queue": "901", "agent": "1051"}

    first = post(server, "pbx/queues/pauseagent", pair).json()
    again = post(server, "pbx/queues/pauseagent", pair).json()
    assert sim.is_paused("901", "1051") is True
    resumed = post(server, "pbx/queues/resumeagent", pair).json()

    assert first == {
        "success": 1,
        "message": "",
        "data": {"message": "Paused successfully", "ok": 1},
    }
    assert again["data"] == {"message": "Paused successfully", "ok": 1}
    assert resumed["data"] == {"message": "UnPaused successfully", "ok": 1}
    assert sim.is_paused("901", "1051") is False


def test_single_calls_refuse_strangers_and_missing_fields(server):
    stranger = post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "214"})
    no_queue = post(server, "pbx/queues/pauseagent", {"queue": "999", "agent": "214"})
    no_agent = post(server, "pbx/queues/resumeagent", {"queue": "901"})

    assert stranger.json()["data"] == {
        "message": "Agent 214 is not a member of queue 901",
        "ok": 0,
    }
    assert no_queue.json()["data"] == {"message": "Queue 999 does not exist", "ok": 0}
    assert envelope(no_agent) == (200, 0, "Field 'agent':value is missing")


def test_batch_pause_answers_per_pair_under_data_Data(server):
    body = {
        "agents": [
            {"queue": "901", "agent": "1051"},
            {"queue": "901", "agent": "214"},
            {"queue": "902", "agent": "1008"},
        ]
    }

    response = post(server, "pbx/queues/batchpauseagent", body)

    assert response.json() == {
        "success": 1,
        "message": "",
        "data": {
            "Data": [
                {
                    "agent": "1051",
                    "message": "Paused successfully",
                    "ok": 1,
                    "queue": "901",
                },
                {
                    "agent": "214",
                    "message": "Agent 214 is not a member of queue 901",
                    "ok": 0,
                    "queue": "901",
                },
                {
                    "agent": "1008",
                    "message": "Paused successfully",
                    "ok": 1,
                    "queue": "902",
                },
            ],
            "ok": 0,
        },
    }
    assert server.simulator.calls("pbx/queues/batchpauseagent")[0]["body"] == body


def test_batch_faults_shape_and_trim_the_answer(server):
    server.simulator.set_faults(
        batch_data_key="data",
        batch_agent_key="agents",
        ok_style="strbool",
        omit_pairs=[["901", "254"]],
        extra_pairs=[["906", "777"]],
        fail_pairs=[["901", "1052"]],
    )
    pairs = [("901", "1051"), ("901", "254"), ("901", "1052")]
    body = {"agents": [{"queue": q, "agent": a} for q, a in pairs]}

    data = post(server, "pbx/queues/batchresumeagent", body).json()["data"]

    assert data == {
        "data": [
            {"agents": "1051", "message": "UnPaused successfully", "ok": "true",
             "queue": "901"},
            {"agents": "1052", "message": "Requested operation failed", "ok": "false",
             "queue": "901"},
            {"agents": "777", "message": "UnPaused successfully", "ok": "true",
             "queue": "906"},
        ],
        "ok": "false",
    }  # fmt: skip


def test_batch_missing_answers_501_but_single_calls_work(server):
    server.simulator.set_faults(batch_missing=True)

    batch = post(server, "pbx/queues/batchpauseagent", {"agents": []})
    single = post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "1051"})

    assert envelope(batch) == (501, 0, "Requested service does not exist")
    assert envelope(single)[:2] == (200, 1)


def test_add_and_remove_change_membership(server):
    add = {"queue": "906", "source": "1051", "agent": "1051", "penalty": ""}

    added = post(server, "pbx/queues/addagent", add).json()["data"]
    members_after_add = server.simulator.queue_members("906")
    removed = post(server, "pbx/queues/removeagent", add).json()["data"]

    assert added == {"message": "Added successfully", "ok": 1}
    assert members_after_add[-1] == "1051"
    assert removed == {"message": "Removed successfully", "ok": 1}
    assert "1051" not in server.simulator.queue_members("906")


def test_queues_search_is_alike_or_exact(server):
    alike = post(
        server,
        "pbx/queues/search",
        {"alike": "true", "conditions": {"name": "s", "number": ""}},
    ).json()["data"]
    exact = post(
        server,
        "pbx/queues/search",
        {"alike": "false", "conditions": {"name": "sales", "number": ""}},
    ).json()["data"]
    no_alike = post(server, "pbx/queues/search", {"conditions": {}})

    assert [q["name"] for q in alike] == ["Sales", "Support", "Night Shift"]
    assert [q["number"] for q in exact] == ["901"]
    assert set(exact[0]) >= {"_id", "strategy", "wrapuptime", "date", "maxlen"}
    assert envelope(no_alike) == (200, 0, "Field 'alike':value is missing")  # fmt: skip


@pytest.mark.parametrize(
    ("shape", "queues"),
    [
        ("strings", ["902", "904"]),
        ("numbers", [902, 904]),
        (
            "objects",
            [
                {"queue": "902", "name": "Support", "paused": 0},
                {"queue": "904", "name": "VIP", "paused": 0},
            ],
        ),
        ("none", []),
    ],
)
def test_users_search_gives_queues_in_the_chosen_shape(server, shape, queues):
    server.simulator.set_faults(queues_shape=shape)
    body = {"status": "all", "alike": True, "conditions": {"number": "1002"}}

    [user] = post(server, "pbx/users/search", body).json()["data"]

    assert user["queues"] == queues
    assert (user["number"], user["name"], user["mapped"]) == (
        "1002",
        "Maryam Kazemi",
        "202",
    )
    assert user["secret"] == "******"
    assert set(user["forward_policy"]) == {"Busy", "No Answer", "UnAvailable", "All"}


def test_users_search_can_list_only_mapped_extensions(server):
    body = {"status": "mapped", "alike": True, "conditions": {}}

    users = post(server, "pbx/users/search", body).json()["data"]

    assert len(users) == 28
    assert users[0]["number"] == "1002"


@pytest.mark.parametrize(
    ("status", "code", "content_type"),
    [
        (400, 400, "application/json"),
        ("401-missing", 401, "application/json"),
        ("403-ip", 403, "application/json"),
        ("403-permission", 403, "application/json"),
        (404, 404, "text/html; charset=iso-8859-1"),
        (405, 405, "application/json"),
        (415, 415, "application/json"),
        (500, 500, "application/json"),
        (501, 501, "application/json"),
        (502, 502, "text/html; charset=iso-8859-1"),
    ],
)
def test_forced_statuses(server, status, code, content_type):
    server.simulator.set_faults(status={"pbx/queues/search": status})

    response = post(server, "pbx/queues/search", {"alike": "true"})

    assert response.status_code == code
    assert response.headers["Content-Type"] == content_type


def test_success_zero_and_non_json_faults(server):
    server.simulator.set_faults(
        success_zero={"pbx/queues/search": "Requested operation failed"},
        non_json=["pbx/queues/pauseagent"],
    )

    failed = post(server, "pbx/queues/search", {"alike": "true"})
    garbled = post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "1051"})

    assert envelope(failed) == (200, 0, "Requested operation failed")
    assert garbled.status_code == 200
    assert garbled.text.startswith("<br />\n<b>Notice</b>")
    assert server.simulator.is_paused("901", "1051") is True


def test_latency_delays_only_the_chosen_endpoint(server):
    server.simulator.set_faults(latency={"pbx/queues/search": 0.3})

    started = time.monotonic()
    post(server, "setting/ping/act")
    quick = time.monotonic() - started
    post(server, "pbx/queues/search", {"alike": "true"})
    slow = time.monotonic() - started - quick

    assert quick < 0.25
    assert slow >= 0.3


def test_control_path_sets_faults_reports_state_and_resets(server):
    control = f"{server.url}/_simulator"

    set_reply = requests.post(
        f"{control}/faults", json={"batch_missing": True}, timeout=5
    )
    bad_reply = requests.post(f"{control}/faults", json={"teleport": 1}, timeout=5)
    post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "1051"})
    state = requests.get(f"{control}/state", timeout=5).json()
    reset_reply = requests.post(f"{control}/reset", timeout=5)
    after = requests.get(f"{control}/state", timeout=5).json()

    assert set_reply.json()["batch_missing"] is True
    assert bad_reply.status_code == 400
    assert bad_reply.json() == {"error": "Unknown simulator settings: teleport."}
    assert ["901", "1051"] in state["paused"]
    assert state["settings"]["batch_missing"] is True
    assert state["calls"] == [
        {
            "method": "POST",
            "path": "/api/v4/pbx/queues/pauseagent",
            "endpoint": "pbx/queues/pauseagent",
            "body": {"queue": "901", "agent": "1051"},
            "status": 200,
        }
    ]
    assert reset_reply.json() == {"reset": True}
    assert (after["calls"], after["settings"]["batch_missing"]) == ([], False)
    assert ["901", "1051"] not in after["paused"]


def test_control_path_refuses_other_hosts():
    sim = Simulator()

    reply = sim.handle("GET", "/_simulator/state", {}, b"", "192.0.2.7")

    assert reply.status == 403


def test_command_line_takes_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("SIMOTEL_SIM_USERNAME", "envuser")
    monkeypatch.setenv("SIMOTEL_SIM_PASSWORD", "envpass")
    monkeypatch.delenv("SIMOTEL_SIM_API_KEY", raising=False)

    args = simulator_module._parse_args(["--port", "0", "--queues-shape", "objects"])

    assert (args.username, args.password, args.api_key) == ("envuser", "envpass", None)
    assert (args.host, args.port, args.queues_shape) == ("127.0.0.1", 0, "objects")


def test_posting_faults_replaces_the_previous_ones(server):
    control = f"{server.url}/_simulator/faults"
    requests.post(control, json={"fail_pairs": [["901", "1051"]]}, timeout=5)

    cleared = requests.post(control, json={}, timeout=5).json()
    answer = post(server, "pbx/queues/pauseagent", {"queue": "901", "agent": "1051"})

    assert cleared["fail_pairs"] == []
    assert answer.json()["data"] == {"message": "Paused successfully", "ok": 1}
