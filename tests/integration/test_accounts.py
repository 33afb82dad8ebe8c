"""Sign-in, tokens, users and units."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.models import Delivery, User
from tests.conftest import PASSWORD, deploy_shipped


def test_passwords_are_stored_as_argon2_hashes(as_: Any, sessions: Any) -> None:
    with sessions() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "pr")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_wrong_password_or_unknown_user_gets_401(as_: Any) -> None:
    client = as_(None)
    for body in ({"username": "pr", "password": "wrong password"}, {"username": "nobody", "password": PASSWORD}):
        response = client.post("/api/v1/auth/token", json=body)
        assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_me_tells_who_the_token_belongs_to(as_: Any) -> None:
    me = as_("ps_transport").get("/api/v1/me").get_json()
    assert me == {"username": "ps_transport", "display_name": "Ps_Transport", "roles": ["press_secretary"],
                  "unit": "transport", "locale": "en"}


def test_a_deactivated_user_cannot_sign_in_and_their_tokens_stop_working(as_: Any) -> None:
    old = as_("pr")
    assert old.get("/api/v1/me").status_code == 200
    response = as_("admin").patch("/api/v1/users/pr", json={"active": False})
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert old.get("/api/v1/me").status_code == 401
    assert as_(None).post("/api/v1/auth/token", json={"username": "pr", "password": PASSWORD}).status_code == 401


def test_an_admin_adds_a_unit_and_a_user_who_can_then_sign_in(as_: Any) -> None:
    admin = as_("admin")
    assert admin.post("/api/v1/units", json={"key": "culture", "name": "Culture"}).status_code == 201
    body = {"username": "zarina", "display_name": "Zarina", "password": "a long password", "roles": ["press_secretary"],
            "unit": "culture"}
    created = admin.post("/api/v1/users", json=body)
    assert created.status_code == 201 and created.get_json()["unit"] == "culture"
    assert "password" not in created.get_json()
    assert as_(None).post("/api/v1/auth/token",
                          json={"username": "zarina", "password": "a long password"}).status_code == 200
    assert admin.post("/api/v1/users", json=body).status_code == 409
    assert admin.post("/api/v1/units", json={"key": "culture", "name": "Again"}).status_code == 409


def test_a_unit_bound_role_needs_a_unit(as_: Any) -> None:
    body = {"username": "nounit", "display_name": "No unit", "password": "a long password", "roles": ["unit_head"]}
    response = as_("admin").post("/api/v1/users", json=body)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "unit"


def test_changing_roles_is_audited_with_before_and_after(as_: Any) -> None:
    response = as_("admin").patch("/api/v1/users/lawyer", json={"roles": ["legal", "leadership"]})
    assert response.status_code == 200 and response.get_json()["roles"] == ["leadership", "legal"]
    events = as_("auditor").get("/api/v1/audit?type=user.updated").get_json()["items"]
    assert events[-1]["before"]["roles"] == ["legal"] and events[-1]["after"]["roles"] == ["leadership", "legal"]
    assert events[-1]["actor"] == "admin"


def test_a_deactivated_users_claimed_task_goes_back_to_the_lane(as_: Any, deployed: None) -> None:
    from tests.conftest import REQUEST

    case = as_("pr").post("/api/v1/process-instances",
                          json={"process_key": "information_request", "data": REQUEST}).get_json()
    task_id = case["tasks"][0]["id"]
    assert as_("pr").post(f"/api/v1/tasks/{task_id}/claim").get_json()["assignee"] == "pr"
    as_("admin").patch("/api/v1/users/pr", json={"active": False})
    assert as_("prhead").get(f"/api/v1/tasks/{task_id}").get_json()["assignee"] is None


def test_a_user_speaks_one_of_the_six_languages_of_the_pages(as_: Any) -> None:
    admin = as_("admin")
    assert admin.patch("/api/v1/users/pr", json={"locale": "uz-Latn"}).get_json()["locale"] == "uz-Latn"
    assert as_("pr").get("/api/v1/me").get_json()["locale"] == "uz-Latn"  # Uzbek in Latin script
    assert admin.patch("/api/v1/users/pr", json={"locale": "uz"}).get_json()["locale"] == "uz"  # and in Cyrillic
    for locale in ("de", "uz_Cyrl", "uz_Latn", "uz-latn", "", "ru-RU"):
        response = admin.patch("/api/v1/users/pr", json={"locale": locale})
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "locale", locale
    body = {"username": "zarina", "display_name": "Zarina", "password": "a long password", "roles": ["legal"],
            "locale": "fr"}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "locale"
    assert as_("pr").get("/api/v1/me").get_json()["locale"] == "uz"


def test_the_engine_refuses_an_unknown_language_whoever_calls_it(sessions: Any, ctx: Any, cast: Any) -> None:
    from engine.core.errors import Invalid
    from engine.people.accounts import update_user

    with sessions.begin() as session, pytest.raises(Invalid) as refused:
        update_user(session, "pr", {"locale": "xx"}, actor="admin", at=ctx.now())
    assert refused.value.errors[0]["field"] == "locale"


def test_the_last_active_administrator_cannot_lock_everyone_out(as_: Any) -> None:
    admin = as_("admin")
    for change in ({"active": False}, {"roles": ["auditor"]}):
        response = admin.patch("/api/v1/users/admin", json=change)
        assert response.status_code == 409 and response.get_json()["errors"][0]["field"] == "roles", change
    assert admin.get("/api/v1/me").get_json()["roles"] == ["admin"]
    assert admin.patch("/api/v1/users/auditor", json={"roles": ["auditor", "admin"]}).status_code == 200
    assert admin.patch("/api/v1/users/admin", json={"active": False}).status_code == 200
    assert as_("auditor").patch("/api/v1/users/auditor", json={"roles": ["auditor"]}).status_code == 409


# -- the password policy ------------------------------------------------------------------------------------

NEWCOMER = {"username": "zarina", "display_name": "Zarina", "roles": ["legal"]}


@pytest.mark.parametrize("password", ["eleven char", "short", "Password1234", "QWERTYUIOP12", "123qweasdzxc"],
                         ids=["11 characters", "5 characters", "common, capitalised", "common, upper case", "common"])
def test_a_short_or_common_password_is_refused_with_422_naming_password(as_: Any, password: str) -> None:
    admin = as_("admin")
    response = admin.post("/api/v1/users", json=NEWCOMER | {"password": password})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["password"]
    assert admin.get("/api/v1/users/zarina").status_code == 404


def test_a_password_of_twelve_characters_not_on_the_list_is_taken(as_: Any) -> None:
    created = as_("admin").post("/api/v1/users", json=NEWCOMER | {"password": "plum quartz7"})
    assert created.status_code == 201
    signed_in = as_(None).post("/api/v1/auth/token", json={"username": "zarina", "password": "plum quartz7"})
    assert signed_in.status_code == 200


def test_a_common_password_cannot_be_set_on_an_existing_user_either(as_: Any) -> None:
    response = as_("admin").patch("/api/v1/users/pr", json={"password": "password1234"})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "password"
    assert as_(None).post("/api/v1/auth/token", json={"username": "pr", "password": PASSWORD}).status_code == 200


def test_the_command_line_refuses_a_weak_password_clearly_and_fails(app: Any, settings: Any, sessions: Any) -> None:
    from click.testing import CliRunner

    from api.cli import main

    env = {"JARCHY_DATABASE_URL": settings.database_url, "JARCHY_SECRET_KEY": settings.secret_key}
    for password in ("too short", "Qwerty123456"):
        result = CliRunner().invoke(main, ["users", "add", "nurlan", "--password", password, "--role", "legal"],
                                    env=env)
        assert result.exit_code == 1, result.output
        assert "password" in result.output and "error:" in result.output
    with sessions() as session:
        assert session.scalars(select(User).where(User.username == "nurlan")).one_or_none() is None
    added = CliRunner().invoke(main, ["users", "add", "nurlan", "--password", "walnut ferry 42", "--role", "legal"],
                               env=env)
    assert added.exit_code == 0, added.output


def test_the_demo_prints_passwords_that_the_policy_takes_and_that_sign_in(app: Any, sessions: Any, ctx: Any,
                                                                          deployed: None) -> None:
    from engine.demo import seed
    from engine.people.passwords import check

    for diagram in ("public_information_request", "press_conference", "publication_response", "breach_report",
                    "release_approval"):
        deploy_shipped(sessions, ctx, f"{diagram}.bpmn")
    with sessions.begin() as session:
        lines = list(seed(session, ctx))
    printed = [line.split() for line in lines if line.startswith("  ")]
    assert len(printed) == 10
    # Sample cases: three media requests, two requests for public information (a person's, an organisation's),
    # a distorted piece waiting for its rebuttal, a breach report and a release published with its photo.
    assert lines[-3] == ("Sample cases: IR-2026-000001, IR-2026-000002, IR-2026-000003, PI-2026-000001, "
                         "PI-2026-000002, PM-2026-000001, BR-2026-000001, PR-2026-000001")
    # The media plan: four appearances in the next two weeks, one of them a visit of two whole days.
    assert lines[-1] == "Media plan: 4 appearances in the next two weeks"
    for username, password, *_roles in printed:
        check(password)
        response = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 200, username
    # The release is on the public site with its photo, and went to the three accredited journalists of the pool.
    (release,) = app.test_client().get("/public/releases").get_json()["items"]
    (photo,) = release["media"]
    assert (photo["filename"], photo["kind"]) == ("chui-avenue.jpg", "photo")
    assert app.test_client().get(photo["url"]).status_code == 200
    assert app.test_client().get(photo["thumbnail_url"]).mimetype == "image/jpeg"
    with sessions() as session:
        assert sorted(d.recipient for d in session.scalars(select(Delivery))) == [
            "A. Usenova", "N. Ivanova", "T. Omurov"]


# -- signing out of the API -----------------------------------------------------------------------------------

def token_for(app: Any, username: str) -> str:
    response = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return str(response.get_json()["access_token"])


def test_logout_revokes_the_token_used_and_only_that_one(app: Any, cast: Any) -> None:
    client = app.test_client()
    first, second = token_for(app, "pr"), token_for(app, "pr")
    bearer = {"Authorization": f"Bearer {first}"}
    response = client.post("/api/v1/auth/logout", headers=bearer)
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=bearer).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_logout_without_a_token_is_401(app: Any, cast: Any) -> None:
    assert app.test_client().post("/api/v1/auth/logout").status_code == 401


def test_a_revoked_token_stays_refused_in_another_process(app: Any, cast: Any, settings: Any, clock: Any) -> None:
    from api import create_app

    token = token_for(app, "pr")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().post("/api/v1/auth/logout", headers=bearer).status_code == 204
    other = create_app({"SETTINGS": settings, "CLOCK": clock, "TESTING": True})
    assert other.test_client().get("/api/v1/me", headers=bearer).status_code == 401


def test_revocations_are_pruned_once_their_tokens_would_have_expired(app: Any, cast: Any, sessions: Any,
                                                                     clock: Any) -> None:
    from db.models import RevokedCredential

    client = app.test_client()
    for _ in range(2):
        client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token_for(app, 'pr')}"})
    clock.advance(hours=8, seconds=1)
    client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token_for(app, 'pr')}"})
    with sessions() as session:
        assert len(session.scalars(select(RevokedCredential)).all()) == 1


def test_a_token_issued_without_an_id_is_refused(app: Any, cast: Any, settings: Any, sessions: Any) -> None:
    from itsdangerous import URLSafeTimedSerializer

    with sessions() as session:
        user = session.scalars(select(User).where(User.username == "pr")).one()
    old = URLSafeTimedSerializer(settings.secret_key, salt="jarchy-api-token").dumps(
        {"u": user.id, "g": user.token_generation})
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401


def test_a_unit_key_is_known_as_the_transaction_stands(sessions: Any, ctx: Any) -> None:
    """The office's unit keys are read once a transaction (a triage names several): a unit made in it counts, one
    made in a savepoint that rolled back does not."""
    from engine.people.accounts import create_unit, unit_exists

    with sessions() as session:
        assert not unit_exists(session, "culture")
        create_unit(session, key="culture", name="Culture", actor="system", at=ctx.now())
        assert unit_exists(session, "culture")
        with pytest.raises(RuntimeError), session.begin_nested():
            create_unit(session, key="sport", name="Sport", actor="system", at=ctx.now())
            assert unit_exists(session, "sport")
            raise RuntimeError("rolled back")
        assert not unit_exists(session, "sport") and unit_exists(session, "culture")
