"""Client for the Simotel REST API v4: ping, searches, pause and resume."""

import json
import logging
import re
import time
from dataclasses import dataclass
from functools import partial
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from pbx import errors

log = logging.getLogger("pbx")

SUCCEEDED = "succeeded"
FAILED = "failed"
UNKNOWN = "unknown"

PING = "setting/ping/act"
SEARCH_QUEUES = "pbx/queues/search"
SEARCH_USERS = "pbx/users/search"
ENDPOINTS = {
    "pause": ("pbx/queues/batchpauseagent", "pbx/queues/pauseagent"),
    "resume": ("pbx/queues/batchresumeagent", "pbx/queues/resumeagent"),
}
PAST_TENSE = {"pause": "paused", "resume": "resumed"}

RETRY_PAUSE_SECONDS = 0.1
TRUE_WORDS = {"1", "true", "yes", "y", "on", "paused"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "", "unpaused"}
NO_REASON = "The PBX reported a failure without giving a reason."


@dataclass(frozen=True)
class Pair:
    """A queue number and an agent (operator) number, both as strings."""

    queue: str
    agent: str


@dataclass(frozen=True)
class PairOutcome:
    """What happened to one pair in a pause or resume."""

    queue: str
    agent: str
    outcome: str
    message: str


@dataclass(frozen=True)
class BatchResult:
    """The outcome of a pause or resume for every requested pair, in request order."""

    action: str
    outcomes: tuple
    used_fallback: bool
    duration_ms: int

    @property
    def succeeded(self):
        return self._having(SUCCEEDED)

    @property
    def failed(self):
        return self._having(FAILED)

    @property
    def unknown(self):
        return self._having(UNKNOWN)

    def _having(self, outcome):
        return tuple(item for item in self.outcomes if item.outcome == outcome)


@dataclass(frozen=True)
class Queue:
    """A queue as queues/search reports it."""

    number: str
    name: str
    id: str


@dataclass(frozen=True)
class Membership:
    """An extension's membership of a queue; paused is None when the PBX is silent."""

    queue: str
    paused: bool | None


@dataclass(frozen=True)
class Extension:
    """A phone extension as users/search reports it, with the agent to pause."""

    number: str
    name: str
    agent: str
    mapped: str
    memberships: tuple


class _Unexpected(Exception):
    """Signal that a 2xx answer does not have the shape the client needs."""


