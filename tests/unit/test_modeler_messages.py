"""The modeler's interface texts: collected from the npm packages the modeler bundles, then translated."""

from __future__ import annotations

import json
from pathlib import Path

from api.web import modeler_messages

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def test_the_list_holds_what_the_installed_packages_translate() -> None:
    assert (NODE_MODULES / "bpmn-js").is_dir(), "node_modules is installed by `make install` (npm ci)"
    listed = json.loads(modeler_messages.LIST.read_text(encoding="utf-8"))
    collected = modeler_messages.collect(NODE_MODULES)
    assert listed == collected, "run `make extract-messages`: the packages' texts changed " + repr(
        sorted(set(collected) ^ set(listed))[:10])
    # The palette, the context pad and the properties panel all speak through translate().
    assert {"Activate hand tool", "Append task", "General", "Documentation", "Name"} <= set(listed)


def test_template_literals_and_punctuation_are_not_texts() -> None:
    listed = modeler_messages.messages()
    assert not [m for m in listed if "${" in m or not any(c.isalpha() for c in m)]
