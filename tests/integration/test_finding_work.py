"""Finding work: words of a case (in every script the office writes), filters and order on the inbox and the cases
list, through the API, on both databases; a search never shows a case its reader may not read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases import complete, start
from tests.conftest import plan_at_scale, sent_to

KY = {"subject": "Көпүрөнүн оңдолушу", "outlet": "Азаттык", "requester_name": "Гүлнара Өмүрова",
      "question": "Качан бүтөт?"}
UK = {"subject": "Ремонт мосту", "outlet": "Суспільне", "requester_name": "Ігор Мʼякота",
      "question": "Чи з'їдять кошти на м'ясо?"}
RU = {"subject": "Тарифы на проезд", "outlet": "24.kg", "requester_name": "Анна Ёлкина",
      "question": "Повысят ли тарифы?"}


def found(as_: Any, user: str, path: str, **params: Any) -> list[Any]:
    response = as_(user).get(path, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def case_keys(as_: Any, user: str = "pr", **params: Any) -> list[str]:
    return [c["business_key"] for c in found(as_, user, "/api/v1/process-instances", **params)]


def task_keys(as_: Any, user: str = "pr", **params: Any) -> list[str]:
    return [t["business_key"] for t in found(as_, user, "/api/v1/tasks", **params)]


@pytest.fixture
def three(as_: Any, deployed: None, clock: Any) -> dict[str, dict[str, Any]]:
    """Three cases registered a day apart (their deadlines are a working day or more apart)."""
    cases = {}
    for lang, data in (("ky", KY), ("uk", UK), ("ru", RU)):
        cases[lang] = start(as_, **data)
        clock.advance(days=1)
    return cases


@pytest.mark.parametrize(("words", "lang"), [
    ("көпүрө", "ky"),            # a Kyrgyz word's beginning finds its longer forms
    ("ӨМҮРОВА", "ky"),           # capitals of Kyrgyz letters
    ("азаттык", "ky"),           # by outlet
    ("з’їдять", "uk"),           # Ukrainian apostrophe, another apostrophe sign
    ("мʼякота ігор", "uk"),      # by requester, both words, any order
    ("ёлкина", "ru"),            # Russian ё
    ("тарифы проезд", "ru"),
])
def test_words_in_every_script_find_their_case_in_both_lists(as_: Any, three: dict[str, Any], words: str,
                                                             lang: str) -> None:
    key = three[lang]["business_key"]
    assert case_keys(as_, q=words) == [key]
    assert task_keys(as_, q=words) == [key]


@pytest.mark.parametrize(("words", "matches"), [
    ("24", True),             # a word of two letters matches a whole word ("24.kg")
    ("2", False),             # ... and not the start of one
    ("тариф", True),          # three letters or more: the start of a word
    ("рифы", False),          # never the middle or the end of one
    ("тарифный", False),      # nor a longer word than the case holds
    ("%риф", False),          # a LIKE wildcard is a separator, not "anything before"
    ("т_рифы", False),        # nor "any one letter": "т" and "рифы", neither the start of a word here
    ("тари%", True),          # "тари", the start of "тарифы"
])
def test_a_word_matches_as_a_whole_word_or_a_words_start_in_both_lists(as_: Any, three: dict[str, Any], words: str,
                                                                         matches: bool) -> None:
    """The inbox checks its open cases' words one by one, the cases list asks the index: the same words match."""
    expected = [three["ru"]["business_key"]] if matches else []
    assert case_keys(as_, q=words) == expected
    assert task_keys(as_, q=words) == expected


def test_the_tasks_one_completed_are_found_by_their_cases_words(as_: Any, three: dict[str, Any]) -> None:
    ru = three["ru"]
    complete(as_, "pr", ru["id"], "triage", handler="pr_department", contributors=[])
    assert task_keys(as_, status="completed", q="тарифы") == [ru["business_key"]]
    assert task_keys(as_, status="completed", q="мосту") == []


