"""The start-up compilation of the language catalogs (api.web.catalogs), where it cannot write: the operator reads
once in the log why the pages show English, and the server starts all the same."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from api.web import catalogs

TRANSLATIONS = Path(__file__).resolve().parents[2] / "api" / "translations"


def test_catalogs_that_cannot_be_compiled_are_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    for language in ("ky", "ru"):
        (tmp_path / language / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", tmp_path / language / "LC_MESSAGES")

    def read_only(po: Path, mo: Path | None = None) -> Path:
        raise PermissionError(13, "Permission denied", str(po.with_suffix(".mo")))

    monkeypatch.setattr(catalogs, "compile_catalog", read_only)
    with caplog.at_level(logging.WARNING, logger=catalogs.__name__):
        assert catalogs.compile_stale(tmp_path) == []
        assert catalogs.compile_stale(tmp_path) == []  # a second app in the same process
    assert len(caplog.records) == 1 and str(tmp_path) in caplog.messages[0]
    assert "English" in caplog.messages[0]

    monkeypatch.undo()
    written = catalogs.compile_stale(tmp_path)
    assert [mo.parent.parent.name for mo in written] == ["ky", "ru"] and not catalogs.is_stale(written[0])
