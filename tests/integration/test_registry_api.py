"""The registry of the media through the REST API: the PR department adds outlets and journalists, accredits and
revokes, keeps distribution lists, exports and imports CSV; every change is in the audit trail, every bad input
is a 422 naming its field (a CSV's line and column) and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

KAKTUS = {"name": "Kaktus Media", "kind": "online", "country": "KG", "email": "news@kaktus.example",
          "phone": "+996 312 000000", "website": "https://kaktus.example"}
AIDA = {"name": "Aida Usenova", "email": "aida@kaktus.example", "languages": ["ky", "ru"]}


def post(as_: Any, path: str, body: Any, user: str = "pr", status: int = 201) -> dict[str, Any]:
    response = as_(user).post(f"/api/v1{path}", json=body)
    assert response.status_code == status, response.get_json()
    return dict(response.get_json())


def fields_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.get_json()
    return sorted(e["field"] for e in response.get_json()["errors"])


def audit(as_: Any, type_: str) -> list[dict[str, Any]]:
    return list(as_("auditor").get(f"/api/v1/audit?type={type_}&per_page=100").get_json()["items"])


def counts(as_: Any) -> tuple[int, int, int]:
    outlets = as_("pr").get("/api/v1/outlets").get_json()["total"]
    journalists = as_("pr").get("/api/v1/journalists").get_json()["total"]
    lists = as_("pr").get("/api/v1/distribution-lists").get_json()["total"]
    return outlets, journalists, lists


def test_the_pr_department_adds_an_outlet_and_a_journalist_then_accredits_them(as_: Any, clock: Any) -> None:
    outlet = post(as_, "/outlets", KAKTUS)
    assert {k: outlet[k] for k in KAKTUS} == KAKTUS
    journalist = post(as_, "/journalists", AIDA | {"outlet_id": outlet["id"]})
    assert (journalist["outlet"], journalist["languages"], journalist["active"]) == ("Kaktus Media", ["ky", "ru"], True)
    assert journalist["accredited_until"] is None and journalist["accreditations"] == []

    granted = post(as_, f"/journalists/{journalist['id']}/accreditations",
                   {"valid_from": "2026-03-01", "valid_until": "2026-12-31"})
    assert (granted["granted_by"], granted["valid_until"], granted["revoked_at"]) == ("pr", "2026-12-31", None)
    (listed,) = as_("pr").get("/api/v1/journalists").get_json()["items"]
    assert listed["accredited_until"] == "2026-12-31"  # the clock stands at 2 March 2026
    assert as_("pr").get("/api/v1/journalists?accredited=true").get_json()["total"] == 1
    assert as_("pr").get("/api/v1/journalists?accredited=true&on=2027-01-01").get_json()["total"] == 0

    revoked = post(as_, f"/accreditations/{granted['id']}/revoke", {"reason": "Breached the press room's rules."},
                   user="prhead", status=200)
    assert (revoked["revoked_by"], revoked["revoke_reason"]) == ("prhead", "Breached the press room's rules.")
    assert as_("pr").get("/api/v1/journalists").get_json()["items"][0]["accredited_until"] is None
    again = as_("pr").post(f"/api/v1/accreditations/{granted['id']}/revoke", json={"reason": "Twice."})
    assert again.status_code == 409

    assert [e["actor"] for e in audit(as_, "outlet.created")] == ["pr"]
    assert [e["after"]["name"] for e in audit(as_, "journalist.created")] == ["Aida Usenova"]
    (grant,) = audit(as_, "accreditation.granted")
    assert (grant["subject"], grant["after"]["valid_until"]) == (f"journalist:{journalist['id']}", "2026-12-31")
    (revocation,) = audit(as_, "accreditation.revoked")
    assert (revocation["actor"], revocation["after"]["reason"]) == ("prhead", "Breached the press room's rules.")
    assert as_("auditor").get("/api/v1/audit/verify").get_json()["ok"] is True


def test_changes_are_recorded_with_what_changed_and_nothing_when_nothing_did(as_: Any) -> None:
    outlet = post(as_, "/outlets", KAKTUS)
    journalist = post(as_, "/journalists", AIDA)
    changed = as_("pr").patch(f"/api/v1/outlets/{outlet['id']}", json={"kind": "agency", "country": "kg"})
    assert (changed.status_code, changed.get_json()["kind"], changed.get_json()["country"]) == (200, "agency", "KG")
    moved = as_("pr").patch(f"/api/v1/journalists/{journalist['id']}",
                            json={"outlet_id": outlet["id"], "active": False})
    assert (moved.get_json()["outlet"], moved.get_json()["active"]) == ("Kaktus Media", False)
    assert as_("pr").patch(f"/api/v1/outlets/{outlet['id']}", json={"kind": "agency"}).status_code == 200
    (event,) = audit(as_, "outlet.updated")
    assert (event["before"], event["after"]) == ({"kind": "online"}, {"kind": "agency"})
    (event,) = audit(as_, "journalist.updated")
    assert event["after"] == {"outlet_id": outlet["id"], "active": False}
    # An inactive journalist cannot be accredited.
    refused = as_("pr").post(f"/api/v1/journalists/{journalist['id']}/accreditations",
                             json={"valid_from": "2026-03-01", "valid_until": "2026-03-31"})
    assert fields_of(refused) == ["journalist_id"]


def test_distribution_lists_hold_journalists_once_each_and_are_rewritten_whole(as_: Any) -> None:
    a = post(as_, "/journalists", AIDA)
    b = post(as_, "/journalists", {"name": "Bakyt Asanov", "email": "bakyt@24.example", "languages": ["ru"]})
    pool = post(as_, "/distribution-lists", {"name": "Accredited pool", "journalist_ids": [a["id"], b["id"], a["id"]]})
    assert pool["journalist_ids"] == [a["id"], b["id"]]
    changed = as_("prhead").patch(f"/api/v1/distribution-lists/{pool['id']}",
                                  json={"journalist_ids": [b["id"]], "description": "Accredited for 2026"})
    assert changed.status_code == 200
    assert (changed.get_json()["journalist_ids"], changed.get_json()["description"]) == ([b["id"]],
                                                                                         "Accredited for 2026")
    (listed,) = as_("admin").get("/api/v1/distribution-lists").get_json()["items"]
    assert listed["journalist_ids"] == [b["id"]]
    assert as_("pr").get(f"/api/v1/journalists?list_id={pool['id']}").get_json()["items"][0]["name"] == "Bakyt Asanov"
    (event,) = audit(as_, "distribution_list.updated")
    assert event["before"]["journalist_ids"] == [a["id"], b["id"]] and event["after"]["journalist_ids"] == [b["id"]]
    duplicate = as_("pr").post("/api/v1/distribution-lists", json={"name": "accredited POOL"})
    assert duplicate.status_code == 409


@pytest.mark.parametrize(("path", "body", "fields"), [
    ("/outlets", {"name": "X"}, ["kind"]),
    ("/outlets", {"name": " ", "kind": "tv"}, ["name"]),
    ("/outlets", {"name": "X", "kind": "newspaper"}, ["kind"]),
    ("/outlets", {"name": "X", "kind": "tv", "country": "Kyrgyzstan"}, ["country"]),
    ("/outlets", {"name": "X", "kind": "tv", "country": "XX"}, ["country"]),  # no such country
    ("/outlets", {"name": "X", "kind": "tv", "email": "not an address"}, ["email"]),
    ("/outlets", {"name": "X", "kind": "tv", "fax": "1"}, ["fax"]),
    ("/journalists", {"name": "X"}, ["email"]),
    ("/journalists", {"name": "X", "email": "x@example.kg", "languages": ["Kyrgyz"]}, ["languages.0"]),
    ("/journalists", {"name": "X", "email": "x@example.kg", "languages": ["zz"]}, ["languages"]),  # no language
    ("/journalists", {"name": "X", "email": "x@example.kg", "outlet_id": 999}, ["outlet_id"]),
    ("/distribution-lists", {"journalist_ids": []}, ["name"]),
    ("/distribution-lists", {"name": "Bloggers", "journalist_ids": [999]}, ["journalist_ids.0"]),
    ("/distribution-lists", {"name": "Bloggers", "journalist_ids": ["one"]}, ["journalist_ids.0"]),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(as_: Any, path: str, body: dict[str, Any],
                                                                      fields: list[str]) -> None:
    assert fields_of(as_("pr").post(f"/api/v1{path}", json=body)) == fields
    assert counts(as_) == (0, 0, 0)
    assert audit(as_, "outlet.created") == audit(as_, "journalist.created") == []


def test_bad_changes_and_accreditations_are_refused_too(as_: Any) -> None:
    outlet = post(as_, "/outlets", KAKTUS)
    post(as_, "/outlets", KAKTUS | {"name": "24.kg"})
    journalist = post(as_, "/journalists", AIDA)
    assert as_("pr").patch(f"/api/v1/outlets/{outlet['id']}", json={"name": "24.KG"}).status_code == 409
    assert fields_of(as_("pr").patch(f"/api/v1/outlets/{outlet['id']}", json={})) == ["(body)"]
    assert fields_of(as_("pr").patch(f"/api/v1/journalists/{journalist['id']}", json={"email": "x"})) == ["email"]
    assert as_("pr").patch("/api/v1/journalists/999", json={"name": "Nobody"}).status_code == 404
    path = f"/api/v1/journalists/{journalist['id']}/accreditations"
    assert fields_of(as_("pr").post(path, json={"valid_from": "2026-03-31", "valid_until": "2026-03-01"})) == \
        ["valid_from", "valid_until"]  # the range is backwards: either may be the one mistyped
    assert fields_of(as_("pr").post(path, json={"valid_from": "2026-03-01"})) == ["valid_until"]
    assert as_("pr").post("/api/v1/journalists/999/accreditations",
                          json={"valid_from": "2026-03-01", "valid_until": "2026-03-31"}).status_code == 404
    granted = post(as_, path.removeprefix("/api/v1"), {"valid_from": "2026-03-01", "valid_until": "2026-03-31"})
    assert fields_of(as_("pr").post(f"/api/v1/accreditations/{granted['id']}/revoke", json={"reason": "  "})) == \
        ["reason"]
    assert as_("pr").get("/api/v1/journalists").get_json()["items"][0]["accredited_until"] == "2026-03-31"
    assert audit(as_, "accreditation.revoked") == [] and audit(as_, "outlet.updated") == []


def test_outside_the_pr_department_the_registry_is_refused(as_: Any) -> None:
    for user in ("ps_transport", "leader", "lawyer"):
        assert as_(user).get("/api/v1/journalists").status_code == 403
        assert as_(user).post("/api/v1/outlets", json=KAKTUS).status_code == 403
    assert as_("auditor").get("/api/v1/outlets").status_code == 200  # reads, changes nothing
    assert as_("auditor").post("/api/v1/outlets", json=KAKTUS).status_code == 403
    assert counts(as_) == (0, 0, 0)


# -- CSV ----------------------------------------------------------------------------------------------------

OUTLETS_CSV = ("id,name,kind,country,email,phone,website\r\n"
               ",Kaktus Media,online,KG,news@kaktus.example,,https://kaktus.example\r\n"
               ",\"Vecherniy Bishkek, LLC\",print,kg,,+996 312 111111,\r\n"
               ",Bishkek Blog,blogger,,,,\r\n")
JOURNALISTS_CSV = ("name,outlet,email,languages,active\r\n"
                   "Aida Usenova,Kaktus Media,aida@kaktus.example,ky ru,true\r\n"
                   "Bakyt Asanov,,bakyt@blog.example,\"ru, en\",\r\n")


def upload(as_: Any, what: str, text: str, user: str = "pr") -> Any:
    return as_(user).post(f"/api/v1/{what}/import", data=text.encode(), headers={"Content-Type": "text/csv"})


def test_outlets_and_journalists_are_imported_and_exported_and_importing_again_changes_nothing(as_: Any) -> None:
    response = upload(as_, "outlets", OUTLETS_CSV)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 3, "updated": 0, "unchanged": 0}
    response = upload(as_, "journalists", JOURNALISTS_CSV)
    assert response.get_json() == {"created": 2, "updated": 0, "unchanged": 0}
    aida = as_("pr").get("/api/v1/journalists?q=aida").get_json()["items"][0]
    assert (aida["outlet"], aida["languages"], aida["active"]) == ("Kaktus Media", ["ky", "ru"], True)
    assert [e["actor"] for e in audit(as_, "journalist.created")] == ["pr", "pr"]

    exported = as_("pr").get("/api/v1/journalists?format=csv")
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0] == "id,name,outlet,email,phone,languages,active"
    assert lines[1] == f"{aida['id']},Aida Usenova,Kaktus Media,aida@kaktus.example,,ky ru,true"
    outlets = as_("admin").get("/api/v1/outlets?format=csv").get_data(as_text=True)
    assert '"Vecherniy Bishkek, LLC",print,KG' in outlets

    # What was exported imports back as it is: nothing changes, nothing is recorded.
    events = len(as_("auditor").get("/api/v1/audit?per_page=100").get_json()["items"])
    assert upload(as_, "outlets", outlets).get_json() == {"created": 0, "updated": 0, "unchanged": 3}
    again = upload(as_, "journalists", exported.get_data(as_text=True))
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(as_("auditor").get("/api/v1/audit?per_page=100").get_json()["items"]) == events

    # A line of an existing address changes that journalist (matched without an id); multipart works too.
    changed = as_("pr").post("/api/v1/journalists/import", data={
        "file": (__import__("io").BytesIO(b"name,email,active\r\nAida Usenova-Bekova,AIDA@kaktus.example,no\r\n"),
                 "j.csv")}, content_type="multipart/form-data")
    assert changed.get_json() == {"created": 0, "updated": 1, "unchanged": 0}
    aida = as_("pr").get("/api/v1/journalists?q=bekova").get_json()["items"][0]
    assert (aida["name"], aida["active"], aida["languages"]) == ("Aida Usenova-Bekova", False, ["ky", "ru"])


@pytest.mark.parametrize(("what", "text", "errors"), [
    ("outlets", "name,kind\r\nGood,tv\r\nBad,newspaper\r\n,radio\r\n",
     [(3, "kind"), (4, "name")]),
    ("outlets", "name,kind,fax\r\nGood,tv,1\r\n", [(1, "fax")]),
    ("outlets", "name\r\nGood\r\n", [(1, "kind")]),
    ("outlets", "name,kind\r\nGood,tv\r\ngood,radio\r\n", [(3, "name")]),
    ("outlets", "id,name,kind\r\n77,Good,tv\r\n", [(2, "id")]),
    ("outlets", "name,kind\r\nGood,tv,extra\r\n", [(2, "(line)")]),
    ("outlets", "", [(1, "(file)")]),
    ("journalists", "name,email,outlet\r\nAida,aida@x.example,Nowhere\r\nBakyt,not-an-address,\r\n",
     [(2, "outlet"), (3, "email")]),
    ("journalists", "name,email,languages,active\r\nAida,aida@x.example,kyrgyz,maybe\r\n", [(2, "active")]),
    ("journalists", "name,email,languages\r\nAida,aida@x.example,kyrgyz\r\n", [(2, "languages")]),
    ("journalists", "name,email\r\nAida,aida@x.example\r\nAida again,AIDA@x.example\r\n", [(3, "email")]),
])
def test_an_import_with_any_bad_line_writes_nothing_and_names_each_line_and_column(
        as_: Any, what: str, text: str, errors: list[tuple[int, str]]) -> None:
    response = upload(as_, what, text)
    assert response.status_code == 422, response.get_json()
    assert [(e["line"], e["field"]) for e in response.get_json()["errors"]] == errors
    assert counts(as_) == (0, 0, 0)
    assert audit(as_, "outlet.created") == audit(as_, "journalist.created") == []


def test_an_import_that_is_not_csv_text_is_refused(as_: Any) -> None:
    assert fields_of(upload(as_, "outlets", "")) == ["(file)"]
    latin = as_("pr").post("/api/v1/outlets/import", data="name,kind\r\nKöln,tv\r\n".encode("latin-1"),
                           headers={"Content-Type": "text/csv"})
    assert fields_of(latin) == ["(file)"]
    wrong_type = as_("pr").post("/api/v1/outlets/import", json={"name": "X"})
    assert fields_of(wrong_type) == ["(body)"]
    no_file = as_("pr").post("/api/v1/outlets/import", data={"other": "x"}, content_type="multipart/form-data")
    assert fields_of(no_file) == ["file"]
    assert upload(as_, "outlets", OUTLETS_CSV, user="ps_transport").status_code == 403
    assert counts(as_) == (0, 0, 0)


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_exported_as_text_and_imports_back_as_it_was(
        as_: Any) -> None:
    formula = '=HYPERLINK("http://evil.example","Click")'
    outlet = as_("pr").post("/api/v1/outlets", json={"name": formula, "kind": "online", "phone": "+996 312 000111"})
    assert outlet.status_code == 201, outlet.get_json()
    exported = as_("pr").get("/api/v1/outlets?format=csv").get_data(as_text=True)
    (line,) = exported.splitlines()[1:]
    assert '"\'=HYPERLINK(""http://evil.example"",""Click"")"' in line  # an apostrophe first: a spreadsheet shows text
    assert ",'+996 312 000111," in line
    assert upload(as_, "outlets", exported).get_json() == {"created": 0, "updated": 0, "unchanged": 1}
    (shown,) = as_("pr").get("/api/v1/outlets").get_json()["items"]
    assert (shown["name"], shown["phone"]) == (formula, "+996 312 000111")
