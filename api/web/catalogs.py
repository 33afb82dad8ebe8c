"""Compiled language catalogs: each `translations/<locale>/LC_MESSAGES/messages.po` beside its `messages.mo`.

Flask-Babel reads only the compiled `.mo`. The package's build compiles them (`setup.py`, which loads this file by
its path, so it imports nothing but Babel and the standard library), `make catalogs` compiles them in a checkout,
and the app compiles at start-up any that is missing or older than its `.po` (an install that skipped both), so no
install shows its pages in English alone.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)
_reported: set[Path] = set()  # folders already reported as not writable, so a process says it once


def catalogs(folder: Path) -> list[Path]:
    """The `.po` files of the catalogs under `folder` (the `translations` folder)."""
    return sorted(folder.glob("*/LC_MESSAGES/messages.po"))


def is_stale(po: Path) -> bool:
    """Whether the `.mo` beside `po` is missing or older than it."""
    mo = po.with_suffix(".mo")
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalog(po: Path, mo: Path | None = None) -> Path:
    """Compiles `po` into `mo` (beside it by default); the file is replaced whole, so a process reading it meanwhile
    (another worker starting) reads the old catalog or the new one, never half of one. Fuzzy messages stay out."""
    mo = mo or po.with_suffix(".mo")
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name)
    handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the catalog from a server running as another user
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return mo


def compile_stale(folder: Path) -> list[Path]:
    """Compiles every catalog under `folder` whose `.mo` is missing or stale; returns the `.mo` files written.

    Where the folder cannot be written (a package installed read-only), logs it once per process and leaves the
    catalogs as they are: the pages then show those languages' messages in English."""
    written: list[Path] = []
    for po in catalogs(folder):
        if not is_stale(po):
            continue
        try:
            written.append(compile_catalog(po))
        except OSError as exc:
            if folder not in _reported:
                _reported.add(folder)
                log.warning("The language catalogs in %s are not compiled and cannot be compiled there (%s): "
                            "pages in those languages show English. Install a built package or run `make catalogs`.",
                            folder, exc)
    return written
