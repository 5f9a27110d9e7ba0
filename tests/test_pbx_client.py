"""The Simotel client against the simulator over loopback HTTP."""

import base64
import logging
import re
import socket

import pytest

from pbx import (
    Extension,
    Membership,
    Pair,
    PairOutcome,
    PbxAuthError,
    PbxBadResponse,
    PbxIpNotAllowed,
    PbxNotFound,
    PbxOperationFailed,
    PbxPermissionDenied,
    PbxRequestRejected,
    PbxServiceMissing,
    PbxTimeout,
    PbxUnreachable,
    Queue,
    SimotelClient,
    load_roster_csv,
)
from pbx.client import parse_memberships
from pbx.simulator import start_simulator

USERNAME = "dashboard"
PASSWORD = "pbx-test-password"
API_KEY = "pbx-test-api-key-0123"
BATCH_PAUSE = "pbx/queues/batchpauseagent"
BATCH_RESUME = "pbx/queues/batchresumeagent"
SINGLE_PAUSE = "pbx/queues/pauseagent"

# Seeded members: agent 1051 and operator 254 (phone 1054) are in Sales (901),
# operator 202 (phone 1002) is in Support (902) and VIP (904), not in Sales.
SALES_1051 = Pair("901", "1051")
SALES_254 = Pair("901", "254")
SUPPORT_202 = Pair("902", "202")
NOT_A_MEMBER = Pair("901", "202")


@pytest.fixture(scope="module")
def sim_server():
    running = start_simulator(username=USERNAME, password=PASSWORD, api_key=API_KEY)
    yield running
    running.stop()


@pytest.fixture
def sim(sim_server):
    sim_server.simulator.reset()
    return sim_server.simulator


@pytest.fixture
def make_client(sim_server, sim):
    clients = []

    def make(**options):
        settings = {
            "username": USERNAME,
            "password": PASSWORD,
            "api_key": API_KEY,
            "read_timeout": 2.0,
            **options,
        }
        base_url = settings.pop("base_url", sim_server.url)
        client = SimotelClient(base_url, **settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def pbx(make_client):
    return make_client()


def closed_port():
    """Return a loopback port that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pbx_lines(caplog):
    """Return the client's INFO log lines."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pbx" and r.levelno == logging.INFO
    ]


def test_pause_then_resume_sends_each_pair_once_and_reports_each(pbx, sim):
    paused = pbx.pause([SALES_1051, SALES_254, SUPPORT_202, SALES_1051])

    assert sim.calls(BATCH_PAUSE)[0]["body"] == {
        "agents": [
            {"queue": "901", "agent": "1051"},
            {"queue": "901", "agent": "254"},
            {"queue": "902", "agent": "202"},
        ]
    }
    assert paused.action == "pause"
    assert paused.used_fallback is False
    assert paused.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
        PairOutcome("901", "254", "succeeded", "Paused successfully"),
        PairOutcome("902", "202", "succeeded", "Paused successfully"),
    )
    assert sim.is_paused("901", "254") is True

    resumed = pbx.resume([SALES_254, SUPPORT_202])

    assert sim.calls(BATCH_RESUME)[0]["body"] == {
        "agents": [{"queue": "901", "agent": "254"}, {"queue": "902", "agent": "202"}]
    }
    assert resumed.action == "resume"
    assert resumed.succeeded == (
        PairOutcome("901", "254", "succeeded", "UnPaused successfully"),
        PairOutcome("902", "202", "succeeded", "UnPaused successfully"),
    )
    assert (resumed.failed, resumed.unknown) == ((), ())
    assert sim.is_paused("901", "254") is False
    assert sim.is_paused("901", "1051") is True


def test_pause_accepts_tuples_and_refuses_no_pairs(pbx, sim):
    result = pbx.pause([("901", 1051)])

    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
    )
    with pytest.raises(ValueError, match="at least one"):
        pbx.pause([])
    with pytest.raises(ValueError, match="needs a queue and an agent"):
        pbx.resume([Pair("901", " ")])
    assert len(sim.calls()) == 1


