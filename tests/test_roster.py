"""Queue members from the PBX's user search in each shape, or from ROSTER_FILE."""

import re

from tests.conftest import signed_in


def agents_on_page(client, queue):
    html = client.get(f"/queues/{queue}").get_data(as_text=True)
    return re.findall(r'name="agents" value="(\d+)"', html), html


def test_mapped_operators_are_listed_by_operator_number(app):
    agents, html = agents_on_page(signed_in(app, "sup"), "901")

    # Person 53 logs in as operator 254 on phone 1054.
    assert "254" in agents and "1054" not in agents
    assert re.search(r">254</label>.*?<td>1054</td>", html, re.S)


def test_paused_flags_from_the_pbx_are_shown(app, stand_in):
    stand_in.faults(queues_shape="objects")
    agents, html = agents_on_page(signed_in(app, "sup"), "902")

    assert len(agents) == 60
    # Support starts with six paused agents in the stand-in.
    assert html.count("(as the PBX reports)") == 60
    assert (
        len(re.findall(r'state-paused">Paused</span> \(as the PBX reports\)', html))
        == 6
    )


def test_numbers_shape_gives_the_same_members(app, stand_in):
    client = signed_in(app, "sup")
    strings, _ = agents_on_page(client, "901")
    stand_in.faults(queues_shape="numbers")

    numbers, _ = agents_on_page(client, "901")

    assert numbers == strings and len(numbers) == 40


def test_roster_file_fills_queues_the_pbx_lists_no_members_for(
    make_app, app, stand_in, tmp_path
):
    roster = tmp_path / "roster.csv"
    roster.write_text("queue,agent,name\n901,1051,Sara File\n901,1052,Reza File\n")
    stand_in.faults(queues_shape="none")
    client = signed_in(make_app(ROSTER_FILE=str(roster)), "sup")

    agents, html = agents_on_page(client, "901")

    assert agents == ["1051", "1052"]
    assert "Sara File" in html and "come from the roster file" in html
    empty, html = agents_on_page(client, "902")
    assert empty == [] and "The PBX lists no agents in this queue." in html


def test_pbx_report_comes_first_with_the_last_action_here_below(app, stand_in):
    stand_in.faults(queues_shape="objects")
    client = signed_in(app, "sup")
    html = client.get("/queues/901").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)[1]
    client.post(
        "/queues/901/actions",
        data={"csrf_token": token, "agents": ["1051"], "pause": "Pause"},
    )

    html = client.get("/queues/901").get_data(as_text=True)

    row = html[html.index('value="1051"') : html.index('value="1052"')]
    assert re.search(r'state-paused">Paused</span> \(as the PBX reports\)', row)
    assert "Last paused here by sup at" in row
