"""Accounts, permissions, CSRF, lockout and sessions, enforced on every route."""

import re

import pytest
from sqlalchemy import select

from dashboard.models import Action, Event, User
from tests.conftest import PASSWORDS, Auth, csrf_token, signed_in

# Routes that read, with what an admin gets; {a} is an action on queue 903.
PAGES = ["/", "/queues/901", "/queues/903", "/history/", "/history/export.csv"]
ADMIN_PAGES = ["/admin/users", "/history/events"]


def events(db, kind):
    return db.scalars(select(Event).where(Event.kind == kind).order_by(Event.id)).all()


@pytest.mark.parametrize("path", PAGES + ADMIN_PAGES + ["/actions/1", "/admin/users/1"])
def test_anonymous_get_is_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "path",
    ["/queues/901/actions", "/actions/1/retry", "/admin/users/1/delete", "/logout"],
)
def test_anonymous_post_is_refused(client, stand_in, path):
    # A valid CSRF token, so that only the missing sign-in can refuse it.
    token = csrf_token(client.get("/login").get_data(as_text=True))

    response = client.post(
        path, data={"csrf_token": token, "agents": ["1051"], "pause": "Pause"}
    )

    assert response.status_code == 401
    assert "Sign in first" in response.get_data(as_text=True)
    assert stand_in.action_calls() == []


def test_login_and_health_are_public(client):
    assert client.get("/login").status_code == 200
    health = client.get("/healthz")
    assert (health.status_code, health.json) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("admin", "/", 200),
        ("admin", "/queues/903", 200),
        ("admin", "/admin/users", 200),
        ("admin", "/history/events", 200),
        ("admin", "/history/", 200),
        ("sup", "/", 200),
        ("sup", "/queues/901", 200),
        ("sup", "/queues/902", 200),
        ("sup", "/queues/903", 403),
        ("sup", "/admin/users", 403),
        ("sup", "/admin/users/1", 403),
        ("sup", "/history/events", 403),
        ("sup", "/admin/pbx", 403),
        ("admin", "/admin/pbx", 200),
        ("sup", "/history/", 200),
    ],
)
def test_permission_matrix(app, username, path, status):
    client = signed_in(app, username)

    assert client.get(path).status_code == status


def test_forged_form_for_an_ungranted_queue_gets_403_and_no_pbx_call(app, stand_in):
    client = signed_in(app, "sup")
    token = csrf_token(client.get("/queues/901").get_data(as_text=True))

    response = client.post(
        "/queues/903/actions",
        data={"csrf_token": token, "agents": ["286"], "pause": "Pause"},
    )

    assert response.status_code == 403
    assert "no permission for queue 903" in response.get_data(as_text=True)
    assert stand_in.action_calls() == []


def test_result_of_an_ungranted_queue_is_hidden(app, db):
    admin = signed_in(app, "admin")
    token = csrf_token(admin.get("/queues/903").get_data(as_text=True))
    admin.post(
        "/queues/903/actions",
        data={"csrf_token": token, "agents": ["286"], "pause": "P"},
    )
    action = db.scalar(select(Action))

    sup = signed_in(app, "sup")
    assert sup.get(f"/actions/{action.id}").status_code == 403
    own_token = csrf_token(sup.get("/queues/901").get_data(as_text=True))
    retry = sup.post(f"/actions/{action.id}/retry", data={"csrf_token": own_token})
    assert retry.status_code == 403
    assert "286" not in sup.get("/history/export.csv").get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_action_without_a_valid_csrf_token_is_refused(app, stand_in, token):
    client = signed_in(app, "sup")
    data = {"agents": ["1051"], "pause": "Pause"}
    if token:
        data["csrf_token"] = token

    response = client.post("/queues/901/actions", data=data)

    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert stand_in.action_calls() == []


def test_login_needs_a_csrf_token(client):
    response = client.post(
        "/login", data={"username": "sup", "password": PASSWORDS["sup"]}
    )

    assert response.status_code == 400


def test_wrong_password_is_refused_and_recorded(client, auth, db):
    response = auth.login("sup", "not-the-password", address="10.1.1.1")

    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    [failed] = events(db, "login_failed")
    assert (failed.username, failed.address) == ("sup", "10.1.1.1")


def test_repeated_failures_lock_the_account(client, auth, db):
    for _ in range(5):
        auth.login("sup", "wrong-password-x", address="10.1.1.1")

    response = auth.login("sup", address="10.1.1.2")

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert len(events(db, "login_failed")) == 5
    assert [e.username for e in events(db, "lockout")] == ["sup"]
    assert [e.address for e in events(db, "login_locked")] == ["10.1.1.2"]