def test_items_with_ok_0_fail_with_their_message(pbx, sim):
    sim.set_faults(fail_pairs=[["901", "254", "Agent is in a call"]])

    result = pbx.pause([SALES_1051, SALES_254, NOT_A_MEMBER, Pair("999", "1051")])

    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
        PairOutcome("901", "254", "failed", "Agent is in a call"),
        PairOutcome("901", "202", "failed", "Agent 202 is not a member of queue 901"),
        PairOutcome("999", "1051", "failed", "Queue 999 does not exist"),
    )
    assert len(result.failed) == 3
    assert sim.is_paused("901", "254") is False


def test_pair_missing_from_the_answer_is_unknown(pbx, sim):
    sim.set_faults(omit_pairs=[["901", "254"]])

    result = pbx.pause([SALES_1051, SALES_254])

    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
        PairOutcome(
            "901",
            "254",
            "unknown",
            "The PBX did not report on this pair; check on the PBX whether the agent "
            "was paused.",
        ),
    )
    assert sim.is_paused("901", "254") is True


def test_extra_pair_in_the_answer_is_ignored_and_logged(pbx, sim, caplog):
    sim.set_faults(extra_pairs=[["906", "777"]])

    with caplog.at_level(logging.INFO, logger="pbx"):
        result = pbx.pause([SALES_1051])

    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
    )
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "PBX pbx/queues/batchpauseagent reported on a pair not asked about: "
        "{'agent': '777', 'message': 'Paused successfully', 'ok': 1, 'queue': '906'}"
    ]


@pytest.mark.parametrize(
    ("data_key", "agent_key", "ok_style"),
    [
        ("Data", "agent", "int"),
        ("data", "agents", "str"),
        ("Data", "agents", "bool"),
        ("data", "agent", "strbool"),
    ],
)
def test_batch_answer_shapes_are_read_alike(pbx, sim, data_key, agent_key, ok_style):
    sim.set_faults(
        batch_data_key=data_key, batch_agent_key=agent_key, ok_style=ok_style
    )

    result = pbx.pause([SALES_1051, NOT_A_MEMBER])

    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
        PairOutcome("901", "202", "failed", "Agent 202 is not a member of queue 901"),
    )


def test_missing_credentials_give_auth_error(make_client, sim):
    pbx = make_client(username=None, password=None, api_key=None)

    with pytest.raises(PbxAuthError) as caught:
        pbx.search_queues()

    err = caught.value
    assert (err.status, err.pbx_message, err.may_have_acted) == (
        401,
        "BasicAuth or ApiKey is missing",
        False,
    )
    assert str(err) == (
        "The PBX rejected the dashboard's credentials for pbx/queues/search "
        "(HTTP 401). The PBX said: BasicAuth or ApiKey is missing."
    )


def test_wrong_password_gives_auth_error(make_client, sim):
    pbx = make_client(password="not-the-password")

    with pytest.raises(PbxAuthError) as caught:
        pbx.pause([SALES_1051])

    assert caught.value.pbx_message == "BasicAuth or ApiKey is invalid"
    assert "Maintenance > API Accounts" in caught.value.advice
    assert sim.is_paused("901", "1051") is False


def test_blocked_ip_is_told_apart_from_missing_permission(pbx, sim):
    sim.set_faults(ip_allowed=False)
    with pytest.raises(PbxIpNotAllowed) as ip_blocked:
        pbx.pause([SALES_1051])

    sim.set_faults(ip_allowed=True, permissions=["/setting/ping/act"])
    with pytest.raises(PbxPermissionDenied) as denied:
        pbx.pause([SALES_1051])

    assert ip_blocked.value.pbx_message == "IP is not permitted"
    assert ip_blocked.value.advice == (
        "Add this server's IP address to the allowed IPs in Maintenance > Settings > "
        "Simotel API on the PBX."
    )
    assert denied.value.endpoint == BATCH_PAUSE
    assert denied.value.pbx_message == '"/pbx/queues/batchpauseagent";Access denied'
    assert denied.value.advice == (
        "Tick /pbx/queues/batchpauseagent in the Request list of the dashboard's API "
        "account in Maintenance > API Accounts on the PBX."
    )
    assert str(denied.value) == (
        "The PBX's API account may not call /pbx/queues/batchpauseagent (HTTP 403). "
        'The PBX said: "/pbx/queues/batchpauseagent";Access denied.'
    )


