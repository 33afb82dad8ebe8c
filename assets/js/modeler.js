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
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

const ERROR_MARKER = "jarchy-error";

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
    propertiesPanel: { parent: root.querySelector("[data-properties]") },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      { translate: ["value", translator(JSON.parse(root.dataset.bpmnMessages || "{}"))] },
    ],
    moddleExtensions: { camunda: camundaModdleDescriptors },
  });
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

  async function deploy() {
    const { xml } = await modeler.saveXML({ format: true });
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
    const { xml } = await modeler.saveXML({ format: true });
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
