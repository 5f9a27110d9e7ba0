"""End to end in Debian's Chromium: sign in, tick two agents, pause, resume."""

import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORDS

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_url(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()


def sign_in(page, live_url, username="sup"):
    page.goto(f"{live_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")


def test_supervisor_pauses_and_resumes_two_agents(page, live_url, stand_in):
    sign_in(page, live_url)
    page.click("table.grid a >> nth=0")
    queue = page.url.rsplit("/", 1)[-1]
    boxes = page.locator("input[name=agents]")
    agents = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]

    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("input[name=pause]")

    succeeded = page.locator(".badge-succeeded")
    assert succeeded.count() == 2
    assert page.locator("tr.pair").evaluate_all(
        "rows => rows.map(r => [r.dataset.queue, r.dataset.agent])"
    ) == [[queue, agents[0]], [queue, agents[1]]]
    assert page.locator(".count-succeeded").inner_text() == "2 done"
    paused = {tuple(pair) for pair in stand_in.state()["paused"]}
    assert {(queue, agent) for agent in agents} <= paused

    page.goto(f"{live_url}/queues/{queue}")
    for agent in agents:
        page.check(f"#agent-{agent}")
    page.click("input[name=resume]")

    assert page.locator(".badge-succeeded").count() == 2
    assert page.locator("td", has_text="UnPaused successfully").count() == 2
    paused = {tuple(pair) for pair in stand_in.state()["paused"]}
    assert not {(queue, agent) for agent in agents} & paused


def test_select_all_and_shift_click_tick_ranges(page, live_url):
    sign_in(page, live_url)
    page.click("table.grid a >> nth=0")
    boxes = page.locator("input[name=agents]")
    total = boxes.count()

    page.click("[data-select=all]")
    assert page.locator("input[name=agents]:checked").count() == total
    page.click("[data-select=none]")
    assert page.locator("input[name=agents]:checked").count() == 0

    boxes.nth(1).click()
    boxes.nth(4).click(modifiers=["Shift"])
    checked = page.locator("input[name=agents]:checked")
    assert checked.count() == 4
    assert page.locator(".selection-count").inner_text() == f"4 of {total} ticked"