def test_wrong_prefix_gets_the_web_servers_html_404(make_client, sim):
    pbx = make_client(api_prefix="simotel/v4")

    with pytest.raises(PbxNotFound) as caught:
        pbx.search_users()

    assert (caught.value.status, caught.value.pbx_message) == (404, "")
    assert "PBX_API_PREFIX" in caught.value.advice
    assert sim.calls()[0]["path"] == "/simotel/v4/pbx/users/search"


@pytest.mark.parametrize(
    ("status", "message", "cause"),
    [
        (400, "Unable to parse content", "could not parse the request body"),
        (405, "Method not allowed", "does not accept this HTTP method"),
        (415, "Unsupported Media Type", "does not accept this Content-Type"),
    ],
)
def test_rejected_requests_name_the_status(pbx, sim, status, message, cause):
    sim.set_faults(status={BATCH_PAUSE: status})

    with pytest.raises(PbxRequestRejected) as caught:
        pbx.pause([SALES_1051])

    assert (caught.value.status, caught.value.pbx_message) == (status, message)
    assert str(caught.value) == (
        f"The PBX {cause} for pbx/queues/batchpauseagent (HTTP {status}). "
        f"The PBX said: {message}."
    )
    assert caught.value.may_have_acted is False


def test_ping_retries_with_put_after_405(pbx, sim):
    sim.set_faults(ping_methods=["PUT"])

    message = pbx.ping()

    assert message.startswith("Ping received.")
    calls = [(c["method"], c["status"]) for c in sim.calls()]
    assert calls == [("POST", 405), ("PUT", 200)]


def test_missing_batch_endpoint_falls_back_to_single_calls(pbx, sim):
    sim.set_faults(batch_missing=True)

    result = pbx.pause([SALES_1051, NOT_A_MEMBER, SALES_254])

    assert [(c["endpoint"], c["body"]) for c in sim.calls()] == [
        (BATCH_PAUSE, {"agents": [
            {"queue": "901", "agent": "1051"},
            {"queue": "901", "agent": "202"},
            {"queue": "901", "agent": "254"},
        ]}),
        (SINGLE_PAUSE, {"queue": "901", "agent": "1051"}),
        (SINGLE_PAUSE, {"queue": "901", "agent": "202"}),
        (SINGLE_PAUSE, {"queue": "901", "agent": "254"}),
    ]  # fmt: skip
    assert result.used_fallback is True
    assert result.outcomes == (
        PairOutcome("901", "1051", "succeeded", "Paused successfully"),
        PairOutcome("901", "202", "failed", "Agent 202 is not a member of queue 901"),
        PairOutcome("901", "254", "succeeded", "Paused successfully"),
    )


def test_fallback_reads_v3_style_bare_answers(pbx, sim):
    sim.set_faults(batch_missing=True, bare_single=True, ok_style="str")

    result = pbx.resume([SUPPORT_202, NOT_A_MEMBER])

    assert result.outcomes == (
        PairOutcome("902", "202", "succeeded", "UnPaused successfully"),
        PairOutcome("901", "202", "failed", "Agent 202 is not a member of queue 901"),
    )


def test_fallback_records_success_0_per_pair_and_carries_on(pbx, sim):
    sim.set_faults(
        batch_missing=True, success_zero={SINGLE_PAUSE: "Requested operation failed"}
    )

    result = pbx.pause([SALES_1051, SALES_254])

    assert result.outcomes == (
        PairOutcome("901", "1051", "failed", "Requested operation failed"),
        PairOutcome("901", "254", "failed", "Requested operation failed"),
    )
    assert len(sim.calls(SINGLE_PAUSE)) == 2


def test_fallback_stops_sending_when_the_pbx_stops_answering(make_client, sim):
    pbx = make_client(read_timeout=0.3)
    sim.set_faults(batch_missing=True, latency={SINGLE_PAUSE: 1.0})

    result = pbx.pause([SALES_1051, SALES_254])

    assert len(sim.calls(SINGLE_PAUSE)) == 1
    assert result.outcomes == (
        PairOutcome(
            "901",
            "1051",
            "unknown",
            "The PBX did not answer pbx/queues/pauseagent within 0.3 seconds. "
            "It is unknown whether the PBX paused this agent.",
        ),
        PairOutcome(
            "901",
            "254",
            "failed",
            "Not sent to the PBX because the PBX stopped answering.",
        ),
    )