def test_repeated_failures_from_one_address_lock_that_address(client, auth, db):
    for number in range(20):
        auth.login(f"nobody{number}", "wrong-password-x", address="10.9.9.9")

    assert auth.login("admin", address="10.9.9.9").status_code == 429
    assert auth.login("admin", address="10.9.9.8").status_code == 302


def test_successful_login_and_logout_are_recorded(client, auth, db):
    assert auth.login("sup", address="10.2.2.2").status_code == 302
    auth.logout()

    assert [(e.kind, e.address) for e in events(db, "login")] == [("login", "10.2.2.2")]
    assert len(events(db, "logout")) == 1
    assert client.get("/").status_code == 302


def test_idle_session_ends(app):
    client = signed_in(app, "sup")
    with client.session_transaction() as session:
        session["seen"] -= 31 * 60

    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page


def test_disabling_an_account_ends_its_sessions(app, db):
    sup = signed_in(app, "sup")
    admin = signed_in(app, "admin")
    user_id = db.scalar(select(User.id).where(User.username == "sup"))
    token = csrf_token(admin.get(f"/admin/users/{user_id}").get_data(as_text=True))

    admin.post(
        f"/admin/users/{user_id}/active", data={"csrf_token": token, "state": "off"}
    )
    # A second press of a stale button keeps the account disabled.
    admin.post(
        f"/admin/users/{user_id}/active", data={"csrf_token": token, "state": "off"}
    )

    assert sup.get("/").status_code == 302
    assert not db.scalar(select(User.is_active).where(User.id == user_id))
    assert [e.detail for e in events(db, "account_disabled")] == ["by admin"]


def test_session_cookie_flags(app):
    client = app.test_client()
    response = client.get("/login")
    token = csrf_token(response.get_data(as_text=True))
    response = client.post(
        "/login",
        data={"username": "sup", "password": PASSWORDS["sup"], "csrf_token": token},
    )

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers(client):
    headers = client.get("/login").headers

    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_when_https_is_on(make_app, app):
    https = make_app(HTTPS=True, SESSION_COOKIE_SECURE=True)

    assert (
        "max-age"
        in https.test_client().get("/login").headers["Strict-Transport-Security"]
    )


def test_trusted_proxy_gives_the_real_client_address(make_app, app, db):
    proxied = make_app(TRUSTED_PROXY=True)
    client = proxied.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))

    client.post(
        "/login",
        data={"username": "sup", "password": "wrong-password-x", "csrf_token": token},
        headers={"X-Forwarded-For": "172.16.5.9"},
    )

    assert [e.address for e in events(db, "login_failed")] == ["172.16.5.9"]


def test_no_inline_scripts_in_pages(app):
    client = signed_in(app, "admin")
    for path in ["/", "/queues/901", "/history/", "/admin/users"]:
        html = client.get(path).get_data(as_text=True)
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("/queues/902", "/queues/902"),
        ("//evil.example/x", "/"),
        ("/\\evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\t/evil.example/x", "/"),
        ("/\r/x", "/"),
        ("/\n/x", "/"),
    ],
)
def test_login_returns_only_to_pages_of_this_site(client, target, landing):
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "username": "sup",
            "password": PASSWORDS["sup"],
            "csrf_token": csrf_token(page),
        },
    )

    assert response.headers["Location"] == landing


def lock(auth, username="sup", address="10.1.1.1"):
    for _ in range(5):
        auth.login(username, "wrong-password-x", address=address)
    assert auth.login(username, address=address).status_code == 429


def test_admin_unlocks_a_locked_account(app, client, auth, db):
    lock(auth)
    admin = signed_in(app, "admin")
    assert "sign-in locked" in admin.get("/admin/users").get_data(as_text=True)
    sup_id = db.scalar(select(User.id).where(User.username == "sup"))
    page = admin.get(f"/admin/users/{sup_id}").get_data(as_text=True)
    assert "5 failed sign-ins in the last" in page

    admin.post(f"/admin/users/{sup_id}/unlock", data={"csrf_token": csrf_token(page)})

    assert auth.login("sup", address="10.1.1.1").status_code == 302
    assert [e.detail for e in events(db, "unlocked")] == ["by admin"]


def test_password_reset_lifts_the_lock(app, client, auth, db):
    lock(auth)
    runner = app.test_cli_runner()

    runner.invoke(args=["users", "set-password", "sup"], input="sup-new-password\n")

    assert auth.login("sup", "sup-new-password").status_code == 302


