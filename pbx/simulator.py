"""A stand-in Simotel PBX that speaks the REST API v4, for tests and demos.

Run it with `python -m pbx.simulator --port 8099`. It keeps queues, extensions,
memberships and pause state in memory, seeded with the same call center every time
(see pbx.simdata), and answers like the PBX does, including its error statuses.

Behaviour where the real PBX is undocumented, chosen here:

* Pausing an agent who is already paused answers ok 1 "Paused successfully" and the
  agent stays paused; resuming an agent who is not paused answers ok 1 "UnPaused
  successfully". Asterisk treats both as no-ops that succeed.
* A pair naming an unknown queue, or an agent who is not a member of the queue, gets
  ok 0 with a reason such as "Agent 214 is not a member of queue 901". In a batch the
  other pairs still act, `success` stays 1 and `data.ok` is 0.
* A single pauseagent/resumeagent call that cannot act answers success 1 with
  data.ok 0 and the reason; a request missing a field answers success 0.
* Without any credentials configured the simulator accepts every request. With a
  username (and password) it requires Basic auth, with an API key it requires the
  X-APIKEY header, and with both it requires both.

Tests change its behaviour through faults and switches (see `Simulator.set_faults`),
either in-process or over HTTP at /_simulator/..., a control path outside the API
prefix that answers only clients on the loopback address.
"""

import argparse
import base64
import binascii
import contextlib
import copy
import hmac
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from pbx import simdata

log = logging.getLogger("pbx.simulator")

API_PREFIXES = ("/api/v4/", "/api/v4.1/")
CONTROL_PREFIX = "/_simulator/"
BATCH_ENDPOINTS = {
    "pbx/queues/batchaddagent": "add",
    "pbx/queues/batchremoveagent": "remove",
    "pbx/queues/batchpauseagent": "pause",
    "pbx/queues/batchresumeagent": "resume",
}
SINGLE_ENDPOINTS = {
    "pbx/queues/addagent": "add",
    "pbx/queues/removeagent": "remove",
    "pbx/queues/pauseagent": "pause",
    "pbx/queues/resumeagent": "resume",
}
SUCCESS_MESSAGES = {
    "add": "Added successfully",
    "remove": "Removed successfully",
    "pause": "Paused successfully",
    "resume": "UnPaused successfully",
}
PING_MESSAGE = (
    "Ping received. When the Ping event is enabled in the event settings, "
    "a Ping webhook is sent as well."
)
MISSING_CREDENTIALS = "BasicAuth or ApiKey is missing"
INVALID_CREDENTIALS = "BasicAuth or ApiKey is invalid"
IP_NOT_PERMITTED = "IP is not permitted"
NO_SUCH_SERVICE = "Requested service does not exist"

HTML_404 = """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
<hr>
<address>Apache/2.4.41 (Ubuntu) Server</address>
</body></html>
"""
HTML_502 = """<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""
PHP_NOTICE = (
    "<br />\n<b>Notice</b>:  Undefined index: agent in "
    "<b>/var/www/simotel/api/v4/queues.php</b> on line <b>212</b><br />\n"
)

DEFAULT_FAULTS = {
    "latency": 0.0,
    "status": {},
    "success_zero": {},
    "non_json": [],
    "omit_pairs": [],
    "extra_pairs": [],
    "fail_pairs": [],
    "batch_missing": False,
    "batch_data_key": "Data",
    "batch_agent_key": "",
    "ok_style": "int",
    "bare_single": False,
}
SWITCHES = ("queues_shape", "permissions", "ip_allowed", "ping_methods")
PAIR_FAULTS = ("omit_pairs", "extra_pairs", "fail_pairs")
QUEUES_SHAPES = ("strings", "numbers", "objects", "none")
OK_STYLES = {
    "int": (1, 0),
    "str": ("1", "0"),
    "bool": (True, False),
    "strbool": ("true", "false"),
}
CHOICES = {
    "queues_shape": QUEUES_SHAPES,
    "ok_style": tuple(OK_STYLES),
    "batch_data_key": ("Data", "data"),
    "batch_agent_key": ("", "agent", "agents"),
}
FORCED_STATUSES = {
    400: (400, "Unable to parse content"),
    "400": (400, "Unable to parse content"),
    401: (401, INVALID_CREDENTIALS),
    "401": (401, INVALID_CREDENTIALS),
    "401-missing": (401, MISSING_CREDENTIALS),
    "401-invalid": (401, INVALID_CREDENTIALS),
    "403-ip": (403, IP_NOT_PERMITTED),
    "403-permission": (403, None),
    404: (404, None),
    "404": (404, None),
    405: (405, "Method not allowed"),
    "405": (405, "Method not allowed"),
    415: (415, "Unsupported Media Type"),
    "415": (415, "Unsupported Media Type"),
    500: (500, "Internal server error"),
    "500": (500, "Internal server error"),
    501: (501, NO_SUCH_SERVICE),
    "501": (501, NO_SUCH_SERVICE),
    502: (502, None),
    "502": (502, None),
}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, content type and body bytes."""

    status: int
    content_type: str
    body: bytes


