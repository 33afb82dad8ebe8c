// The administrators' modeler: bpmn-js's Modeler with the Camunda 7 properties panel (the attributes the
// engine reads, docs/diagrams.md). It opens a deployed version (or an empty diagram, or a .bpmn file the
// admin uploads), deploys what is on the canvas through the admin page's JSON endpoint, and shows a rejected
// deploy's problems on the diagram (marker + overlay at each offending element) and as a list.
import BpmnModeler from "bpmn-js/lib/Modeler";
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from "bpmn-js-properties-panel";
import camundaModdleDescriptors from "camunda-bpmn-moddle/resources/camunda.json";
import jarchyModdleDescriptors from "./jarchy-moddle.json";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

const ERROR_MARKER = "jarchy-error";
const SOURCE = "en"; // the language of the elements' own `name`; the others are jarchy:label extension elements
const LABEL = "jarchy:Label";

// The names of a diagram in every interface language (docs/diagrams.md, Labels in every language). The canvas and
// the properties panel show and edit one language at a time; switching keeps what was typed in the one left, and
// saving writes the English source into `name` and every other language into the element's jarchy:label.
function labelEditor(modeler, languages) {
  const registry = modeler.get("elementRegistry");
  const modeling = modeler.get("modeling");
  const moddle = modeler.get("moddle");
  let texts = new Map(); // business object -> {language: name}
  let shown = new Map(); // business object -> the name put on the canvas when the language was last chosen
  let current = SOURCE;

  // Every element a person reads by its name, with the shape that draws it (null for a pool's process). Lanes are
  // left out: their name is a role key, shown to staff as the role's label.
  function named() {
    const found = new Map();
    for (const element of registry.getAll()) {
      const bo = element.businessObject;
      if (!bo || element.type === "label" || bo.$instanceOf("bpmn:Lane") || bo.$instanceOf("bpmn:Collaboration")) continue;
      if (!bo.$instanceOf("bpmn:FlowElement") && !bo.$instanceOf("bpmn:Participant") && !bo.$instanceOf("bpmn:Process")) continue;
      if (!found.has(bo)) found.set(bo, element);
      if (bo.processRef && !found.has(bo.processRef)) found.set(bo.processRef, null);
    }
    return found;
  }

  function own(bo) {
    const byLanguage = { [SOURCE]: bo.name || "" };
    for (const value of (bo.extensionElements && bo.extensionElements.values) || []) {
      if (value.$instanceOf(LABEL) && languages.includes(value.lang) && value.value) byLanguage[value.lang] = value.value;
    }
    return byLanguage;
  }

  function reset() {
    texts = new Map();
    shown = new Map();
    current = SOURCE;
    for (const bo of named().keys()) {
      texts.set(bo, own(bo));
      shown.set(bo, bo.name || "");
    }
  }

  // What was typed in the current language since it was chosen becomes that language's name.
  function capture() {
    for (const bo of named().keys()) {
      const now = bo.name || "";
      if (!texts.has(bo)) texts.set(bo, { [SOURCE]: now }); // drawn since: its first name is also the source's
      if (now !== shown.get(bo)) texts.get(bo)[current] = now;
      shown.set(bo, now);
    }
  }

  function show(language) {
    capture();
    current = language;
    for (const [bo, element] of named()) {
      const byLanguage = texts.get(bo);
      const wanted = byLanguage[language] || byLanguage[SOURCE] || "";
      if ((bo.name || "") !== wanted) {
        if (element) modeling.updateProperties(element, { name: wanted || undefined });
        else bo.name = wanted || undefined;
      }
      shown.set(bo, bo.name || "");
    }
    // Undoing across a switch would put one language's names under another's: each language starts a new history.
    modeler.get("commandStack").clear();
  }

  // Runs `save` with the business objects as the file keeps them (English names, a jarchy:label a language),
  // then puts the current language's names back.
  async function asSaved(save) {
    capture();
    const onCanvas = new Map();
    for (const [bo, byLanguage] of texts) {
      onCanvas.set(bo, bo.name);
      bo.name = byLanguage[SOURCE] || undefined;
      const labels = languages.filter((l) => l !== SOURCE && byLanguage[l])
        .map((l) => moddle.create(LABEL, { lang: l, value: byLanguage[l] }));
      let extensions = bo.extensionElements;
      const others = ((extensions && extensions.values) || []).filter((v) => !v.$instanceOf(LABEL));
      if (!extensions && labels.length) {
        extensions = moddle.create("bpmn:ExtensionElements", { values: [] });
        extensions.$parent = bo;
        bo.extensionElements = extensions;
      }
      if (extensions) {
        labels.forEach((label) => { label.$parent = extensions; });
        extensions.values = [...others, ...labels];
      }
    }
    try {
      return await save();
    } finally {
      for (const [bo, name] of onCanvas) bo.name = name;
    }
  }

  return { reset, show, asSaved, current: () => current };
}

function emptyDiagram(name) {
  const escaped = name.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_new_procedure"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="new_procedure" name="${escaped}" isExecutable="true">
    <bpmn:startEvent id="start" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_new_procedure">
    <bpmndi:BPMNPlane id="BPMNPlane_new_procedure" bpmnElement="new_procedure">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// bpmn-js's translate service, replaced: the page's language from the catalogs (api/web/modeler_messages.py),
// the English text where the catalog has none; bpmn-js's own {placeholders} are kept where not given.
function translator(translations) {
  return (template, replacements = {}) =>
    (translations[template] || template).replace(/\{([^}]+)\}/g, (whole, name) =>
      name in replacements ? String(replacements[name]) : whole);
}