def test_fallback_raises_when_the_first_single_call_is_refused(pbx, sim):
    sim.set_faults(batch_missing=True, status={SINGLE_PAUSE: "403-permission"})

    with pytest.raises(PbxPermissionDenied) as caught:
        pbx.pause([SALES_1051, SALES_254])

    assert caught.value.endpoint == SINGLE_PAUSE
    assert len(sim.calls(SINGLE_PAUSE)) == 1


def test_forced_501_on_search_is_service_missing(pbx, sim):
    sim.set_faults(status={"pbx/users/search": 501})

    with pytest.raises(PbxServiceMissing) as caught:
        pbx.search_users()

    assert caught.value.pbx_message == "Requested service does not exist"
    assert caught.value.advice == (
        "This PBX version does not offer pbx/users/search: upgrade Simotel to use "
        "this feature."
    )


def test_success_0_raises_operation_failed_with_the_pbx_message(pbx, sim):
    sim.set_faults(success_zero={BATCH_PAUSE: "Requested operation failed"})

    with pytest.raises(PbxOperationFailed) as caught:
        pbx.pause([SALES_1051])

    assert caught.value.pbx_message == "Requested operation failed"
    assert str(caught.value) == (
        "The PBX did not carry out pbx/queues/batchpauseagent. "
        "The PBX said: Requested operation failed."
    )
    assert caught.value.may_have_acted is False


def test_non_json_answer_is_a_bad_response_that_may_have_acted(pbx, sim):
    sim.set_faults(non_json=[BATCH_PAUSE])

    with pytest.raises(PbxBadResponse) as caught:
        pbx.pause([SALES_1051])

    assert (caught.value.status, caught.value.may_have_acted) == (200, True)
    assert str(caught.value).startswith(
        "The PBX answered pbx/queues/batchpauseagent with HTTP 200 and a body "
        "starting with '<br /> <b>Notice</b>:"
    )
    assert sim.is_paused("901", "1051") is True


@pytest.mark.parametrize(("status", "may_have_acted"), [(500, True), (502, True)])
def test_server_errors_are_bad_responses(pbx, sim, status, may_have_acted):
    sim.set_faults(status={BATCH_PAUSE: status})

    with pytest.raises(PbxBadResponse) as caught:
        pbx.pause([SALES_1051])

    assert (caught.value.status, caught.value.may_have_acted) == (
        status,
        may_have_acted,
    )


def test_read_timeout_is_not_resent(make_client, sim, caplog):
    pbx = make_client(read_timeout=0.3, connect_retries=2)
    sim.set_faults(latency={BATCH_PAUSE: 1.0})

    with (
        caplog.at_level(logging.INFO, logger="pbx"),
        pytest.raises(PbxTimeout) as caught,
    ):
        pbx.pause([SALES_1051])

    assert caught.value.may_have_acted is True
    assert caught.value.endpoint == BATCH_PAUSE
    assert len(sim.calls(BATCH_PAUSE)) == 1
    assert sim.is_paused("901", "1051") is True
    [line] = pbx_lines(caplog)
    assert re.fullmatch(
        r"PBX POST pbx/queues/batchpauseagent pairs=1 status=- ms=\d+ outcome=timeout",
        line,
    )


def test_refused_connection_is_retried_then_unreachable(caplog):
    port = closed_port()
    pbx = SimotelClient(f"http://127.0.0.1:{port}", connect_retries=2)

    with (
        caplog.at_level(logging.INFO, logger="pbx"),
        pytest.raises(PbxUnreachable) as caught,
    ):
        pbx.search_queues()
    pbx.close()

    assert caught.value.may_have_acted is False
    assert str(caught.value) == (
        "The PBX refused the connection, so pbx/queues/search was not sent."
    )
    lines = pbx_lines(caplog)
    assert len(lines) == 3
    for line in lines:
        assert re.fullmatch(
            r"PBX POST pbx/queues/search pairs=0 status=- ms=\d+ outcome=refused", line
        )


