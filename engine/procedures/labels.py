"""A diagram's words in every interface language: the names and documentation of its elements.

English is the source text, in each element's own `name` (and `bpmn:documentation`); every other language of
`engine.core.settings.LANGUAGES` is an extension element of the element, in Jarchy's namespace:

    <bpmn:extensionElements>
      <jarchy:label lang="ru">Рассмотреть нарушение</jarchy:label>
      <jarchy:documentation lang="ru">…</jarchy:documentation>
    </bpmn:extensionElements>

Why there (docs/diagrams.md): the translation travels with the element it names, in the file an administrator
downloads, edits and deploys; bpmn-js keeps it through import and export (assets/js/jarchy-moddle.json describes
it to the modeler); SpiffWorkflow's parsers read only their own extensions and ignore it. A label is kept per
version with the rest of the diagram, so a task renamed in a new version has its new name in every language.

Lanes are not labelled: a lane's name is a role key, shown as the role's label in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.core.settings import LANGUAGES
from engine.spiff.parser import parse_xml

JARCHY_NS = "http://jarchy.org/schema/1.0/bpmn"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
JARCHY = "{" + JARCHY_NS + "}"
SOURCE_LANGUAGE = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Named elements people never read by their name: lanes (role keys, shown by the role's label), messages, errors
# and signals (matched by name), and data (named by the variables they carry).
UNSHOWN = {f"{BPMN}{tag}" for tag in ("definitions", "lane", "message", "error", "signal", "escalation",
                                       "dataInput", "dataOutput", "dataObject", "dataObjectReference",
                                       "dataStoreReference", "category", "categoryValue")}


def translated_languages() -> tuple[str, ...]:
    """The languages a diagram carries labels for: every interface language but the source's."""
    return tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


def shown_elements(root: etree._Element) -> list[etree._Element]:
    """The elements whose name a person reads: the process, the pool, tasks, events, gateways, named flows."""
    return [node for node in root.iter(f"{BPMN}*")
            if node.tag not in UNSHOWN and node.get("id") and (node.get("name") or "").strip()]


def _own(node: etree._Element, tag: str) -> dict[str, str]:
    """The texts of one kind (`label`, `documentation`) an element carries, by language."""
    found = {}
    for item in node.iterfind(f"{BPMN}extensionElements/{JARCHY}{tag}"):
        lang, text = item.get("lang"), (item.text or "").strip()
        if lang in LANGUAGES and lang != SOURCE_LANGUAGE and text:
            found[lang] = text
    return found


def _documentation(node: etree._Element) -> etree._Element | None:
    """The element's own English `bpmn:documentation` (its first: the one bpmn-js shows and edits)."""
    return node.find(f"{BPMN}documentation")


def read(root: etree._Element) -> dict[str, Any]:
    """What the version keeps: each shown element's English name and its names in other languages, its English
    documentation and the documentation's translations where the diagram has them (so that a page shows a step's
    documentation without parsing the diagram again)."""
    names, labels, english, documentation = {}, {}, {}, {}
    for node in shown_elements(root):
        element_id = node.get("id")
        names[element_id] = node.get("name").strip()
        if own := _own(node, "label"):
            labels[element_id] = own
        doc = _documentation(node)
        if doc is not None and (text := (doc.text or "").strip()):
            english[element_id] = text
        if own := _own(node, "documentation"):
            documentation[element_id] = own
    return {"element_names": names, "labels": labels, "element_documentation": english,
            "documentation_labels": documentation}


def missing(meta: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Per language, the shown elements that have no name in it (`{"id", "name"}`, in the diagram's order);
    a version deployed before diagrams carried labels lacks them all."""
    names = meta.get("element_names", {})
    labels = meta.get("labels", {})
    return {lang: [{"id": element_id, "name": name} for element_id, name in names.items()
                   if lang not in labels.get(element_id, {})]
            for lang in translated_languages()}


def missing_documentation(meta: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Per language, the shown elements whose English documentation has no translation in it (`{"id", "name"}`,
    English name, in the diagram's order). A version deployed before the version kept its English documentation
    (`element_documentation`) lists none: what it documents is not known without its diagram."""
    names = meta.get("element_names", {})
    translated = meta.get("documentation_labels", {})
    return {lang: [{"id": element_id, "name": names.get(element_id, element_id)}
                   for element_id in meta.get("element_documentation", {})
                   if lang not in translated.get(element_id, {})]
            for lang in translated_languages()}


@dataclass(frozen=True)
class Documentation:
    """An element's documentation as a reader is shown it: `lang` is the language `text` is in, which is English
    where the diagram has no translation into the reader's."""

    text: str
    lang: str


def documentation_of(meta: dict[str, Any], element_id: str, lang: str) -> Documentation | None:
    """The element's documentation in `lang`, else in English; None where the version keeps none (an element
    without documentation, or a version deployed before versions kept it)."""
    if lang != SOURCE_LANGUAGE and (text := meta.get("documentation_labels", {}).get(element_id, {}).get(lang)):
        return Documentation(text, lang)
    if english := meta.get("element_documentation", {}).get(element_id):
        return Documentation(english, SOURCE_LANGUAGE)
    return None


def names_of(meta: dict[str, Any], element_id: str) -> dict[str, str]:
    """Every name the diagram gives the element, by language (an inbox row keeps them)."""
    return dict(meta.get("labels", {}).get(element_id, {}))


def localized(xml: bytes, lang: str, *, lane_label: Callable[[str], Any],
              fallback: Callable[[str], Any] = str) -> bytes:
    """The diagram with each shown element's `name` in `lang` (the diagram's label, else `fallback(English)`), its
    documentation in `lang` where the diagram has it (else the English), marked with the language it is in
    (`xml:lang`), and each lane named by `lane_label(role key)`: what the case page's viewer draws."""
    root = parse_xml(xml)
    for node in shown_elements(root):
        text = _own(node, "label").get(lang) if lang != SOURCE_LANGUAGE else None
        node.set("name", text or str(fallback(node.get("name").strip())))
        doc = _documentation(node)
        if doc is not None and (doc.text or "").strip():
            own = _own(node, "documentation").get(lang) if lang != SOURCE_LANGUAGE else None
            doc.text = own or doc.text.strip()
            doc.set(XML_LANG, lang if own else SOURCE_LANGUAGE)
    for lane in root.iter(f"{BPMN}lane"):
        if key := (lane.get("name") or "").strip():
            lane.set("name", str(lane_label(key)))
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