class Simulator:
    """Hold the PBX state and faults and answer requests like Simotel API v4."""

    def __init__(
        self,
        *,
        username=None,
        password=None,
        api_key=None,
        queues_shape="strings",
        permissions=None,
        ip_allowed=True,
        ping_methods=("POST", "PUT"),
        control_from_anywhere=False,
    ):
        self.username = username
        self.password = password or ""
        self.api_key = api_key
        self.control_from_anywhere = control_from_anywhere
        self._initial_switches = {
            "queues_shape": queues_shape,
            "permissions": None if permissions is None else list(permissions),
            "ip_allowed": ip_allowed,
            "ping_methods": list(ping_methods),
        }
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self.reset()

    @property
    def auth_mode(self):
        """Return "none", "basic", "key" or "both"."""
        modes = {(False, False): "none", (True, False): "basic", (False, True): "key"}
        return modes.get((self.username is not None, self.api_key is not None), "both")

    def reset(self):
        """Reseed the call center and clear faults, switches and the call log."""
        with self._lock:
            self.queues = simdata.seed_queues()
            self.extensions = simdata.seed_extensions()
            self.members = simdata.seed_members()
            self.settings = self._default_settings()
            self._calls = []
            _check_settings(self.settings)

    def _default_settings(self):
        """Return no faults and the switches given to the constructor."""
        return copy.deepcopy({**DEFAULT_FAULTS, **self._initial_switches})

    def set_faults(self, **changes):
        """Replace the faults and switches; anything not named goes back to default.

        The PBX state and the call log are kept; `reset` clears those too.

        Keys: latency (seconds, or {endpoint or "*": seconds}); status ({endpoint or
        "*": 400, 401, "401-missing", "403-ip", "403-permission", 404, 405, 415, 500,
        501 or 502}); success_zero ({endpoint: message}); non_json ([endpoint]);
        omit_pairs, extra_pairs ([[queue, agent]]); fail_pairs ([[queue, agent] or
        [queue, agent, message]]); batch_missing (bool); batch_data_key ("Data" or
        "data"); batch_agent_key ("agent", "agents" or "" for the documented default);
        ok_style ("int", "str", "bool", "strbool"); bare_single (bool: v3-style single
        answers). Switches: queues_shape, permissions (paths or None), ip_allowed,
        ping_methods.
        """
        with self._lock:
            settings = {**self._default_settings(), **copy.deepcopy(changes)}
            _check_settings(settings)
            self.settings = settings
            return copy.deepcopy(self.settings)

    def stop(self):
        """Wake any request sleeping on latency so the server can stop."""
        self._stopping.set()

    def calls(self, endpoint=None):
        """Return the API calls received so far, optionally for one endpoint."""
        with self._lock:
            calls = [
                call for call in self._calls if endpoint in (None, call["endpoint"])
            ]
            return copy.deepcopy(calls)

    def paused_pairs(self):
        """Return the sorted (queue, agent) pairs that are paused."""
        with self._lock:
            return sorted(pair for pair, paused in self.members.items() if paused)

    def is_paused(self, queue, agent):
        """Return the pause state of a member, or None if not a member."""
        with self._lock:
            return self.members.get((queue, agent))

    def queue_members(self, queue):
        """Return the agents of a queue in seeding order."""
        with self._lock:
            return [agent for (number, agent) in self.members if number == queue]

    def state(self):
        """Return pause state, settings and the call log as JSON-ready data."""
        with self._lock:
            return {
                "paused": [list(pair) for pair in self.paused_pairs()],
                "members": len(self.members),
                "settings": copy.deepcopy(self.settings),
                "calls": copy.deepcopy(self._calls),
            }

    def handle(self, method, target, headers, body, client_ip):
        """Answer one HTTP request; `headers` must look up names case-insensitively."""
        path = urlsplit(target).path
        if path.startswith(CONTROL_PREFIX):
            return self._control(method, path, body, client_ip)

        with self._lock:
            call = self._record(method, path, body)
            reply = self._answer(method, path, headers, body)
            call["status"] = reply.status
            delay = self._latency(call["endpoint"])
        if delay:
            # The PBX has already acted; only the answer is late, as on a slow PBX.
            self._stopping.wait(delay)
        return reply

    def _record(self, method, path, body):
        """Add a request to the call log and return its entry."""
        call = {
            "method": method,
            "path": path,
            "endpoint": _endpoint_of(path) or path,
            "body": _body_for_log(body),
            "status": None,
        }
        self._calls.append(call)
        return call

    def _latency(self, endpoint):
        """Return the delay in seconds configured for an endpoint."""
        latency = self.settings["latency"]
        if isinstance(latency, dict):
            return float(latency.get(endpoint, latency.get("*", 0)))
        return float(latency)

    def _answer(self, method, path, headers, body):
        """Run the PBX's checks in order and answer the request."""
        if not path.startswith("/api/"):
            return _html(404, HTML_404)
        endpoint = _endpoint_of(path)
        forced = self._forced_status(endpoint)
        if forced:
            return self._forced_reply(endpoint, *forced)
        if not self.settings["ip_allowed"]:
            return _envelope(403, 0, IP_NOT_PERMITTED)
        problem = self._auth_problem(headers)
        if problem:
            return _envelope(401, 0, problem)
        if not self._offers(endpoint):
            return _envelope(501, 0, NO_SUCH_SERVICE)
        if not self._permits(endpoint):
            return _envelope(403, 0, f'"/{endpoint}";Access denied')
        return self._answer_service(method, endpoint, headers, body)

    def _answer_service(self, method, endpoint, headers, body):
        """Check method, content type and body, then run the endpoint."""
        if method not in self._methods(endpoint):
            return _envelope(405, 0, "Method not allowed")
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type.lower() != "application/json":
            return _envelope(415, 0, "Unsupported Media Type")
        request = _parse_body(endpoint, body)
        if request is None:
            return _envelope(400, 0, "Unable to parse content")
        if endpoint in self.settings["success_zero"]:
            return _envelope(200, 0, self.settings["success_zero"][endpoint])

        reply = self._run(endpoint, request)
        if endpoint in self.settings["non_json"]:
            return Reply(200, "text/html", PHP_NOTICE.encode() + reply.body)
        return reply

    def _forced_status(self, endpoint):
        """Return the forced status fault for an endpoint, if any."""
        status = self.settings["status"]
        code = status.get(endpoint, status.get("*"))
        return FORCED_STATUSES[code] if code is not None else None

    def _forced_reply(self, endpoint, status, message):
        """Answer with a forced error status."""
        if status == 404:
            return _html(404, HTML_404)
        if status == 502:
            return _html(502, HTML_502)
        if message is None:
            message = f'"/{endpoint}";Access denied'
        return _envelope(status, 0, message)

    def _auth_problem(self, headers):
        """Return the 401 message for missing or wrong credentials, or None."""
        need_basic = self.username is not None
        need_key = self.api_key is not None
        basic = _basic_credentials(headers.get("Authorization"))
        key = headers.get("X-APIKEY")
        if (need_basic and not headers.get("Authorization")) or (need_key and not key):
            return MISSING_CREDENTIALS
        if need_basic and not _same(basic, (self.username, self.password)):
            return INVALID_CREDENTIALS
        if need_key and not _same(key, self.api_key):
            return INVALID_CREDENTIALS
        return None

    def _offers(self, endpoint):
        """Tell whether this PBX version has the endpoint."""
        if endpoint in BATCH_ENDPOINTS and self.settings["batch_missing"]:
            return False
        return endpoint in SERVICES

    def _permits(self, endpoint):
        """Tell whether the API account may call the endpoint."""
        allowed = self.settings["permissions"]
        return allowed is None or "/" + endpoint in allowed

    def _methods(self, endpoint):
        """Return the HTTP methods the endpoint accepts."""
        if endpoint == "setting/ping/act":
            return self.settings["ping_methods"]
        return ("POST",)

    def _run(self, endpoint, request):
        """Run an endpoint that passed every check."""
        if endpoint in BATCH_ENDPOINTS:
            return self._batch(BATCH_ENDPOINTS[endpoint], request)
        if endpoint in SINGLE_ENDPOINTS:
            return self._single(SINGLE_ENDPOINTS[endpoint], request)
        return getattr(self, SERVICES[endpoint])(request)

    def _ping(self, request):
        """Answer setting/ping/act."""
        return _envelope(200, 1, PING_MESSAGE, None)

    def _search_queues(self, request):
        """Answer pbx/queues/search."""
        if "alike" not in request:
            return _envelope(200, 0, "Field 'alike':value is missing")
        conditions = _conditions(request)
        rows = [
            copy.deepcopy(queue)
            for queue in self.queues.values()
            if _matches(queue, conditions, ("name", "number"), request["alike"])
        ]
        return _envelope(200, 1, "", rows)

    def _search_users(self, request):
        """Answer pbx/users/search."""
        if "alike" not in request:
            return _envelope(200, 0, "Field 'alike':value is missing")
        status = request.get("status", "all")
        if status not in ("all", "mapped"):
            return _envelope(200, 0, "Field 'status':value is invalid")
        conditions = _conditions(request)
        rows = [
            self._user_row(extension)
            for extension in self.extensions.values()
            if (status == "all" or extension["mapped"])
            and _matches(
                extension, conditions, ("name", "number", "mapped"), request["alike"]
            )
        ]
        return _envelope(200, 1, "", rows)

    def _user_row(self, extension):
        """Return a users/search object with `queues` in the chosen shape."""
        row = copy.deepcopy(extension)
        agent = extension["mapped"] or extension["number"]
        joined = sorted(queue for (queue, member) in self.members if member == agent)
        shape = self.settings["queues_shape"]
        if shape == "strings":
            row["queues"] = joined
        elif shape == "numbers":
            row["queues"] = [int(queue) for queue in joined]
        elif shape == "objects":
            row["queues"] = [self._queue_object(queue, agent) for queue in joined]
        else:
            row["queues"] = []
        return row

    def _queue_object(self, queue, agent):
        """Return one membership in the "objects" queues shape."""
        paused = self.members[(queue, agent)]
        return {
            "queue": queue,
            "name": self.queues[queue]["name"],
            "paused": int(paused),
        }

    def _batch(self, action, request):
        """Answer a batch endpoint with one item per pair."""
        items = request.get("agents")
        if not isinstance(items, list) or not items:
            return _envelope(200, 0, "Field 'agents':value is missing")
        results = self._with_pair_faults(
            action, [self._act(action, item) for item in items]
        )

        data_key = self.settings["batch_data_key"]
        agent_key = self.settings["batch_agent_key"] or (
            "agents" if action == "add" else "agent"
        )
        all_ok = all(item["ok"] for item in results)
        shaped = [self._shape_item(item, agent_key) for item in results]
        return _envelope(200, 1, "", {data_key: shaped, "ok": self._flag(all_ok)})

    def _with_pair_faults(self, action, results):
        """Drop the omitted pairs from an answer and add the extra ones."""
        omitted = {tuple(pair) for pair in self.settings["omit_pairs"]}
        kept = [
            item for item in results if (item["queue"], item["agent"]) not in omitted
        ]
        extra = self.settings["extra_pairs"]
        return kept + [self._extra_item(action, pair) for pair in extra]

    def _single(self, action, request):
        """Answer a single-agent endpoint."""
        for field in ("queue", "agent") + (("source",) if action == "add" else ()):
            if not _text(request.get(field)):
                return _envelope(200, 0, f"Field '{field}':value is missing")
        result = self._act(action, request)
        data = {"message": result["message"], "ok": self._flag(result["ok"])}
        if self.settings["bare_single"]:
            return _json_reply(200, data)
        return _envelope(200, 1, "", data)

    def _act(self, action, item):
        """Apply one action to one pair and return its result item."""
        if not isinstance(item, dict):
            return {
                "queue": "",
                "agent": "",
                "ok": False,
                "message": "Item is not an object",
            }
        queue, agent = (
            _text(item.get("queue")),
            _text(item.get("agent", item.get("agents"))),
        )
        result = {"queue": queue, "agent": agent, "ok": False}
        result["message"] = self._refusal(action, queue, agent, item)
        if result["message"] is None:
            self._apply(action, queue, agent)
            result.update(ok=True, message=SUCCESS_MESSAGES[action])
        if action == "add":
            result.update(
                source=_text(item.get("source")), penalty=_text(item.get("penalty"))
            )
        return result

    def _refusal(self, action, queue, agent, item):
        """Return why the PBX cannot act on a pair, or None if it can."""
        for failing in self.settings["fail_pairs"]:
            if failing[:2] == [queue, agent]:
                return failing[2] if len(failing) > 2 else "Requested operation failed"
        if not queue or not agent:
            return "Field 'queue' or 'agent':value is missing"
        if queue not in self.queues:
            return f"Queue {queue} does not exist"
        member = (queue, agent) in self.members
        if action == "add":
            if not _text(item.get("source")):
                return "Field 'source':value is missing"
            return (
                f"Agent {agent} is already a member of queue {queue}"
                if member
                else None
            )
        if not member:
            return f"Agent {agent} is not a member of queue {queue}"
        return None

    def _apply(self, action, queue, agent):
        """Change the membership or pause state of a pair."""
        if action == "add":
            self.members[(queue, agent)] = False
        elif action == "remove":
            del self.members[(queue, agent)]
        else:
            self.members[(queue, agent)] = action == "pause"

    def _extra_item(self, action, pair):
        """Build an answer item for a pair nobody asked about."""
        queue, agent = (_text(value) for value in pair[:2])
        return {
            "queue": queue,
            "agent": agent,
            "ok": True,
            "message": SUCCESS_MESSAGES[action],
        }

    def _shape_item(self, item, agent_key):
        """Lay out a result item with the configured key and flag styles."""
        shaped = {agent_key: item["agent"], "message": item["message"]}
        shaped["ok"] = self._flag(item["ok"])
        shaped["queue"] = item["queue"]
        for key in ("penalty", "source"):
            if key in item:
                shaped[key] = item[key]
        return shaped

    def _flag(self, value):
        """Write an ok flag in the configured style."""
        true, false = OK_STYLES[self.settings["ok_style"]]
        return true if value else false

    def _control(self, method, path, body, client_ip):
        """Serve the /_simulator/ control path used by tests and demos."""
        if not (self.control_from_anywhere or _is_loopback(client_ip)):
            return _json_reply(
                403, {"error": "The control path answers only 127.0.0.1."}
            )
        action = path[len(CONTROL_PREFIX) :].strip("/")
        if action == "state" and method == "GET":
            return _json_reply(200, self.state())
        if action == "reset" and method == "POST":
            self.reset()
            return _json_reply(200, {"reset": True})
        if action == "faults" and method == "POST":
            return self._control_faults(body)
        return _json_reply(404, {"error": "Use GET state, POST faults or POST reset."})

    def _control_faults(self, body):
        """Replace the faults with those sent as a JSON object."""
        changes = _json_or_none(body)
        if not isinstance(changes, dict):
            return _json_reply(400, {"error": "Send the faults as a JSON object."})
        try:
            return _json_reply(200, self.set_faults(**changes))
        except (TypeError, ValueError) as exc:
            return _json_reply(400, {"error": str(exc)})


