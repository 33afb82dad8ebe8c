"""A package built and installed without `make` (as pip, a container build or a package manager installs it) shows
its pages in every language: the wheel carries the compiled catalogs, and the app compiles one that went missing.

The wheel is built from the repository's files alone (no `.mo` a `make catalogs` left behind), installed into a
fresh virtual environment that borrows the test environment's dependencies (a `.pth` line, so nothing is
downloaded but the build's own requirements), and run from outside the source tree, so the checkout cannot be
imported in its place."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

from engine.core.settings import BABEL_LOCALE, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
# What the sign-in page says in English, looked up in each language's catalog.
WORDS = ("Sign in", "Password")

# Run by the installed environment's Python: the sign-in page in each language, through the installed app.
READ_PAGES = """
import json, sys, tempfile
from pathlib import Path
import api
from api import create_app
from engine.core.settings import LANGUAGES, Settings
folder = Path(tempfile.mkdtemp())
app = create_app({"SETTINGS": Settings(database_url=f"sqlite:///{folder}/jarchy.db", secret_key="k" * 32,
                                       var_dir=folder), "TESTING": True})
client, pages = app.test_client(), {}
for code in LANGUAGES:
    with client.session_transaction() as chosen:
        chosen["locale"] = code
    pages[code] = client.get("/sign-in").get_data(as_text=True)
json.dump({"api": api.__file__, "pages": pages}, sys.stdout)
"""


def translation(code: str, msgid: str) -> str:
    folder = BABEL_LOCALE.get(code, code)
    with (ROOT / "api" / "translations" / folder / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)[msgid].string or msgid  # English keeps its msgid


def repository_copy(target: Path) -> Path:
    """The files git knows (tracked and new, not ignored): what a clone or a source archive holds."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def installed(wheel: Path, venv: Path) -> Path:
    """A fresh environment with the wheel installed, the test environment's packages borrowed; its Python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # A plain path: the test environment's own .pth files (the editable install of the checkout) are not run.
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--ignore-installed", str(wheel)], check=True, capture_output=True)
    return python


def read_pages(python: Path, cwd: Path) -> dict[str, object]:
    ran = subprocess.run([str(python), "-I", "-c", READ_PAGES], cwd=cwd, capture_output=True, text=True,
                         timeout=120)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)  # type: ignore[no-any-return]


def test_a_wheel_built_without_make_shows_the_sign_in_page_in_every_language(tmp_path: Path) -> None:
    source = repository_copy(tmp_path / "source")
    assert not list(source.glob("api/translations/*/LC_MESSAGES/*.mo"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("jarchy-*.whl"))
    carried = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".mo")}
    assert carried == {f"api/translations/{BABEL_LOCALE.get(code, code)}/LC_MESSAGES/messages.mo"
                       for code in LANGUAGES}

    python = installed(wheel, tmp_path / "venv")
    package = Path(subprocess.run([str(python), "-I", "-c", "import api; print(api.__file__)"], capture_output=True,
                                  text=True, check=True).stdout.strip()).parent
    # The second line of defence: a catalog lost after the install (or never built) is compiled at start-up.
    lost = package / "translations" / BABEL_LOCALE.get(LANGUAGES[0], LANGUAGES[0]) / "LC_MESSAGES" / "messages.mo"
    lost.unlink()

    answer = read_pages(python, tmp_path)
    assert Path(str(answer["api"])).is_relative_to(tmp_path / "venv"), "the installed package ran, not the checkout"
    pages = answer["pages"]
    assert isinstance(pages, dict)
    for code in LANGUAGES:
        for word in WORDS:
            expected = translation(code, word)
            assert code == "en" or expected != word, f"{code} has no translation of {word!r}"
            assert expected in pages[code], f"the {code} sign-in page lacks {expected!r}"
    assert lost.exists()