def test_admin_unlocks_a_locked_address(app, client, auth, db):
    for number in range(20):
        auth.login(f"nobody{number}", "wrong-password-x", address="10.9.9.9")
    admin = signed_in(app, "admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "<td>10.9.9.9</td>" in page

    admin.post(
        "/admin/addresses/unlock",
        data={"csrf_token": csrf_token(page), "address": "10.9.9.9"},
    )

    assert auth.login("sup", address="10.9.9.9").status_code == 302
    assert [e.detail for e in events(db, "address_unlocked")] == ["address 10.9.9.9"]


def test_refused_attempts_are_recorded_once_a_minute(client, auth, db):
    lock(auth)
    for _ in range(3):
        auth.login("sup", address="10.1.1.1")

    assert len(events(db, "login_locked")) == 1


def test_user_names_are_not_case_sensitive(app, client, auth):
    response = auth.login("SUP", PASSWORDS["sup"])

    assert response.status_code == 302
    runner = app.test_cli_runner()
    taken = runner.invoke(args=["users", "create", "Sup"], input="long-enough-pw\n")
    assert "An account named 'sup' already exists." in taken.output


def test_oversized_requests_are_refused(client):
    response = client.post("/login", data={"username": "x" * (2 * 1024 * 1024)})

    assert response.status_code == 413


def test_nul_characters_are_refused(app):
    client = signed_in(app, "admin")

    response = client.get("/history/?supervisor=a%00b")

    assert response.status_code == 400
    assert 'class="who">admin' in response.get_data(as_text=True)


def test_supervisor_sees_only_their_pairs_of_a_wider_action(app, stand_in, db):
    admin = signed_in(app, "admin")
    token = csrf_token(admin.get("/queues/901").get_data(as_text=True))
    # 1056 sits in 901, 902 and 904; the supervisor has 901 and 902.
    admin.post(
        "/queues/901/actions",
        data={"csrf_token": token, "agents": ["1056"], "all_queues": "y", "pause": "P"},
    )
    action = db.scalar(select(Action))

    page = signed_in(app, "sup").get(f"/actions/{action.id}").get_data(as_text=True)

    shown = re.findall(r'data-queue="(\d+)" data-agent="(\d+)"', page)
    assert shown == [("901", "1056"), ("902", "1056")]
    assert "also included 1 agent-queue pair in queues your account" in page
    assert "2 done" in page


def test_a_deleted_accounts_session_does_not_pass_to_a_new_account(app, db):
    from dashboard import accounts

    accounts.create(db, "reza", "reza-password-1")
    db.commit()
    reza = signed_in(app, "reza", "reza-password-1")
    admin = signed_in(app, "admin")
    reza_id = db.scalar(select(User.id).where(User.username == "reza"))
    token = csrf_token(admin.get("/admin/users").get_data(as_text=True))
    admin.post(f"/admin/users/{reza_id}/delete", data={"csrf_token": token})
    admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": "sara", "password": "sara-password-1",
              "admin": "y"},
    )  # fmt: skip

    assert reza.get("/admin/users").status_code == 302


def test_supervisor_cannot_retry_pairs_outside_their_queues(app, stand_in, db):
    stand_in.faults(fail_pairs=[["901", "1056", "busy"], ["904", "1056", "busy"]])
    admin = signed_in(app, "admin")
    token = csrf_token(admin.get("/queues/901").get_data(as_text=True))
    admin.post(
        "/queues/901/actions",
        data={"csrf_token": token, "agents": ["1056"], "all_queues": "y", "pause": "P"},
    )
    action = db.scalar(select(Action))
    sup = signed_in(app, "sup")
    page = sup.get(f"/actions/{action.id}").get_data(as_text=True)

    refused = sup.post(
        f"/actions/{action.id}/retry", data={"csrf_token": csrf_token(page)}
    )

    assert "ask an admin to retry this action" in page and "Retry failed" not in page
    assert refused.status_code == 409
    assert f'<a href="/actions/{action.id}">Back to action {action.id}</a>' in (
        refused.get_data(as_text=True)
    )
    assert len(stand_in.action_calls()) == 1


def test_events_page_filters_by_account_and_kind(app, client, auth):
    auth.login("sup", "wrong-password-x")
    auth.login("admin", "wrong-password-x")
    admin = signed_in(app, "admin")

    html = admin.get("/history/events?account=SUP&kind=login_failed").get_data(
        as_text=True
    )

    rows = re.findall(
        r'<tr class="event-(\w+)">\s*<td[^>]*>[^<]*</td>\s*<td>(\w+)</td>', html
    )
    assert rows == [("login_failed", "sup")]


def test_sign_out_makes_a_copied_session_cookie_useless(app):
    client = signed_in(app, "sup")
    copied = client.get_cookie("session").value
    Auth(client).logout()

    thief = app.test_client()
    thief.set_cookie("session", copied)

    assert thief.get("/").status_code == 302


def test_nul_in_a_sign_in_is_refused_before_the_database(client):
    page = client.get("/login").get_data(as_text=True)

    response = client.post(
        "/login",
        data={"username": "a\x00b", "password": "x", "csrf_token": csrf_token(page)},
    )

    assert response.status_code == 400