SERVICES = {
    "setting/ping/act": "_ping",
    "pbx/queues/search": "_search_queues",
    "pbx/users/search": "_search_users",
    **dict.fromkeys(BATCH_ENDPOINTS, "_batch"),
    **dict.fromkeys(SINGLE_ENDPOINTS, "_single"),
}


def _check_settings(settings):
    """Refuse unknown or malformed faults and switches; write pairs as strings."""
    unknown = sorted(set(settings) - set(DEFAULT_FAULTS) - set(SWITCHES))
    if unknown:
        raise ValueError(f"Unknown simulator settings: {', '.join(unknown)}.")
    for key, allowed in CHOICES.items():
        if settings[key] not in allowed:
            shown = ", ".join(repr(choice) for choice in allowed)
            raise ValueError(f"{key} must be one of {shown}.")
    _check_containers(settings)
    for key in PAIR_FAULTS:
        settings[key] = [[_text(value) for value in pair] for pair in settings[key]]


def _check_containers(settings):
    """Refuse faults whose JSON shape is wrong."""
    for key, kind in (("status", dict), ("success_zero", dict), ("non_json", list)):
        if not isinstance(settings[key], kind):
            raise ValueError(f"{key} must be a JSON {kind.__name__}.")
    for key in PAIR_FAULTS:
        if not all(isinstance(pair, list) and len(pair) >= 2 for pair in settings[key]):
            raise ValueError(f"{key} must be a list of [queue, agent] lists.")
    latency = settings["latency"]
    delays = latency.values() if isinstance(latency, dict) else [latency]
    if not all(isinstance(delay, int | float) and delay >= 0 for delay in delays):
        raise ValueError("latency must be seconds, or {endpoint: seconds}.")
    for code in settings["status"].values():
        if code not in FORCED_STATUSES:
            raise ValueError(f"Cannot force status {code!r}.")