function setup(root) {
  const messages = JSON.parse(root.dataset.messages || "{}");
  const status = document.getElementById("modeler-status");
  const problems = document.getElementById("modeler-problems");
  const problemList = problems.querySelector("ul");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  const modeler = new BpmnModeler({
    container: root.querySelector("[data-canvas]"),
    propertiesPanel: { parent: root.querySelector("[data-properties-panel]") },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      { translate: ["value", translator(JSON.parse(root.dataset.bpmnMessages || "{}"))] },
    ],
    moddleExtensions: { camunda: camundaModdleDescriptors, jarchy: jarchyModdleDescriptors },
  });
  const languageChoice = root.querySelector("[data-label-language]");
  const labels = labelEditor(modeler, [...languageChoice.options].map((option) => option.value));
  const canvas = modeler.get("canvas");
  const overlays = modeler.get("overlays");
  const registry = modeler.get("elementRegistry");
  const selection = modeler.get("selection");
  let marked = [];
  let dirty = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = kind ? `notice ${kind}` : "";
    status.hidden = !text;
  }

  function clearProblems() {
    marked.forEach((id) => canvas.removeMarker(id, ERROR_MARKER));
    marked = [];
    overlays.remove({ type: ERROR_MARKER });
    problemList.replaceChildren();
    problems.hidden = true;
  }

  function showProblems(errors) {
    clearProblems();
    for (const error of errors) {
      const item = document.createElement("li");
      const element = error.element_id ? registry.get(error.element_id) : null;
      if (element) {
        canvas.addMarker(element.id, ERROR_MARKER);
        marked.push(element.id);
        const note = document.createElement("div");
        note.className = "jarchy-error-note";
        note.textContent = error.message;
        overlays.add(element.id, ERROR_MARKER, { position: { bottom: -6, left: 0 }, html: note });
        const link = document.createElement("button");
        link.type = "button";
        link.className = "link";
        link.textContent = element.businessObject.name || element.id;
        link.addEventListener("click", () => {
          selection.select(element);
          canvas.scrollToElement(element);
        });
        item.append(link, ": ");
      } else if (error.element_id) {
        item.append(`${error.element_id}: `);
      }
      item.append(error.message);
      if (error.line) item.append(` (${format(messages.line, { line: error.line })})`);
      problemList.append(item);
    }
    problems.hidden = errors.length === 0;
  }

  async function open(xml) {
    clearProblems();
    try {
      const { warnings } = await modeler.importXML(xml);
      labels.reset();
      // The names first shown are the reader's language (the page's); the English source is one choice away.
      languageChoice.value = root.dataset.readerLanguage || SOURCE;
      if (languageChoice.value !== SOURCE) labels.show(languageChoice.value);
      canvas.zoom("fit-viewport");
      dirty = false;
      if (warnings.length) say(format(messages.warnings, { count: warnings.length }), "");
      root.dataset.ready = "true";
      return true;
    } catch (err) {
      say(`${messages.unreadable} ${err.message}`, "error");
      return false;
    }
  }

  function saved() {
    return labels.asSaved(() => modeler.saveXML({ format: true }));
  }

  async function deploy() {
    const { xml } = await saved();
    say(messages.deploying, "");
    let response;
    try {
      response = await fetch(root.dataset.deployUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/xml", "X-CSRFToken": csrf, Accept: "application/json" },
        body: xml,
      });
    } catch {
      say(messages.offline, "error");
      return;
    }
    const body = (response.headers.get("Content-Type") || "").includes("json") ? await response.json() : null;
    if (response.ok && body) {
      clearProblems();
      dirty = false;
      say(body.message, "ok");
      root.dataset.deployedVersion = String(body.version);
      return;
    }
    if (body && body.errors) {
      showProblems(body.errors.length ? body.errors : [{ message: body.detail }]);
      say(body.title, "error");
      return;
    }
    say(format(messages.refused, { status: response.status }), "error");
  }

  async function download() {
    const { xml } = await saved();
    const process = (modeler.getDefinitions().rootElements || []).find((e) => e.$type === "bpmn:Process");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
    link.download = `${process ? process.id : "diagram"}.bpmn`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  }

  modeler.on("commandStack.changed", () => {
    dirty = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  languageChoice.addEventListener("change", () => {
    const edited = dirty; // showing another language changes nothing to save
    labels.show(languageChoice.value);
    dirty = edited;
  });
  document.querySelector("[data-action=deploy]").addEventListener("click", deploy);
  document.querySelector("[data-action=download]").addEventListener("click", download);
  document.getElementById("modeler-upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    if (await open(await file.text())) say(format(messages.opened, { name: file.name }), "");
    event.target.value = "";
  });

  (async () => {
    if (!root.dataset.diagramUrl) {
      await open(emptyDiagram(root.dataset.newName || "New procedure"));
      return;
    }
    const response = await fetch(root.dataset.diagramUrl, { credentials: "same-origin" });
    if (!response.ok) {
      say(messages.unreadable, "error");
      return;
    }
    await open(await response.text());
  })();
}

document.querySelectorAll("[data-bpmn-modeler]").forEach(setup);