def test_one_log_line_per_call_and_no_secret_anywhere(make_client, sim, caplog):
    basic = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    pbx = make_client()

    with caplog.at_level(logging.DEBUG):
        pbx.pause([SALES_1051, NOT_A_MEMBER])
        pbx.search_queues()
        sim.set_faults(status={"pbx/users/search": 401})
        with pytest.raises(PbxAuthError) as caught:
            pbx.search_users()

    assert [re.sub(r"ms=\d+", "ms=N", line) for line in pbx_lines(caplog)] == [
        "PBX POST pbx/queues/batchpauseagent pairs=2 status=200 ms=N "
        "outcome=1 ok 1 failed 0 unknown",
        "PBX POST pbx/queues/search pairs=0 status=200 ms=N outcome=ok rows=6",
        "PBX POST pbx/users/search pairs=0 status=401 ms=N outcome=unauthorized",
    ]
    everything = caplog.text + str(caught.value) + caught.value.advice + repr(pbx)
    for secret in (PASSWORD, API_KEY, basic):
        assert secret not in everything


@pytest.mark.parametrize(
    ("base_suffix", "prefix", "path"),
    [
        ("", "api/v4", "/api/v4/setting/ping/act"),
        ("/", "/api/v4/", "/api/v4/setting/ping/act"),
        ("//", "api/v4.1", "/api/v4.1/setting/ping/act"),
    ],
)
def test_urls_join_with_exactly_one_slash(
    make_client, sim_server, sim, base_suffix, prefix, path
):
    pbx = make_client(base_url=sim_server.url + base_suffix, api_prefix=prefix)

    pbx.ping()

    assert pbx.url("/pbx/queues/search") == sim_server.url + path.replace(
        "setting/ping/act", "pbx/queues/search"
    )
    assert [c["path"] for c in sim.calls()] == [path]


def test_credentials_in_the_url_become_basic_auth(make_client, sim_server, sim):
    with_login = sim_server.url.replace("http://", f"http://{USERNAME}:{PASSWORD}@")
    pbx = make_client(base_url=with_login, username=None, password=None)

    pbx.ping()

    assert pbx.root_url == sim_server.url + "/api/v4/"
    assert PASSWORD not in repr(pbx)


def test_search_queues_returns_the_seeded_queues(pbx, sim):
    queues = pbx.search_queues()
    vip = pbx.search_queues(number="904")

    assert [(q.number, q.name) for q in queues] == [
        ("901", "Sales"),
        ("902", "Support"),
        ("903", "Billing"),
        ("904", "VIP"),
        ("905", "Retention"),
        ("906", "Night Shift"),
    ]
    assert vip == [Queue("904", "VIP", sim.queues["904"]["_id"])]
    assert re.fullmatch(r"[0-9a-f]{24}", vip[0].id)
    assert sim.calls()[1]["body"] == {
        "alike": "true",
        "conditions": {"name": "", "number": "904"},
    }


@pytest.mark.parametrize(
    ("shape", "mapped_user", "paused_user"),
    [
        (
            "strings",
            (Membership("902", None), Membership("904", None)),
            (Membership("902", None),),
        ),
        (
            "numbers",
            (Membership("902", None), Membership("904", None)),
            (Membership("902", None),),
        ),
        (
            "objects",
            (Membership("902", False), Membership("904", False)),
            (Membership("902", True),),
        ),
        ("none", (), ()),
    ],
)
def test_users_search_reads_every_queues_shape(
    pbx, sim, shape, mapped_user, paused_user
):
    sim.set_faults(queues_shape=shape)

    extensions = {e.number: e for e in pbx.search_users()}

    assert sim.calls()[0]["body"] == {
        "status": "all",
        "alike": True,
        "conditions": {"name": "", "number": "", "mapped": ""},
    }
    assert len(extensions) == 112
    assert extensions["1002"] == Extension(
        number="1002",
        name="Maryam Kazemi",
        agent="202",
        mapped="202",
        memberships=mapped_user,
    )
    assert extensions["1008"].agent == "1008"
    assert extensions["1008"].memberships == paused_user