def _endpoint_of(path):
    """Return the endpoint after the API prefix, e.g. "pbx/queues/search"."""
    for prefix in API_PREFIXES:
        if path.startswith(prefix):
            return path[len(prefix) :].strip("/")
    return ""


def _parse_body(endpoint, body):
    """Return the request's JSON object, or None when it cannot be parsed."""
    if endpoint == "setting/ping/act":
        # Ping has no fields; vendor samples send {}, [""] or nothing at all.
        return {} if not body.strip() or _json_or_none(body) is not None else None
    request = _json_or_none(body)
    return request if isinstance(request, dict) else None


def _json_or_none(body):
    """Parse JSON bytes or return None."""
    try:
        return json.loads(body)
    except ValueError:
        return None


def _body_for_log(body):
    """Return the parsed body, or its text when it is not JSON."""
    parsed = _json_or_none(body)
    if parsed is not None or not body:
        return parsed
    return body.decode("utf-8", "replace")


def _conditions(request):
    """Return the search conditions of a request as a dict."""
    conditions = request.get("conditions")
    return conditions if isinstance(conditions, dict) else {}


def _matches(row, conditions, fields, alike):
    """Tell whether a row matches every non-empty condition."""
    similar = str(alike).strip().lower() in ("true", "1")
    for field in fields:
        wanted = _text(conditions.get(field)).lower()
        value = _text(row.get(field)).lower()
        if wanted and not (wanted in value if similar else wanted == value):
            return False
    return True


