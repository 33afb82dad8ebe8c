"""What the tests of the shipped diagrams share: parsing a diagram as the engine does, checking form
data with the engine's own form validation, and reading the drawing (BPMNDI)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from engine import forms
from engine.forms import load_form
from engine.parser import NS, JarchyParser, parse_xml

ROOT = Path(__file__).resolve().parents[1]
DI_NS = {
    **NS,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
# The units of the test cast (tests/conftest.py) and the default publication languages.
UNITS = frozenset({"transport", "health", "education"})
LANGUAGES = ("ky", "ru")
Box = tuple[float, float, float, float]

__all__ = ["DI_NS", "ROOT", "bounds", "check_form", "diagram_root", "inside", "load_form", "parse_specs"]


def parse_specs(diagram: Path, *called: Path) -> tuple[Any, dict[str, Any]]:
    """The spec of the diagram's process (named like its file) and the specs of its subprocesses and of
    the diagrams it calls."""
    parser = JarchyParser()
    for path in (diagram, *called):
        parser.add_bpmn_xml(parse_xml(path.read_bytes()), path.name)
    return parser.get_spec(diagram.stem), parser.get_subprocess_specs(diagram.stem)


def check_form(key: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The data as the engine stores it: defaults filled in, then validated with Jarchy's keywords."""
    schema = load_form(key)
    filled = forms.fill_defaults(schema, data, now)
    forms.validate(schema, filled, now=now, unit_exists=UNITS.__contains__, languages=LANGUAGES)
    return filled


def diagram_root(diagram: Path) -> etree._Element:
    return parse_xml(diagram.read_bytes())


def bounds(node: etree._Element) -> Box:
    b = node.find("dc:Bounds", DI_NS)
    assert b is not None
    return float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh
