"""Accounts from the command line, the admin pages and the start-up settings."""

import pytest
from sqlalchemy import select

from dashboard import accounts
from dashboard.config import ConfigError, load_settings
from dashboard.models import Event, User
from tests.conftest import Auth, csrf_token, signed_in


def user(db, name):
    db.expire_all()
    return db.scalar(select(User).where(User.username == name))


def kinds(db):
    return [
        (e.kind, e.username, e.detail)
        for e in db.scalars(select(Event).order_by(Event.id))
    ]


def test_cli_creates_an_admin_with_password_from_stdin(app, db):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "alice", "--admin"], input="alice-password-1\n"
    )

    assert result.exit_code == 0, result.output
    assert result.output == "Created admin account alice.\n"
    alice = user(db, "alice")
    assert alice.is_admin and alice.is_active
    assert alice.password_hash.startswith("scrypt:")
    assert ("account_created", "alice", "by cli; admin") in kinds(db)
    assert Auth(app.test_client()).login("alice", "alice-password-1").status_code == 302


def test_cli_refuses_a_short_password_and_a_taken_name(app):
    runner = app.test_cli_runner()

    short = runner.invoke(args=["users", "create", "bob"], input="short\n")
    taken = runner.invoke(args=["users", "create", "sup"], input="long-enough-pw\n")

    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    assert taken.exit_code == 1
    assert "An account named 'sup' already exists." in taken.output


def test_cli_grant_revoke_list_disable(app, db):
    runner = app.test_cli_runner()

    granted = runner.invoke(args=["users", "grant", "sup", "903", "901"])
    revoked = runner.invoke(args=["users", "revoke", "sup", "901"])
    disabled = runner.invoke(args=["users", "disable", "sup"])
    listed = runner.invoke(args=["users", "list"])

    assert granted.output == "Granted sup: 903.\n"
    assert revoked.output == "Revoked from sup: 901.\n"
    assert disabled.output == "Disabled sup.\n"
    assert listed.output == (
        "admin\tadmin\tactive\tqueues: all\n"
        "sup\tsupervisor\tdisabled\tqueues: 902 903\n"
    )
    assert [k for k in kinds(db) if k[2].startswith("by cli")] == [
        ("queues_granted", "sup", "by cli; queues 903"),
        ("queues_revoked", "sup", "by cli; queues 901"),
        ("account_disabled", "sup", "by cli"),
    ]


def test_cli_refuses_unknown_accounts_and_bad_queue_numbers(app):
    runner = app.test_cli_runner()

    unknown = runner.invoke(args=["users", "grant", "nobody", "901"])
    bad = runner.invoke(args=["users", "grant", "sup", "9o1"])

    assert "There is no account named 'nobody'." in unknown.output
    assert "Queue numbers are digits only; not: 9o1." in bad.output


def test_admin_creates_a_supervisor_and_grants_two_queues(app, db):
    admin = signed_in(app, "admin")
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    created = admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": "maryam", "password": "maryam-password"},
    )
    page = admin.get(created.headers["Location"]).get_data(as_text=True)
    assert "Account maryam created." in page
    assert ">903</code> Billing" in page

    admin.post(
        created.headers["Location"] + "/queues",
        data={"csrf_token": csrf_token(page), "queues": "903, 905"},
    )

    assert user(db, "maryam").queues == ["903", "905"]
    maryam = signed_in(app, "maryam", "maryam-password")
    listing = maryam.get("/").get_data(as_text=True)
    assert ">903</a>" in listing and ">905</a>" in listing and ">901</a>" not in listing
    assert maryam.get("/queues/903").status_code == 200
    assert maryam.get("/queues/901").status_code == 403


def test_admin_resets_a_password_and_changes_the_role(app, db):
    admin = signed_in(app, "admin")
    sup_id = user(db, "sup").id
    page = admin.get(f"/admin/users/{sup_id}").get_data(as_text=True)
    token = csrf_token(page)

    admin.post(
        f"/admin/users/{sup_id}/password",
        data={"csrf_token": token, "password": "a-brand-new-pass"},
    )
    admin.post(f"/admin/users/{sup_id}/role", data={"csrf_token": token, "state": "on"})

    assert Auth(app.test_client()).login("sup", "a-brand-new-pass").status_code == 302
    assert user(db, "sup").is_admin


def test_admin_cannot_disable_or_delete_themselves(app, db):
    admin = signed_in(app, "admin")
    admin_id = user(db, "admin").id
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))

    response = admin.post(f"/admin/users/{admin_id}/delete", data={"csrf_token": token})

    assert response.status_code == 400
    assert user(db, "admin") is not None


def test_deleted_account_keeps_its_history(app, db, stand_in):
    sup = signed_in(app, "sup")
    token = csrf_token(sup.get("/queues/901").get_data(as_text=True))
    sup.post(
        "/queues/901/actions",
        data={"csrf_token": token, "agents": ["1051"], "pause": "P"},
    )
    admin = signed_in(app, "admin")
    sup_id = user(db, "sup").id
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))

    admin.post(f"/admin/users/{sup_id}/delete", data={"csrf_token": token})

    assert user(db, "sup") is None
    rows = admin.get("/history/export.csv").get_data(as_text=True).splitlines()
    assert rows[1].split(",")[1:5] == ["sup", "127.0.0.1", "pause", "901"]


def test_admin_from_the_environment_is_created_then_reset(make_app, app, db):
    make_app(ADMIN_USER="ops", ADMIN_PASSWORD="ops-password-1")
    assert user(db, "ops").is_admin

    make_app(ADMIN_USER="ops", ADMIN_PASSWORD="ops-password-2")

    assert accounts.password_matches(user(db, "ops"), "ops-password-2")
    assert ("password_reset", "ops", "by start-up") in kinds(db)


def test_demo_account_exists_in_demo_mode_only(make_app, app, db):
    make_app(DEMO_MODE=True)
    demo = user(db, "demo")
    assert demo.is_admin and demo.is_active and demo.is_demo

    make_app(DEMO_MODE=False)

    assert not user(db, "demo").is_active


def test_demo_account_cannot_come_back_against_a_real_pbx(make_app, app, db):
    make_app(DEMO_MODE=True)
    real = make_app(DEMO_MODE=False)
    admin = signed_in(real, "admin")
    demo_id = user(db, "demo").id
    token = csrf_token(admin.get(f"/admin/users/{demo_id}").get_data(as_text=True))

    response = admin.post(
        f"/admin/users/{demo_id}/active", data={"csrf_token": token, "state": "on"}
    )

    assert "works only in demo mode" in admin.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert not user(db, "demo").is_active
    # Even if the row were switched on by hand, sign-in refuses it.
    demo = user(db, "demo")
    demo.is_active = True
    db.commit()
    assert Auth(real.test_client()).login("demo", "demo-password").status_code == 401


def test_a_blank_password_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "bob"], input=" " * 12 + "\n"
    )

    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_pages_answer_503_while_the_schema_is_behind(app):
    app.extensions["schema_current"] = False

    response = app.test_client().get("/login")

    assert response.status_code == 503
    assert "flask --app app db upgrade" in response.get_data(as_text=True)


KEY = "a-secret-key-of-some-length"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PBX_URL": "http://pbx.lan"}, "SECRET_KEY is not set"),
        ({"PBX_URL": "http://pbx.lan", "SECRET_KEY": "short"}, "too short"),
        (
            {"PBX_URL": "http://pbx.lan", "SECRET_KEY": KEY, "PBX_PASSWORD": "pw"},
            "PBX_PASSWORD is set but PBX_USERNAME is not",
        ),
        ({"PBX_URL": "pbx.lan", "SECRET_KEY": KEY}, "must start with http://"),
        (
            {"SECRET_KEY": KEY, "PBX_TIMEOUT": "soon"},
            "PBX_TIMEOUT='soon' is not a number",
        ),
        ({"SECRET_KEY": KEY, "DASHBOARD_TIMEZONE": "Mars/Olympus"}, "not a known time"),
        ({"SECRET_KEY": KEY, "PBX_TIMEOUT": "nan"}, "not a usable number"),
        ({"SECRET_KEY": KEY, "DASHBOARD_HTTPS": "maybe"}, "neither on nor off"),
        ({"PBX_URL": "http://", "SECRET_KEY": KEY}, "must start with http://"),
        ({"SECRET_KEY": KEY, "DASHBOARD_ADMIN_USER": "ops"}, "together, or neither"),
        ({"SECRET_KEY": KEY, "ROSTER_FILE": "/nonexistent.csv"}, "ROSTER_FILE"),
    ],
)
def test_bad_configuration_refuses_to_start_and_says_what_to_set(
    tmp_path, environ, message
):
    with pytest.raises(ConfigError, match=message):
        load_settings(environ, str(tmp_path))