def _basic_credentials(header):
    """Return (username, password) from a Basic Authorization header, or None."""
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def _same(given, expected):
    """Compare credentials in constant time."""
    if given is None:
        return False
    if isinstance(expected, tuple):
        return all(_same(a, b) for a, b in zip(given, expected, strict=True))
    return hmac.compare_digest(given.encode(), expected.encode())


def _is_loopback(address):
    """Tell whether a client address is on this machine."""
    return address == "::1" or address.startswith("127.")


def _text(value):
    """Return a request value as a stripped string."""
    return "" if value is None else str(value).strip()


def _envelope(status, success, message, data=None):
    """Build a JSON answer in the PBX's envelope."""
    return _json_reply(status, {"success": success, "message": message, "data": data})


def _json_reply(status, payload):
    """Build a JSON answer."""
    return Reply(status, "application/json", json.dumps(payload).encode())


def _html(status, page):
    """Build an HTML answer like the PBX's web server gives."""
    return Reply(status, "text/html; charset=iso-8859-1", page.encode())


class _Handler(BaseHTTPRequestHandler):
    """Pass every request to the Simulator and write its reply."""

    server_version = "Apache/2.4.41"

    def version_string(self):
        """Name the server like the PBX's web server does."""
        return self.server_version

    def do_POST(self):
        self._serve()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST

    def _serve(self):
        """Read the request, get the reply, write it and log one line."""
        started = time.monotonic()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        body = self.rfile.read(length) if length > 0 else b""
        reply = self.server.simulator.handle(
            self.command, self.path, self.headers, body, self.client_address[0]
        )
        # The client may have given up waiting, e.g. after its read timeout.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._write(reply)
        ms = int((time.monotonic() - started) * 1000)
        log.info("SIM %s %s status=%d ms=%d", self.command, self.path, reply.status, ms)

    def _write(self, reply):
        """Send the status line, headers and body."""
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format, *args):
        """Keep http.server's own logging off stderr; _serve logs each call."""
        log.debug(format, *args)


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 makes a busy dashboard's calls wait for a slot.
    request_queue_size = 128
    daemon_threads = True


