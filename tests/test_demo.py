"""`make run` as a newcomer meets it: gunicorn in demo mode on the built-in stand-in."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return requests.get(url, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


@pytest.fixture
def demo_server(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PBX_", "DASHBOARD_", "SECRET_KEY"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.db'}"
    subprocess.run(
        [BIN / "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/healthz")
        yield url, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)


def test_demo_mode_serves_queues_and_pauses_through_the_stand_in(demo_server):
    url, _ = demo_server
    browser = requests.Session()
    page = browser.get(url + "/login", timeout=10).text
    assert "Demo account: <code>demo</code> / <code>demo-password</code>" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]

    signed_in = browser.post(
        url + "/login",
        data={"username": "demo", "password": "demo-password", "csrf_token": token},
        timeout=10,
    )

    assert signed_in.status_code == 200 and signed_in.url == url + "/"
    assert "Demo mode" in signed_in.text and ">Sales</a>" in signed_in.text
    queue = browser.get(url + "/queues/901", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', queue)[1]
    result = browser.post(
        url + "/queues/901/actions",
        data={"csrf_token": token, "agents": ["1051"], "pause": "Pause"},
        timeout=10,
    )
    assert re.search(r"/actions/\d+$", result.url)
    assert "Paused successfully" in result.text