def test_the_registration_number_finds_its_case(as_: Any, three: dict[str, Any]) -> None:
    key = three["uk"]["business_key"]
    assert case_keys(as_, q=key) == [key]
    assert case_keys(as_, q="мост тарифы") == []  # every word must match


def test_the_index_follows_the_cases_data(as_: Any, three: dict[str, Any]) -> None:
    case = three["ru"]
    assert case_keys(as_, q="неизменны") == []
    complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    complete(as_, "pr", case["id"], "prepare_answer", answer="Тарифы останутся неизменными.",
             confirm_no_confidential=True, refuse=False)
    assert case_keys(as_, q="неизменны") == [case["business_key"]]


def test_sorted_by_case_number_and_by_due_both_ways(as_: Any, three: dict[str, Any]) -> None:
    keys = sorted(c["business_key"] for c in three.values())
    assert case_keys(as_, sort="case") == keys
    assert case_keys(as_, sort="-case") == keys[::-1]
    assert task_keys(as_, sort="case") == keys
    assert task_keys(as_, sort="-case") == keys[::-1]
    assert case_keys(as_, sort="due") == keys
    assert case_keys(as_, sort="-due") == keys[::-1]
    assert task_keys(as_, sort="due") == keys and task_keys(as_, sort="-due") == keys[::-1]


def test_filters_by_unit_assignee_and_due_window(as_: Any, three: dict[str, Any]) -> None:
    ky = three["ky"]
    complete(as_, "pr", ky["id"], "triage", handler="press_secretary", unit="transport", contributors=[])
    assert case_keys(as_, unit="transport") == [ky["business_key"]]
    assert ky["business_key"] not in task_keys(as_, assignee="nobody")  # now the press secretary's
    assert task_keys(as_, "ps_transport", assignee="nobody") == [ky["business_key"]]
    assert task_keys(as_, "ps_transport", assignee="me") == []
    assert case_keys(as_, due="overdue") == [] and task_keys(as_, due="overdue") == []
    assert case_keys(as_, due_from="2020-01-01", due_to="2020-01-31") == []


def test_a_search_never_finds_a_case_its_reader_may_not_read(as_: Any, three: dict[str, Any]) -> None:
    ky = three["ky"]
    assert case_keys(as_, "ps_health", q="көпүрө") == []
    assert task_keys(as_, "ps_health", q="көпүрө") == []
    complete(as_, "pr", ky["id"], "triage", handler="press_secretary", unit="health", contributors=[])
    assert case_keys(as_, "ps_health", q="көпүрө") == [ky["business_key"]]
    assert case_keys(as_, "ps_transport", q="көпүрө") == []


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/api/v1/tasks", {"sort": "colour"}, "sort"),
    ("/api/v1/process-instances", {"sort": "-assignee"}, "sort"),
    ("/api/v1/process-instances", {"due": "tomorrow"}, "due"),
    ("/api/v1/tasks", {"unit": "nowhere"}, "unit"),
    ("/api/v1/tasks", {"assignee": "ghost"}, "assignee"),
    ("/api/v1/process-instances", {"due_from": "2026-05-02", "due_to": "2026-05-01"}, "due_to"),
    ("/api/v1/process-instances", {"q": "ж" * 201}, "q"),
])
def test_unknown_sort_or_filter_is_refused_naming_the_field(as_: Any, deployed: None, path: str,
                                                            params: dict[str, str], field: str) -> None:
    response = as_("pr").get(path, query_string=params)
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json()["errors"])


def test_a_corrected_subject_is_found_by_its_new_words_only(as_: Any, three: dict[str, Any], sessions: Any) -> None:
    """What a step does when a task corrects the subject (engine.runtime.steps.save): the case's words follow its
    data, the old ones go."""
    from db.models import ProcessInstance
    from engine.runtime import case_words

    case = three["uk"]
    with sessions.begin() as session:
        instance = session.get(ProcessInstance, case["id"])
        instance.data = instance.data | {"subject": "Ремонт тунелю"}
        session.execute(case_words.statement(session), case_words.parameters(instance))
    assert case_keys(as_, q="тунелю") == [case["business_key"]]
    assert case_keys(as_, q="мосту") == []


