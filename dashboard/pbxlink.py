"""Connect the app to the PBX and assemble the queue roster from what it says."""

import logging
import os
import secrets
import sys
import threading
from dataclasses import dataclass, field

from flask import current_app

from dashboard.accounts import DEMO_PASSWORD, DEMO_USER
from pbx import SimotelClient, load_roster_csv

log = logging.getLogger("dashboard.pbx")

# gunicorn's master starts the demo stand-in and hands its address to the workers
# through these variables, so every worker talks to the same one.
DEMO_URL_VAR = "DASHBOARD_DEMO_PBX_URL"
DEMO_KEY_VAR = "DASHBOARD_DEMO_PBX_KEY"

_demo_lock = threading.Lock()
_client_lock = threading.Lock()


@dataclass
class Member:
    agent: str
    name: str
    extension: str = ""
    pbx_paused: bool | None = None


@dataclass
class QueueInfo:
    number: str
    name: str
    members: list[Member] = field(default_factory=list)
    from_file: bool = False

    def member(self, agent):
        return next((m for m in self.members if m.agent == agent), None)


@dataclass
class Roster:
    queues: dict[str, QueueInfo]

    def queues_of(self, agent):
        """Return the numbers of every queue AGENT is a member of."""
        return [q.number for q in self.queues.values() if q.member(agent)]

    def agent_name(self, agent):
        for queue in self.queues.values():
            member = queue.member(agent)
            if member:
                return member.name
        return ""


def start_demo_pbx():
    """Start the built-in Simotel stand-in once per process; return URL and key."""
    from pbx.simulator import start_simulator

    with _demo_lock:
        if not os.environ.get(DEMO_URL_VAR):
            api_key = secrets.token_hex(16)
            running = start_simulator(host="127.0.0.1", port=0, api_key=api_key)
            os.environ[DEMO_URL_VAR] = running.url
            os.environ[DEMO_KEY_VAR] = api_key
            log.warning("Demo mode: built-in Simotel stand-in at %s", running.url)
            # A fixed, published demo credential; start-up disables the account as
            # soon as the dashboard runs against a real PBX.
            print(
                f"Demo mode: sign in as {DEMO_USER} / {DEMO_PASSWORD}", file=sys.stderr
            )
    return os.environ[DEMO_URL_VAR], os.environ[DEMO_KEY_VAR]


def make_client(config):
    """Build the Simotel client that CONFIG describes."""
    url, api_key = config["PBX_URL"], config["PBX_API_KEY"]
    if config["DEMO_MODE"]:
        url, api_key = start_demo_pbx()
    return SimotelClient(
        url,
        api_prefix=config["PBX_API_PREFIX"],
        username=config["PBX_USERNAME"],
        password=config["PBX_PASSWORD"],
        api_key=api_key,
        connect_timeout=config["PBX_CONNECT_TIMEOUT"],
        read_timeout=config["PBX_TIMEOUT"],
    )


def client():
    """Return the app's Simotel client, making it on first use in demo mode."""
    app = current_app
    if "pbx" not in app.extensions:
        with _client_lock:
            if "pbx" not in app.extensions:
                app.extensions["pbx"] = make_client(app.config)
    return app.extensions["pbx"]


def fetch_roster():
    """Ask the PBX for its queues and their members; fill gaps from ROSTER_FILE."""
    pbx = client()
    queues = {
        q.number: QueueInfo(q.number, q.name)
        for q in sorted(pbx.search_queues(), key=lambda q: int_or_text(q.number))
    }
    for extension in pbx.search_users():
        for membership in extension.memberships:
            queue = queues.get(membership.queue)
            if queue and not queue.member(extension.agent):
                queue.members.append(
                    Member(
                        extension.agent,
                        extension.name,
                        extension.number,
                        membership.paused,
                    )
                )

    roster_file = current_app.config.get("ROSTER_FILE")
    if roster_file:
        _fill_from_file(queues, load_roster_csv(roster_file))
    for queue in queues.values():
        queue.members.sort(key=lambda m: int_or_text(m.agent))
    return Roster(queues)


def _fill_from_file(queues, listed):
    for number, entries in listed.items():
        queue = queues.get(number)
        if queue is None or queue.members:
            continue
        queue.from_file = True
        queue.members = [Member(agent, name) for agent, name in entries]


def int_or_text(value):
    """Sort key that puts numbers in numeric order."""
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def init_app(app):
    # Demo mode starts its stand-in only when a page needs it, so that commands
    # such as `flask db upgrade` do not.
    if not app.config["DEMO_MODE"]:
        app.extensions["pbx"] = make_client(app.config)