class SimotelClient:
    """Talk to one Simotel PBX over its REST API v4."""

    def __init__(
        self,
        base_url,
        *,
        api_prefix="api/v4",
        username=None,
        password=None,
        api_key=None,
        connect_timeout=3.05,
        read_timeout=10.0,
        connect_retries=2,
        session=None,
    ):
        base_url, url_username, url_password = _split_credentials(base_url)
        if username is None and url_username:
            username, password = url_username, url_password
        if connect_retries < 0:
            raise ValueError("connect_retries must be 0 or more.")

        parts = [base_url.rstrip("/"), api_prefix.strip("/")]
        self.root_url = "/".join(part for part in parts if part) + "/"
        self._auth = (username, password or "") if username else None
        self._headers = {"Accept": "application/json"}
        if api_key:
            self._headers["X-APIKEY"] = api_key
        self._timeout = (connect_timeout, read_timeout)
        self._retries = connect_retries
        self._owns_session = session is None
        self._session = session or requests.Session()

    def __repr__(self):
        return f"<SimotelClient {self.root_url}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def auth_modes(self):
        """Name the kinds of authentication this client sends, never their values."""
        modes = []
        if self._auth:
            modes.append("HTTP Basic")
        if "X-APIKEY" in self._headers:
            modes.append("API key")
        return tuple(modes)

    def url(self, endpoint):
        """Return the full URL of an endpoint such as "pbx/queues/search"."""
        return self.root_url + endpoint.lstrip("/")

    def close(self):
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def ping(self):
        """Check that the PBX answers and accepts our credentials; return its text."""
        try:
            envelope = self._call(PING, {})
        except errors.PbxRequestRejected as err:
            # The vendor's own samples disagree on POST or PUT for ping.
            if err.status != 405:
                raise
            envelope = self._call(PING, {}, method="PUT")
        return _text(envelope.get("message"))

    def search_queues(self, *, name="", number=""):
        """Return the queues whose name or number is like the given ones."""
        body = {"alike": "true", "conditions": {"name": name, "number": number}}
        return self._call(SEARCH_QUEUES, body, summarize=_summarize_queues)

    def search_users(self):
        """Return every extension with its mapped agent and queue memberships."""
        body = {
            "status": "all",
            "alike": True,
            "conditions": {"name": "", "number": "", "mapped": ""},
        }
        return self._call(SEARCH_USERS, body, summarize=_summarize_users)

    def pause(self, pairs):
        """Pause each agent in its queue; report the outcome per pair."""
        return self._act("pause", pairs)

    def resume(self, pairs):
        """Resume each agent in its queue; report the outcome per pair."""
        return self._act("resume", pairs)

    def _act(self, action, pairs):
        """Run a batch call, or single calls when the PBX lacks the batch endpoint."""
        wanted = _unique_pairs(pairs)
        started = time.monotonic()
        batch_endpoint, single_endpoint = ENDPOINTS[action]

        try:
            body = {"agents": [_pair_body(pair) for pair in wanted]}
            summarize = partial(_summarize_batch, action, batch_endpoint, wanted)
            outcomes = self._call(
                batch_endpoint, body, pairs=len(wanted), summarize=summarize
            )
            used_fallback = False
        except errors.PbxServiceMissing:
            outcomes = self._act_one_by_one(action, single_endpoint, wanted)
            used_fallback = True

        return BatchResult(action, outcomes, used_fallback, _ms_since(started))

    def _act_one_by_one(self, action, endpoint, wanted):
        """Send one single call per pair; stop when the PBX stops answering."""
        outcomes = []
        for index, pair in enumerate(wanted):
            try:
                outcomes.append(self._act_single(endpoint, pair))
            except errors.PbxOperationFailed as err:
                message = err.pbx_message or str(err)
                outcomes.append(_outcome(pair, FAILED, message))
            except errors.PbxError as err:
                # Nothing acted yet: the whole call failed, as a batch would have.
                if index == 0 and not err.may_have_acted:
                    raise
                outcomes.append(_outcome_after_error(action, pair, err))
                outcomes.extend(_not_sent(wanted[index + 1 :], err))
                break
        return tuple(outcomes)

    def _act_single(self, endpoint, pair):
        """Pause or resume one pair with the single-agent endpoint."""
        summarize = partial(_summarize_single, pair)
        return self._call(endpoint, _pair_body(pair), pairs=1, summarize=summarize)

    def _call(self, endpoint, body, *, method="POST", pairs=0, summarize=None):
        """Make one PBX call, retrying only when the request never left this host."""
        attempt = 0
        while True:
            try:
                return self._exchange(method, endpoint, body, pairs, summarize)
            except errors.PbxUnreachable:
                if attempt >= self._retries:
                    raise
                attempt += 1
                time.sleep(RETRY_PAUSE_SECONDS * attempt)

    def _exchange(self, method, endpoint, body, pairs, summarize):
        """Send one HTTP request, read the answer and log exactly one line."""
        started = time.monotonic()
        status = "-"
        outcome = "error"
        try:
            response = self._send(method, endpoint, body)
            status = response.status_code
            envelope = _read_envelope(endpoint, response)
            if summarize is None:
                value, outcome = envelope, "ok"
            else:
                value, outcome = _summarize_or_raise(summarize, endpoint, envelope)
            return value
        except errors.PbxError as err:
            outcome = err.label
            if not _acts(endpoint):
                # A search or a ping changes nothing, whatever became of it.
                err.may_have_acted = False
            raise
        finally:
            log.info(
                "PBX %s %s pairs=%d status=%s ms=%d outcome=%s",
                method,
                endpoint,
                pairs,
                status,
                _ms_since(started),
                outcome,
            )

    def _send(self, method, endpoint, body):
        """Send the request; turn every `requests` error into a PbxError."""
        try:
            return self._session.request(
                method,
                self.url(endpoint),
                json=body,
                auth=self._auth,
                headers=self._headers,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.ConnectTimeout as exc:
            raise _unreachable(endpoint, "connect-timeout", self._timeout) from exc
        except requests.ReadTimeout as exc:
            raise _timed_out(endpoint, self._timeout[1]) from exc
        except requests.ConnectionError as exc:
            reason = _connect_failure(exc)
            if reason:
                raise _unreachable(endpoint, reason, self._timeout) from exc
            raise errors.PbxBadResponse(
                f"The connection to the PBX broke during {endpoint} before an answer "
                "arrived.",
                endpoint=endpoint,
                may_have_acted=True,
            ) from exc
        except requests.RequestException as exc:
            raise errors.PbxBadResponse(
                f"The PBX's answer to {endpoint} could not be read "
                f"({type(exc).__name__}).",
                endpoint=endpoint,
                may_have_acted=True,
            ) from exc


def _acts(endpoint):
    """Tell whether ENDPOINT changes anything on the PBX."""
    return any(endpoint in pair for pair in ENDPOINTS.values())


def _timed_out(endpoint, seconds):
    """Build the error for an answer that did not come in time."""
    acting = _acts(endpoint)
    advice = (
        None
        if acting
        else (
            "Nothing was changed. The PBX is slow or overloaded: try again in a "
            "minute, and raise PBX_TIMEOUT if it keeps happening."
        )
    )
    return errors.PbxTimeout(
        f"The PBX did not answer {endpoint} within {seconds} seconds.",
        endpoint=endpoint,
        advice=advice,
        may_have_acted=acting,
    )


def _split_credentials(base_url):
    """Take user:password out of the URL so they never appear in errors or logs."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "The PBX URL must start with http:// or https:// and name a host, "
            "for example http://pbx.example.com."
        )
    if parts.username is None:
        return base_url.strip(), None, None
    host = parts.netloc.rpartition("@")[2]
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(parts.username), unquote(parts.password or "")


def _connect_failure(exc):
    """Name the reason a connection was never made, or return "" if it was made."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    if isinstance(reason, NameResolutionError):
        return "dns"
    if isinstance(reason, NewConnectionError):
        return "refused"
    return ""


def _unreachable(endpoint, reason, timeout):
    """Build the error for a request that never reached the PBX."""
    causes = {
        "dns": "The PBX's host name could not be resolved",
        "refused": "The PBX refused the connection",
        "connect-timeout": f"The PBX did not accept a connection within {timeout[0]} "
        "seconds",
    }
    return errors.PbxUnreachable(
        f"{causes[reason]}, so {endpoint} was not sent.",
        endpoint=endpoint,
        reason=reason,
    )


def _read_envelope(endpoint, response):
    """Return the JSON envelope of a 2xx answer or raise the matching PbxError."""
    status = response.status_code
    payload = _json_or_none(response.content)
    message = _text(payload.get("message")) if isinstance(payload, dict) else ""

    if 300 <= status < 400:
        raise _redirected(endpoint, status, response.headers.get("Location", ""))
    if not 200 <= status < 300:
        raise _error_for_status(endpoint, status, message, response.text)
    if not isinstance(payload, dict):
        raise errors.PbxBadResponse(
            f"The PBX answered {endpoint} with HTTP {status} and "
            f"{_describe_body(response.text)} instead of a JSON object.",
            endpoint=endpoint,
            status=status,
            may_have_acted=True,
        )

    if "success" not in payload and "ok" in payload:
        # Older (v3-style) single-agent answers are a bare {"message", "ok"}.
        return {"success": 1, "message": "", "data": payload}
    if not _truthy(payload.get("success")):
        raise errors.PbxOperationFailed(
            f"The PBX did not carry out {endpoint}.",
            endpoint=endpoint,
            status=status,
            pbx_message=message,
        )
    return payload


def _error_for_status(endpoint, status, message, text):
    """Build the PbxError for a non-2xx answer."""
    details = {"endpoint": endpoint, "status": status, "pbx_message": message}
    if status == 401:
        return errors.PbxAuthError(
            f"The PBX rejected the dashboard's credentials for {endpoint} (HTTP 401).",
            **details,
        )
    if status == 403:
        return _forbidden(endpoint, message, details)
    if status == 404:
        return errors.PbxNotFound(
            f"The PBX's web server has no page for {endpoint} (HTTP 404).", **details
        )
    if status in (400, 405, 415):
        return errors.PbxRequestRejected(_rejection(endpoint, status), **details)
    if status == 501:
        return errors.PbxServiceMissing(
            f"The PBX does not offer {endpoint} (HTTP 501).", **details
        )
    shown = "" if message else f" and {_describe_body(text)}"
    return errors.PbxBadResponse(
        f"The PBX answered {endpoint} with an unexpected HTTP {status}{shown}.",
        may_have_acted=status >= 500,
        **details,
    )


def _redirected(endpoint, status, location):
    """Build the error for a redirect, which the client does not follow."""
    target = _clean_location(location)
    return errors.PbxBadResponse(
        f"The PBX redirected {endpoint} to {target or 'another address'} "
        f"(HTTP {status}).",
        endpoint=endpoint,
        status=status,
        advice=(
            "Set PBX_URL to the address the PBX redirects to, for example https:// "
            "instead of http://."
        ),
    )


def _clean_location(location):
    """Return a redirect target without any user:password in it."""
    parts = urlsplit(location)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _forbidden(endpoint, message, details):
    """Tell a blocked IP address from a missing endpoint permission."""
    if "not permitted" in message.lower():
        return errors.PbxIpNotAllowed(
            f"The PBX does not accept API calls from this server's IP address "
            f"(HTTP 403 on {endpoint}).",
            **details,
        )
    named, separator, _ = message.partition(";")
    path = named.strip().strip('"') if separator else ""
    path = path or "/" + endpoint
    return errors.PbxPermissionDenied(
        f"The PBX's API account may not call {path} (HTTP 403).",
        advice=(
            f"Tick {path} in the Request list of the dashboard's API account in "
            "Maintenance > API Accounts on the PBX."
        ),
        **details,
    )


def _rejection(endpoint, status):
    """Describe why the PBX could not accept a request, per HTTP status."""
    reasons = {
        400: "could not parse the request body",
        405: "does not accept this HTTP method",
        415: "does not accept this Content-Type",
    }
    return f"The PBX {reasons[status]} for {endpoint} (HTTP {status})."


def _summarize_or_raise(summarize, endpoint, envelope):
    """Apply a summarizer; turn a shape problem into PbxBadResponse."""
    try:
        return summarize(envelope)
    except _Unexpected as exc:
        raise errors.PbxBadResponse(
            f"The PBX's answer to {endpoint} has an unexpected shape: {exc}.",
            endpoint=endpoint,
            status=200,
            may_have_acted=True,
        ) from exc


def _summarize_queues(envelope):
    """Turn a queues/search answer into Queue objects."""
    queues = [
        Queue(
            _text(item.get("number")), _text(item.get("name")), _text(item.get("_id"))
        )
        for item in _rows(envelope)
    ]
    return queues, f"ok rows={len(queues)}"


def _summarize_users(envelope):
    """Turn a users/search answer into Extension objects."""
    extensions = [_extension(item) for item in _rows(envelope)]
    return extensions, f"ok rows={len(extensions)}"


def _rows(envelope):
    """Return the objects in an answer whose data is a list."""
    data = envelope.get("data")
    if data is None:
        return []
    if not isinstance(data, list):
        raise _Unexpected("data is not a list")
    rows = [item for item in data if isinstance(item, dict)]
    if len(rows) != len(data):
        log.warning(
            "PBX answer had %d rows that are not objects", len(data) - len(rows)
        )
    return rows


def _extension(item):
    """Build an Extension from one users/search object."""
    number = _text(item.get("number"))
    mapped = _text(item.get("mapped"))
    return Extension(
        number=number,
        name=_text(item.get("name")),
        agent=mapped or number,
        mapped=mapped,
        memberships=parse_memberships(item.get("queues")),
    )


def parse_memberships(queues):
    """Read a users/search `queues` field in any shape the PBX may use."""
    if queues is None:
        return ()
    if isinstance(queues, str):
        queues = queues.replace(",", " ").split()
    elif not isinstance(queues, list):
        queues = [queues]

    memberships = {}
    for entry in queues:
        membership = _membership(entry)
        if membership is None:
            log.warning("PBX queues field has an entry that names no queue: %r", entry)
        elif membership.queue not in memberships:
            memberships[membership.queue] = membership
    return tuple(memberships.values())


def _membership(entry):
    """Read one entry of a `queues` field, or return None if it names no queue."""
    if isinstance(entry, bool):
        return None
    if isinstance(entry, (str, int)):
        queue, paused = _text(entry), None
    elif isinstance(entry, dict):
        queue = next(
            (
                _text(entry[key])
                for key in ("queue", "number", "name")
                if entry.get(key)
            ),
            "",
        )
        flag = next(
            (entry[key] for key in ("paused", "is_paused") if key in entry), None
        )
        paused = _truthy(flag)
    else:
        return None
    return Membership(queue, paused) if queue else None


def _summarize_batch(action, endpoint, wanted, envelope):
    """Match a batch answer to the requested pairs by (queue, agent)."""
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise _Unexpected("data is not an object")
    items = data.get("Data")
    if items is None:
        items = data.get("data")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise _Unexpected("data.Data is not a list")

    reported = _reported_items(endpoint, wanted, items)
    outcomes = tuple(
        _batch_outcome(action, pair, reported.get(pair)) for pair in wanted
    )
    return outcomes, _count_line(outcomes)


def _reported_items(endpoint, wanted, items):
    """Map each requested pair to its item; log and drop anything else."""
    requested = set(wanted)
    reported = {}
    for item in items:
        pair = _item_pair(item)
        if pair is None or pair not in requested:
            log.warning("PBX %s reported on a pair not asked about: %r", endpoint, item)
        elif pair in reported:
            log.warning("PBX %s reported twice on %r; using the first", endpoint, item)
        else:
            reported[pair] = item
    return reported


def _item_pair(item):
    """Return the (queue, agent) pair an answer item is about, or None."""
    if not isinstance(item, dict):
        return None
    agent = item.get("agent")
    if agent is None or agent == "":
        agent = item.get("agents")
    queue, agent = _text(item.get("queue")), _text(agent)
    return Pair(queue, agent) if queue and agent else None


def _batch_outcome(action, pair, item):
    """Decide one pair's outcome from its answer item."""
    if item is None:
        return _outcome(
            pair,
            UNKNOWN,
            f"The PBX did not report on this pair; check on the PBX whether the agent "
            f"was {PAST_TENSE[action]}.",
        )
    message = _text(item.get("message"))
    if _truthy(item.get("ok")):
        return _outcome(pair, SUCCEEDED, message)
    return _outcome(pair, FAILED, message or NO_REASON)


def _summarize_single(pair, envelope):
    """Read a single pauseagent/resumeagent answer into the pair's outcome."""
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise _Unexpected("data is not an object")
    message = _text(data.get("message"))
    if _truthy(data.get("ok")):
        return _outcome(pair, SUCCEEDED, message), "ok"
    message = message or NO_REASON
    return _outcome(pair, FAILED, message), "ok=0"


def _outcome(pair, status, message):
    """Build the outcome of one pair."""
    return PairOutcome(pair.queue, pair.agent, status, message)


def _outcome_after_error(action, pair, err):
    """Decide the outcome of the pair whose single call raised an error."""
    if err.may_have_acted:
        message = (
            f"{err} It is unknown whether the PBX {PAST_TENSE[action]} this agent."
        )
        return _outcome(pair, UNKNOWN, message)
    return _outcome(pair, FAILED, str(err))


def _not_sent(pairs, err):
    """Mark pairs that were never sent because an earlier call went wrong."""
    if isinstance(err, errors.PbxTimeout):
        reason = "the PBX stopped answering"
    else:
        reason = "an earlier request to the PBX failed"
    message = f"Not sent to the PBX because {reason}."
    return [_outcome(pair, FAILED, message) for pair in pairs]


def _count_line(outcomes):
    """Summarize outcomes for the log line, e.g. "3 ok 1 failed 0 unknown"."""
    counts = {status: 0 for status in (SUCCEEDED, FAILED, UNKNOWN)}
    for item in outcomes:
        counts[item.outcome] += 1
    return f"{counts[SUCCEEDED]} ok {counts[FAILED]} failed {counts[UNKNOWN]} unknown"


def _unique_pairs(pairs):
    """Return the pairs as strings, once each, in the order given."""
    unique = {}
    for item in pairs:
        queue, agent = (item.queue, item.agent) if isinstance(item, Pair) else item
        pair = Pair(_text(queue), _text(agent))
        if not pair.queue or not pair.agent:
            raise ValueError(f"Every pair needs a queue and an agent, got {item!r}.")
        unique.setdefault(pair, None)
    if not unique:
        raise ValueError("Give at least one (queue, agent) pair.")
    return list(unique)


def _pair_body(pair):
    """Return the JSON object for one pair."""
    return {"queue": pair.queue, "agent": pair.agent}


def _truthy(value):
    """Read a PBX flag such as 1, "1", True or "true"; None when it says nothing."""
    if value is None:
        return None
    if isinstance(value, (bool, int, float)):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _text(value):
    """Return a PBX value as a stripped string; None becomes ""."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _json_or_none(content):
    """Parse JSON bytes, or return None when they are not JSON."""
    try:
        return json.loads(content)
    except ValueError:
        return None


def _describe_body(text, limit=80):
    """Describe a body by its start, on one line, for error messages."""
    flat = " ".join((text or "").split())
    if not flat:
        return "an empty body"
    # A proxy's or web server's error page says what it is in its title.
    title = re.search(r"<title>\s*([^<]{1,120}?)\s*</title>", flat, re.IGNORECASE)
    if title:
        return f"a web page titled {title.group(1)!r}"
    return "a body starting with " + repr(flat[:limit])


def _ms_since(started):
    """Return whole milliseconds since a time.monotonic() reading."""
    return int((time.monotonic() - started) * 1000)
