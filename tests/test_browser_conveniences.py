"""What app.js adds in Chromium: button states, label ranges, one submit, confirm."""

import pytest

from tests import test_browser
from tests.test_browser import sign_in

pytestmark = pytest.mark.browser
# The same fixtures as the first browser test: a live server and a Chromium page.
live_url = test_browser.live_url
page = test_browser.page
SALES = "901"
BATCH_PAUSE = "pbx/queues/batchpauseagent"


def open_sales(page, live_url):
    sign_in(page, live_url)
    page.goto(f"{live_url}/queues/{SALES}")
    return page.locator("input[name=agents]")


def agent_numbers(boxes):
    return boxes.evaluate_all("boxes => boxes.map(box => box.value)")


def ticked(page):
    return agent_numbers(page.locator("input[name=agents]:checked"))


def test_pause_and_resume_wait_for_a_ticked_agent(page, live_url):
    boxes = open_sales(page, live_url)
    pause = page.locator("input[name=pause]")
    resume = page.locator("input[name=resume]")
    assert (pause.is_disabled(), resume.is_disabled()) == (True, True)

    boxes.nth(2).check()
    assert (pause.is_disabled(), resume.is_disabled()) == (False, False)

    boxes.nth(2).uncheck()
    assert (pause.is_disabled(), resume.is_disabled()) == (True, True)

    page.click("[data-select=all]")
    assert (pause.is_disabled(), resume.is_disabled()) == (False, False)
    page.click("[data-select=none]")
    assert (pause.is_disabled(), resume.is_disabled()) == (True, True)


def test_without_javascript_the_server_asks_for_a_tick(page, live_url, stand_in):
    plain = page.context.browser.new_page(java_script_enabled=False)
    open_sales(plain, live_url)
    assert plain.locator("input[name=pause]").is_enabled()

    plain.click("input[name=pause]")

    assert "Tick at least one agent." in plain.content()
    assert stand_in.action_calls() == []


def test_shift_click_on_a_label_ticks_the_range(page, live_url):
    boxes = open_sales(page, live_url)
    agents = agent_numbers(boxes)

    page.click(f"label[for=agent-{agents[1]}] >> nth=0")
    page.click(f"label[for=agent-{agents[4]}] >> nth=1", modifiers=["Shift"])

    assert ticked(page) == agents[1:5]
    assert page.locator(".selection-count").inner_text() == f"4 of {len(agents)} ticked"
    # Shift-click would otherwise also select the text between the two labels.
    assert page.evaluate("window.getSelection().toString()") == ""

    page.click(f"label[for=agent-{agents[3]}] >> nth=0", modifiers=["Shift"])
    assert ticked(page) == agents[1:3]


def test_double_click_on_pause_sends_one_batch(page, live_url, stand_in):
    boxes = open_sales(page, live_url)
    agents = agent_numbers(boxes)[:2]
    boxes.nth(0).check()
    boxes.nth(1).check()
    # A slow PBX keeps the first request open while the second click lands; the
    # pause between the clicks lets the first request leave, as a person's would.
    stand_in.faults(latency={BATCH_PAUSE: 0.5})

    page.dblclick("input[name=pause]", delay=120)
    page.wait_for_url(f"{live_url}/actions/*")

    calls = stand_in.action_calls()
    assert [c["endpoint"] for c in calls] == [BATCH_PAUSE]
    assert calls[0]["body"] == {
        "agents": [{"queue": SALES, "agent": agent} for agent in agents]
    }
    assert page.locator(".badge").all_inner_texts() == ["Paused", "Paused"]
    assert page.locator(".count-succeeded").inner_text() == "2 done"


def test_data_confirm_cancel_sends_nothing(page, live_url, stand_in):
    boxes = open_sales(page, live_url)
    agent = agent_numbers(boxes)[0]
    boxes.nth(0).check()
    page.evaluate(
        "document.querySelector('form.agents-form')"
        ".setAttribute('data-confirm', 'Pause the ticked agents?')"
    )
    questions = []
    posts = []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))

    def dismiss(dialog):
        questions.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("input[name=pause]")

    assert questions == [("confirm", "Pause the ticked agents?")]
    assert posts == []
    assert page.url == f"{live_url}/queues/{SALES}"
    assert page.locator("form.agents-form.is-submitting").count() == 0
    assert stand_in.action_calls() == []

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(url=f"{live_url}/actions/*"):
        page.click("input[name=pause]")

    assert posts == [f"{live_url}/queues/{SALES}/actions"]
    calls = stand_in.action_calls()
    assert [c["body"] for c in calls] == [
        {"agents": [{"queue": SALES, "agent": agent}]}
    ]
    assert page.locator(".badge").all_inner_texts() == ["Paused"]


def test_enter_in_the_note_sends_nothing(page, live_url, stand_in):
    sign_in(page, live_url)
    page.goto(f"{live_url}/queues/901")
    page.locator("input[name=agents]").nth(0).check()

    page.fill("input[name=note]", "lunch")
    page.press("input[name=note]", "Enter")
    page.wait_for_timeout(500)

    assert page.url == f"{live_url}/queues/901"
    assert stand_in.action_calls() == []
