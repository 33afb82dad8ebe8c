"""A diagram whose script imports a module is refused at deploy with the code `script_import` at the script's
element, through the API and in the modeler, where the administrator reads why in their own language."""

from __future__ import annotations

from typing import Any

from engine.people.accounts import user_by_username
from tests.diagrams import script_diagram

DIAGRAM = script_diagram("imports", "total = 1\nimport os", task="reach", name="Reach out")


def test_deploying_a_script_that_imports_is_refused_with_script_import_at_the_element(as_: Any) -> None:
    response = as_("admin").post("/api/v1/process-definitions", data=DIAGRAM.encode(),
                                 headers={"Content-Type": "application/xml"})
    assert response.status_code == 422
    [problem] = response.get_json()["errors"]
    assert (problem["code"], problem["element_id"]) == ("script_import", "reach")
    assert problem["params"]["name"] == "os" and problem["params"]["script_line"] == 2


def test_the_modeler_words_the_refused_import_in_the_administrators_language(page_as: Any, sessions: Any) -> None:
    with sessions.begin() as session:
        user_by_username(session, "admin").locale = "ru"
    web = page_as("admin")
    response = web.client.post("/admin/deploy", data=DIAGRAM.encode(), content_type="application/xml",
                               headers={"X-CSRFToken": web.csrf()})
    assert response.status_code == 422
    [problem] = response.get_json()["errors"]
    assert problem["code"] == "script_import" and problem["element_id"] == "reach"
    assert problem["message"].startswith("Импорт в скриптах не допускается («os»)")
    assert problem["message"].endswith("Строка 2 кода.")