@dataclass
class RunningSimulator:
    """A simulator serving HTTP in a daemon thread."""

    url: str
    simulator: Simulator
    server: ThreadingHTTPServer
    thread: threading.Thread

    def stop(self):
        """Stop serving and close the listening socket."""
        self.simulator.stop()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def start_simulator(host="127.0.0.1", port=0, **options):
    """Start a simulator on host:port (0 picks a free port) in a daemon thread."""
    simulator = Simulator(**options)
    server = _Server((host, port), _Handler)
    server.simulator = simulator
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="pbx-simulator",
        daemon=True,
    )
    thread.start()
    url = f"http://{host}:{server.server_address[1]}"
    return RunningSimulator(url, simulator, server, thread)


def main(argv=None):
    """Run the simulator until interrupted."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    running = start_simulator(
        args.host,
        args.port,
        username=args.username,
        password=args.password,
        api_key=args.api_key,
        queues_shape=args.queues_shape,
    )
    mode = running.simulator.auth_mode
    note = " (accepting any request: no credentials set)" if mode == "none" else ""
    log.info("Simotel simulator at %s/api/v4/ auth=%s%s", running.url, mode, note)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()


def _parse_args(argv):
    """Read the command line, taking credentials from the environment by default."""
    env = os.environ
    parser = argparse.ArgumentParser(
        prog="python -m pbx.simulator",
        description="Serve a stand-in Simotel PBX (REST API v4) for tests and demos.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--username", default=env.get("SIMOTEL_SIM_USERNAME"))
    parser.add_argument("--password", default=env.get("SIMOTEL_SIM_PASSWORD"))
    parser.add_argument("--api-key", default=env.get("SIMOTEL_SIM_API_KEY"))
    parser.add_argument("--queues-shape", choices=QUEUES_SHAPES, default="strings")
    args = parser.parse_args(argv)
    if args.password and not args.username:
        parser.error("--password needs --username (or SIMOTEL_SIM_USERNAME).")
    args.username = args.username or None
    args.api_key = args.api_key or None
    return args


if __name__ == "__main__":
    main()
