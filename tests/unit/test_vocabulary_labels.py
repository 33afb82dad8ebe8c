"""The stored words (db.vocabulary) and the pages' labels of them: a word the pages show has a label, a label is a
word's, and a vocabulary is either labelled or said never to be shown. No database: the enums and the dicts."""

from __future__ import annotations

from enum import StrEnum

import pytest
from flask import Flask
from flask_babel import Babel

from api.web.i18n import event_label, label
from api.web.vocabulary import LABELLED, UNLABELLED
from db import vocabulary
from db.vocabulary import EventType, InstanceStatus, TaskStatus

VOCABULARIES = sorted((v for v in vars(vocabulary).values()
                       if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum),
                      key=lambda v: v.__name__)


def test_every_vocabulary_is_labelled_or_said_never_to_be_shown() -> None:
    labelled, unlabelled = {v.__name__ for v in LABELLED}, {v.__name__ for v in UNLABELLED}
    assert not labelled & unlabelled
    assert labelled | unlabelled == {v.__name__ for v in VOCABULARIES}


@pytest.mark.parametrize("words", list(LABELLED), ids=lambda v: v.__name__)
def test_every_word_has_a_label_and_every_label_is_a_word(words: type[StrEnum]) -> None:
    labels = LABELLED[words]
    # Keyed by the members themselves, not by equal strings or another vocabulary's members ("completed").
    assert [key for key in labels if type(key) is not words] == []
    assert [member.value for member in words if member not in labels] == []


@pytest.fixture
def english() -> Flask:
    app = Flask(__name__)
    Babel(app)
    return app


def test_the_labels_read_as_before(english: Flask) -> None:
    """The words read as the value made readable, as they did before they were keyed by the members."""
    with english.test_request_context():
        assert event_label("task.completed") == "Task completed"
        assert event_label(EventType.SIGN_IN_FAILED) == "Sign in failed"
        assert event_label(EventType.START_TIMER_FAILED) == "Start timer failed"
        assert event_label(EventType.TASK_REROUTED) == "Task rerouted"
        assert [label(s) for s in InstanceStatus] == ["Running", "Completed", "Cancelled", "Failed"]
        assert label(TaskStatus.OPEN) == "Open" and label("cancelled") == "Cancelled"


def test_an_event_type_no_member_names_is_still_shown(english: Flask) -> None:
    """A row written around the application (by hand) keeps a readable name on the auditor's page."""
    with english.test_request_context():
        assert event_label("task.archived") == "Task archived"