def test_demo_mode_needs_no_secret_key_and_keeps_one(tmp_path):
    first = load_settings({}, str(tmp_path))
    second = load_settings({}, str(tmp_path))

    assert first["DEMO_MODE"] is True
    assert len(first["SECRET_KEY"]) == 64
    assert first["SECRET_KEY"] == second["SECRET_KEY"]


def test_admin_checks_the_pbx_connection(app, stand_in):
    admin = signed_in(app, "admin")
    page = admin.get("/admin/pbx").get_data(as_text=True)
    assert f"<code>{stand_in.url}/api/v4/</code>" in page
    assert "HTTP Basic and API key" in page
    assert "pbx-secret-for-tests" not in page and "key-for-tests" not in page

    checked = admin.post("/admin/pbx", data={"csrf_token": csrf_token(page)})

    assert "Ping received." in checked.get_data(as_text=True)
    assert [c["endpoint"] for c in stand_in.calls()] == ["setting/ping/act"]


def test_pbx_check_names_the_cause_of_a_refusal(app, stand_in):
    stand_in.faults(status={"setting/ping/act": "403-permission"})
    admin = signed_in(app, "admin")
    page = admin.get("/admin/pbx").get_data(as_text=True)

    checked = admin.post("/admin/pbx", data={"csrf_token": csrf_token(page)})

    html = checked.get_data(as_text=True)
    assert 'class="banner"' in html and "setting/ping/act" in html


def test_pbx_page_counts_credentials_given_in_the_url(make_app, app, stand_in):
    url = stand_in.url.replace("http://", "http://dashboard:pbx-secret-for-tests@")
    keyed = make_app(PBX_URL=url, PBX_USERNAME=None, PBX_PASSWORD=None)

    page = signed_in(keyed, "admin").get("/admin/pbx").get_data(as_text=True)

    assert "HTTP Basic and API key" in page
    assert "pbx-secret-for-tests" not in page


def test_persian_digits_are_granted_as_queue_numbers(app, db):
    admin = signed_in(app, "admin")
    sup_id = user(db, "sup").id
    page = admin.get(f"/admin/users/{sup_id}").get_data(as_text=True)

    admin.post(
        f"/admin/users/{sup_id}/queues",
        data={"csrf_token": csrf_token(page), "queues": "۹۰۱، ۹۰۳"},
    )

    assert user(db, "sup").queues == ["901", "903"]


def test_unlocking_an_account_that_is_not_locked_changes_nothing(app, db):
    result = app.test_cli_runner().invoke(args=["users", "unlock", "sup"])

    assert result.output == "sup was not locked.\n"
    assert [k for k in kinds(db) if k[0] == "unlocked"] == []


def test_cli_refuses_an_unmigrated_database(app):
    app.extensions["schema_current"] = False

    result = app.test_cli_runner().invoke(args=["users", "list"])

    assert result.exit_code == 1
    assert "run flask --app app db upgrade first" in result.output


def test_admin_who_resets_their_own_password_stays_signed_in(app, db):
    admin = signed_in(app, "admin")
    admin_id = user(db, "admin").id
    page = admin.get(f"/admin/users/{admin_id}").get_data(as_text=True)

    admin.post(
        f"/admin/users/{admin_id}/password",
        data={"csrf_token": csrf_token(page), "password": "admin-password-2"},
    )

    assert admin.get("/admin/users").status_code == 200


def test_a_dashboard_whose_database_is_down_starts_and_answers_503(
    make_app, app, stand_in
):
    down = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:9/test")
    # What start-up left behind, before the test fixture marked the schema current.
    down.extensions["schema_current"] = None
    client = down.test_client()

    page = client.get("/login")
    health = client.get("/healthz", headers={"Accept": "application/json"})

    assert page.status_code == 503
    assert "cannot reach its database" in page.get_data(as_text=True)
    assert health.status_code == 503
    assert down.extensions["schema_current"] is None


def test_account_page_asks_the_pbx_for_its_queues_only(app, db, stand_in):
    admin = signed_in(app, "admin")

    page = admin.get(f"/admin/users/{user(db, 'sup').id}").get_data(as_text=True)

    assert "<code>901</code> Sales, <code>902</code> Support" in page
    assert [c["endpoint"] for c in stand_in.calls()] == ["pbx/queues/search"]
