"""The package's own build step (the metadata is in pyproject.toml): the wheel carries the compiled language catalogs.

Flask-Babel reads only `.mo` files, and the repository keeps only the `.po` sources, so a package built without this
step (by pip, a container build or a package manager, none of which runs `make`) would show every page in English.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _catalogs_module() -> ModuleType:
    # Loaded by its path: importing it as `api.web.catalogs` would import the app's packages (Flask and the rest),
    # which the build's environment does not have. The module itself needs only Babel (a build requirement).
    spec = importlib.util.spec_from_file_location("_jarchy_catalogs", ROOT / "api" / "web" / "catalogs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogs(build_py):
    """Copies the packages as usual, then compiles each `api/translations/*/LC_MESSAGES/messages.po` beside its copy
    (in the source tree for an editable install, which reads the catalogs from there)."""

    def run(self) -> None:
        super().run()
        catalogs = _catalogs_module()
        target = ROOT if self.editable_mode else Path(self.build_lib)
        for po in catalogs.catalogs(ROOT / "api" / "translations"):
            mo = target / po.relative_to(ROOT).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            catalogs.compile_catalog(po, mo)
            self.announce(f"compiled {mo.relative_to(target)}", level=2)


setup(cmdclass={"build_py": BuildWithCatalogs})