@pytest.mark.parametrize(
    ("field", "memberships"),
    [
        (None, ()),
        ([], ()),
        (["901", 902, " 903 "], (
            Membership("901", None),
            Membership("902", None),
            Membership("903", None),
        )),
        ("901,902", (Membership("901", None), Membership("902", None))),
        ([{"number": "901", "name": "Sales", "paused": "yes"}],
         (Membership("901", True),)),
        ([{"name": "902", "is_paused": "0"}], (Membership("902", False),)),
        ([{"queue": 903, "paused": True}, {"queue": "904", "paused": "1"}],
         (Membership("903", True), Membership("904", True))),
        ([{"queue": "905", "paused": "maybe"}], (Membership("905", None),)),
        (["901", "901", {"label": "x"}, True], (Membership("901", None),)),
    ],
)  # fmt: skip
def test_queues_field_shapes_are_all_understood(field, memberships):
    assert parse_memberships(field) == memberships


def test_roster_csv_groups_agents_by_queue(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "queue,agent,name\n900,1051,Ali Ahmadi\n\n901,202, Maryam Kazemi \n900,254,\n",
        encoding="utf-8",
    )

    assert load_roster_csv(roster) == {
        "900": [("1051", "Ali Ahmadi"), ("254", "")],
        "901": [("202", "Maryam Kazemi")],
    }


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "queue,agent,name\n900,1051,Ali\nSales,1052,Reza\n",
            "line 3: queue must be a number, found 'Sales'.",
        ),
        (
            "queue,agent,name\n900,10 51,Ali\n",
            "line 2: agent must be a number, found '10 51'.",
        ),
        (
            "queue,agent\n900,1051\n",
            "line 1: the header must be queue,agent,name, found queue,agent.",
        ),
        (
            "queue,agent,name\n900,1051\n",
            "line 2: expected 3 values (queue,agent,name), found 2.",
        ),
        (
            "queue,agent,name\n900,1051,Ali\n900,1051,Ali\n",
            "line 3: agent 1051 is listed twice for queue 900.",
        ),
    ],
)
def test_roster_csv_names_the_file_and_line_of_a_bad_row(tmp_path, content, problem):
    roster = tmp_path / "roster.csv"
    roster.write_text(content, encoding="utf-8")

    with pytest.raises(ValueError) as caught:
        load_roster_csv(roster)

    assert str(caught.value) == f"Roster file {roster}, {problem}"


def test_read_timeout_on_a_search_says_nothing_was_changed(make_client, sim):
    sim.set_faults(latency={"pbx/queues/search": 1.0})
    client = make_client(read_timeout=0.3)

    with pytest.raises(PbxTimeout) as caught:
        client.search_queues()

    assert caught.value.may_have_acted is False
    assert caught.value.advice.startswith("Nothing was changed.")


def test_server_error_on_a_search_did_nothing(pbx, sim):
    sim.set_faults(status={"pbx/users/search": 502})

    with pytest.raises(PbxBadResponse) as caught:
        pbx.search_users()

    assert caught.value.may_have_acted is False


def test_server_error_on_a_batch_may_have_acted(pbx, sim):
    sim.set_faults(status={"pbx/queues/batchpauseagent": 502})

    with pytest.raises(PbxBadResponse) as caught:
        pbx.pause([("901", "1051")])

    assert caught.value.may_have_acted is True


def test_fallback_server_error_on_the_first_pair_leaves_the_rest_unsent(pbx, sim):
    sim.set_faults(batch_missing=True, status={"pbx/queues/pauseagent": 500})

    result = pbx.pause([("901", "1051"), ("901", "1052")])

    assert [(o.agent, o.outcome) for o in result.outcomes] == [
        ("1051", "unknown"),
        ("1052", "failed"),
    ]
    assert result.outcomes[1].message.startswith("Not sent to the PBX")


def test_a_proxys_error_page_is_named_by_its_title(pbx, sim):
    sim.set_faults(status={"pbx/queues/search": 502})

    with pytest.raises(PbxBadResponse) as caught:
        pbx.search_queues()

    assert str(caught.value) == (
        "The PBX answered pbx/queues/search with an unexpected HTTP 502 and a web "
        "page titled '502 Bad Gateway'."
    )