def completed_count(sessions: Any, clock: Any, user: str, **find: Any) -> tuple[int, int]:
    """The inbox's count of the tasks `user` completed, and whether they completed more than it counted among."""
    from sqlalchemy import select

    from db.models import User
    from engine.reads import queries

    with sessions() as session:
        reader = session.scalars(select(User).where(User.username == user)).one()
        counts = queries.inbox_counts(session, reader, now=clock.now(), **find)
        return counts["completed"], counts["completed_beyond"]


def test_the_tasks_one_completed_are_counted_among_ones_latest_with_and_without_words(
        as_: Any, three: dict[str, Any], sessions: Any, clock: Any, monkeypatch: Any) -> None:
    """The inbox counts one's completed tasks on every page, among one's latest COMPLETED_COUNTED_UP_TO (by case,
    newest first), and says whether there were more (issue 19, point 4: all one ever completed is 222,224 tasks at
    1,000,000 finished cases); within the bound the count is exact, with the page's words as without."""
    from engine.reads import queries

    for case in three.values():  # ky, uk, ru: ru is the newest case
        complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 3)
    assert completed_count(sessions, clock, "pr") == (3, 0)
    assert completed_count(sessions, clock, "pr", q="тарифы") == (1, 0)
    assert completed_count(sessions, clock, "pr", q="мосту") == (1, 0)
    assert completed_count(sessions, clock, "pr", q="тунелю") == (0, 0)
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 1)
    assert completed_count(sessions, clock, "pr") == (1, 1)  # at least one: counting stopped there
    assert completed_count(sessions, clock, "pr", q="тарифы") == (1, 1)  # the newest case's task
    assert completed_count(sessions, clock, "pr", q="көпүрө") == (0, 1)  # the oldest: beyond, "at least 0"


def test_the_count_of_ones_completed_tasks_reads_the_latest_from_the_index_and_their_cases_by_key(
        as_: Any, three: dict[str, Any], sessions: Any, clock: Any) -> None:
    """One's latest completed tasks are read backwards from ix_human_tasks_completed_by (completed_by_id, status,
    instance_id, id: migrations 0027, 0029) alone, without the tasks' rows nor a sort, and each one's case words by
    key: the cost follows the bound, not all one ever completed nor every case that holds the words
    (tests/perf/bench_inbox.py)."""
    from sqlalchemy import select

    from db.models import User
    from engine.reads import queries

    complete(as_, "pr", three["ru"]["id"], "triage", handler="pr_department", contributors=[])
    with sessions() as session:
        reader = session.scalars(select(User).where(User.username == "pr")).one()
        with sent_to(session.get_bind()) as sent:
            assert queries.inbox_counts(session, reader, now=clock.now(), q="тарифы")["completed"] == 1
        [(statement, parameters)] = [(s, p) for s, p in sent if "completed_by_id" in s and "count" in s]
        shown = plan_at_scale(session, statement, parameters)
        if session.get_bind().dialect.name == "postgresql":
            assert "Index Only Scan Backward using ix_human_tasks_completed_by" in shown, shown
            assert "Index Scan using pk_case_words on case_words" in shown, shown
        else:
            assert ("SEARCH human_tasks USING COVERING INDEX ix_human_tasks_completed_by "
                    "(completed_by_id=? AND status=?)") in shown, shown
            assert "SEARCH case_words USING INTEGER PRIMARY KEY (rowid=?)" in shown, shown
            assert "TEMP B-TREE" not in shown, shown


def completed_page(as_: Any, user: str = "pr", **params: Any) -> tuple[list[str], int, bool]:
    response = as_(user).get("/api/v1/tasks", query_string={"status": "completed", **params})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return [t["business_key"] for t in body["items"]], body["total"], body["beyond"]


def test_the_completed_tab_lists_ones_latest_completed_tasks_and_says_when_there_are_older_ones(
        as_: Any, three: dict[str, Any], sessions: Any, clock: Any, monkeypatch: Any) -> None:
    """The tab of one's completed tasks lists, as it counts, one's latest COMPLETED_COUNTED_UP_TO completed tasks
    (by case, newest first) that its filters keep, its words and its order applied among them, and says `beyond`
    when one completed more (issue 19, point 4: a search or a sort over all one ever completed grows with the
    archive). The list and the tab's count agree."""
    from engine.reads import queries

    for case in three.values():  # ky, uk, ru: ru is the newest case
        complete(as_, "pr", case["id"], "triage", handler="pr_department", contributors=[])
    ky, uk, ru = (three[lang]["business_key"] for lang in ("ky", "uk", "ru"))
    assert completed_page(as_) == ([ky, uk, ru], 3, False)  # earliest due first: all three within the bound
    assert completed_page(as_, q="мосту") == ([uk], 1, False)
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 2)
    assert completed_page(as_) == ([uk, ru], 2, True)  # the two newest cases' tasks, earliest due first
    assert completed_page(as_, sort="-due") == ([ru, uk], 2, True)
    assert completed_page(as_, sort="case") == (sorted([uk, ru]), 2, True)
    assert completed_page(as_, q="мосту") == ([uk], 1, True)
    assert completed_page(as_, q="көпүрө") == ([], 0, True)  # the oldest case's task is beyond: found in the cases
    assert case_keys(as_, q="көпүрө") == [ky]
    assert completed_page(as_, per_page=1) == ([uk], 2, True)  # a full page counts what the window holds
    assert completed_page(as_, per_page=1, page=2) == ([ru], 2, True)
    # A filter narrows the tasks the window is taken from: one's latest that it keeps.
    assert completed_page(as_, instance_id=three["ky"]["id"]) == ([ky], 1, False)
    for words in ("", "мосту", "көпүрө"):
        keys, total, beyond = completed_page(as_, q=words)
        assert completed_count(sessions, clock, "pr", q=words) == (total, int(beyond)), words
    # The open lists hold every open task: never beyond, whatever the bound.
    monkeypatch.setattr(queries, "COMPLETED_COUNTED_UP_TO", 0)
    open_list = as_("pr").get("/api/v1/tasks").get_json()
    assert (open_list["total"], open_list["beyond"]) == (3, False)
    assert completed_page(as_) == ([], 0, True)


def test_the_completed_tab_reads_ones_latest_tasks_backwards_from_the_index_then_each_by_key(
        as_: Any, three: dict[str, Any], sessions: Any, clock: Any) -> None:
    """The completed tab's page and its count read one's latest tasks backwards from ix_human_tasks_completed_by
    (completed_by_id, status, instance_id, id: migration 0029) alone, at most COMPLETED_COUNTED_UP_TO entries, then
    each task by its key and
    its case's words by key: the cost follows the bound, not all one ever completed nor every case holding a word
    (tests/perf/bench_inbox.py: seconds at 1,000,000 finished cases before)."""
    from sqlalchemy import select

    from db.models import User
    from engine.reads import queries

    complete(as_, "pr", three["ru"]["id"], "triage", handler="pr_department", contributors=[])
    with sessions() as session:
        reader = session.scalars(select(User).where(User.username == "pr")).one()
        with sent_to(session.get_bind()) as sent:
            page = queries.inbox(session, reader, now=clock.now(), status="completed", q="тарифы", sort="-created",
                                 per_page=1)
        assert ([task.instance_id for task in page.items], page.total, page.beyond) == ([three["ru"]["id"]], 1, False)
        sent = [(s, p) for s, p in sent if "completed_by_id" in s]
        assert len(sent) == 3  # the page, its count (the page was full), whether there are older ones
        for statement, parameters in sent:
            shown = plan_at_scale(session, statement, parameters)
            if session.get_bind().dialect.name == "postgresql":
                assert "Index Only Scan Backward using ix_human_tasks_completed_by" in shown, shown
                assert "Seq Scan on human_tasks" not in shown, shown
            else:
                assert ("USING COVERING INDEX ix_human_tasks_completed_by (completed_by_id=? AND status=?)"
                        in shown), shown
                assert "SCAN human_tasks" not in shown, shown
