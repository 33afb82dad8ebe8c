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
import { SelectEntry, isSelectEntryEdited } from "@bpmn-io/properties-panel";
import camundaModdleDescriptors from "camunda-bpmn-moddle/resources/camunda.json";
import jarchyModdleDescriptors from "./jarchy-moddle.json";
import { setPanelTranslate } from "jarchy:panel-translate";
import CamundaBehaviorsModule from "camunda-bpmn-js-behaviors/lib/camunda-platform";
import lintModule from "bpmn-js-bpmnlint";
import { Linter } from "bpmnlint";
import { packed } from "../lint/config.js";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

const ERROR_MARKER = "jarchy-error";
const SOURCE = "en"; // the language of the elements' own `name` and bpmn:documentation; the others are extensions
const LABEL = "jarchy:Label";
const DOCUMENTATION = "jarchy:Documentation";
const PLAIN = "text/plain";

// The bpmn:documentation of an element that the properties panel shows and edits: its plain-text one.
function plainDocumentation(bo) {
  return bo.get("documentation").find((doc) => (doc.textFormat || PLAIN) === PLAIN);
}

// Every business object of the diagram with the shape that draws it (null for a pool's process).
function everyElement(registry) {
  const found = new Map();
  for (const element of registry.getAll()) {
    const bo = element.businessObject;
    if (!bo || element.type === "label") continue;
    if (!found.has(bo)) found.set(bo, element);
    if (bo.processRef && !found.has(bo.processRef)) found.set(bo.processRef, null);
  }
  return found;
}

// What a person reads by its name. Lanes are left out: their name is a role key (laneRoles draws them).
function isNamed(bo) {
  return !bo.$instanceOf("bpmn:Lane") && !bo.$instanceOf("bpmn:Collaboration") &&
    (bo.$instanceOf("bpmn:FlowElement") || bo.$instanceOf("bpmn:Participant") || bo.$instanceOf("bpmn:Process"));
}

// The names and the documentation of a diagram in every interface language (docs/diagrams.md, Labels in every
// language). The canvas and the properties panel show and edit one language at a time: the panel's own Name and
// documentation fields hold the chosen language's text while it is chosen. Switching keeps what was typed in the
// one left; saving writes the English source into `name` and bpmn:documentation and every other language into
// the element's jarchy:label and jarchy:documentation.
function labelEditor(modeler, languages) {
  const registry = modeler.get("elementRegistry");
  const modeling = modeler.get("modeling");
  const moddle = modeler.get("moddle");
  const eventBus = modeler.get("eventBus");
  // `fallsBack`: a language without a name of its own shows the English one (the canvas must name the element);
  // documentation without a translation shows empty, the English as the field's hint.
  const names = {
    type: LABEL,
    fallsBack: true,
    of: isNamed,
    read: (bo) => bo.name || "",
    write: (bo, text) => { bo.name = text || undefined; },
    // Through modeling, so that the canvas redraws the name and moves an outside label to fit it.
    show: (bo, element, text) => {
      if (element) modeling.updateProperties(element, { name: text || undefined });
      else bo.name = text || undefined;
    },
    keep: (bo) => {
      const name = bo.name;
      return () => { bo.name = name; };
    },
  };
  const documentation = {
    type: DOCUMENTATION,
    fallsBack: false,
    of: () => true,
    read: (bo) => (plainDocumentation(bo) || {}).text || "",
    write: writeDocumentation,
    show: (bo, _element, text) => writeDocumentation(bo, text),
    keep: (bo) => {
      const list = bo.get("documentation");
      const before = [...list];
      const texts = before.map((doc) => doc.text);
      return () => {
        list.splice(0, list.length, ...before);
        before.forEach((doc, i) => { doc.text = texts[i]; });
      };
    },
  };
  const kinds = [names, documentation];
  let texts = new Map(); // business object -> {kind: {language: text}}
  let shown = new Map(); // business object -> {kind: the text shown when the language was last chosen}
  let current = SOURCE;

  function writeDocumentation(bo, text) {
    const list = bo.get("documentation");
    const doc = plainDocumentation(bo);
    if (!text) {
      if (doc) list.splice(list.indexOf(doc), 1);
    } else if (doc) {
      doc.text = text;
    } else {
      const created = moddle.create("bpmn:Documentation", { text });
      created.$parent = bo;
      list.push(created);
    }
  }

  function each(visit) {
    for (const [bo, element] of everyElement(registry)) {
      for (const kind of kinds) if (kind.of(bo)) visit(bo, element, kind);
    }
  }

  function entry(map, bo) {
    if (!map.has(bo)) map.set(bo, {});
    return map.get(bo);
  }

  function own(bo, kind) {
    const byLanguage = { [SOURCE]: kind.read(bo) };
    for (const value of (bo.extensionElements && bo.extensionElements.values) || []) {
      if (value.$instanceOf(kind.type) && languages.includes(value.lang) && value.lang !== SOURCE && value.value) {
        byLanguage[value.lang] = value.value;
      }
    }
    return byLanguage;
  }

  function reset() {
    texts = new Map();
    shown = new Map();
    current = SOURCE;
    each((bo, _element, kind) => {
      entry(texts, bo)[kind.type] = own(bo, kind);
      entry(shown, bo)[kind.type] = kind.read(bo);
    });
  }

  // What was typed in the current language since it was chosen becomes that language's text.
  function capture() {
    each((bo, _element, kind) => {
      const now = kind.read(bo);
      const byKind = entry(texts, bo);
      // Drawn since: its first name is also the source's (an element has an English name); its documentation not.
      if (!byKind[kind.type]) byKind[kind.type] = kind.fallsBack ? { [SOURCE]: now } : {};
      if (now !== entry(shown, bo)[kind.type]) byKind[kind.type][current] = now;
      shown.get(bo)[kind.type] = now;
    });
  }

  function show(language) {
    capture();
    current = language;
    each((bo, element, kind) => {
      const byLanguage = texts.get(bo)[kind.type];
      const wanted = byLanguage[language] || (kind.fallsBack && byLanguage[SOURCE]) || "";
      if (kind.read(bo) !== wanted) kind.show(bo, element, wanted);
      shown.get(bo)[kind.type] = kind.read(bo);
    });
    // The panel shows the selected element, else the root: redraw it with the language's documentation.
    const selected = modeler.get("selection").get();
    eventBus.fire("elements.changed", { elements: [...selected, modeler.get("canvas").getRootElement()] });
  }

  // The English documentation, as the hint of an empty field while another language is edited.
  function hint(bo) {
    if (!bo || current === SOURCE || documentation.read(bo)) return null;
    const byKind = texts.get(bo);
    return (byKind && byKind[DOCUMENTATION] && byKind[DOCUMENTATION][SOURCE]) || null;
  }

  // The extension elements a business object keeps: the translations of each kind it has, after any others.
  function writeExtensions(bo, byKind) {
    const edited = kinds.filter((kind) => byKind[kind.type]);
    const translations = edited.flatMap((kind) => languages
      .filter((l) => l !== SOURCE && byKind[kind.type][l])
      .map((l) => moddle.create(kind.type, { lang: l, value: byKind[kind.type][l] })));
    let extensions = bo.extensionElements;
    const others = ((extensions && extensions.values) || []).filter((v) => !edited.some((k) => v.$instanceOf(k.type)));
    if (!extensions && translations.length) {
      extensions = moddle.create("bpmn:ExtensionElements", { values: [] });
      extensions.$parent = bo;
      bo.extensionElements = extensions;
    }
    if (extensions) {
      translations.forEach((value) => { value.$parent = extensions; });
      extensions.values = [...others, ...translations];
    }
  }

  // Runs `save` with the business objects as the file keeps them (English in `name` and bpmn:documentation, the
  // other languages in extension elements), then puts the current language's texts back.
  async function asSaved(save) {
    capture();
    const restore = [];
    for (const [bo, byKind] of texts) {
      for (const kind of kinds) {
        if (!byKind[kind.type]) continue;
        restore.push(kind.keep(bo));
        kind.write(bo, byKind[kind.type][SOURCE] || "");
      }
      writeExtensions(bo, byKind);
    }
    try {
      return await save();
    } finally {
      restore.reverse().forEach((back) => back());
    }
  }

  return { reset, show, asSaved, hint };
}

// Lanes drawn by their role's name. A lane's `name` is a role key (it binds the lane's tasks to the role's
// holders); while the modeler runs, the lane holds the role's label in the chosen language instead, so that the
// canvas, the panel's header and the problem list name the role, and saving writes the key back. A name that is no
// role's label stays as it was typed (deploy refuses it, naming the lane). The panel chooses a lane's role from
// the list (laneRoleProvider).
function laneRoles(modeler, roleNames) {
  const registry = modeler.get("elementRegistry");
  const modeling = modeler.get("modeling");
  let current = null; // null: the lanes hold their keys (as imported)

  const labelOf = (key, language) => (roleNames[key] && roleNames[key][language]) || key;
  const keyOf = (name) =>
    Object.keys(roleNames).find((key) => current && roleNames[key][current] === name) || name;
  const lanes = () => registry.filter((element) => element.type === "bpmn:Lane");

  function show(language) {
    for (const lane of lanes()) {
      const key = keyOf(lane.businessObject.name || "");
      const wanted = key ? labelOf(key, language) : "";
      if ((lane.businessObject.name || "") !== wanted) modeling.updateProperties(lane, { name: wanted || undefined });
    }
    current = language;
  }

  function choose(lane, key) {
    modeling.updateProperties(lane, { name: key ? labelOf(key, current) : undefined });
  }

  // The roles a lane can be, by their name in the chosen language; a name that is no role's, as typed.
  function options(lane, none) {
    const key = keyOf(lane.businessObject.name || "");
    const roles = Object.keys(roleNames).map((role) => ({ value: role, label: labelOf(role, current) }))
      .sort((a, b) => a.label.localeCompare(b.label, current || undefined));
    const unknown = key && !(key in roleNames) ? [{ value: key, label: key }] : [];
    return [{ value: "", label: none }, ...unknown, ...roles];
  }

  async function asSaved(save) {
    const onCanvas = new Map(lanes().map((lane) => [lane.businessObject, lane.businessObject.name]));
    for (const [bo, name] of onCanvas) bo.name = keyOf(name || "") || undefined;
    try {
      return await save();
    } finally {
      for (const [bo, name] of onCanvas) bo.name = name;
    }
  }

  return {
    reset: () => { current = null; },
    show,
    choose,
    options,
    asSaved,
    keyOf: (lane) => keyOf(lane.businessObject.name || ""),
  };
}

// The properties panel's Name of a lane, replaced by the choice of its role from the list (shown by name).
function laneRoleProvider(lanes, words) {
  function LaneRole({ element }) {
    return SelectEntry({
      element,
      id: "name",
      label: words.role,
      getValue: () => lanes.keyOf(element),
      setValue: (key) => lanes.choose(element, key),
      getOptions: () => lanes.options(element, words.noRole),
    });
  }
  return {
    getGroups: (element) => (groups) => {
      if (element.type !== "bpmn:Lane") return groups;
      for (const group of groups) {
        group.entries = (group.entries || []).map((entry) =>
          (entry.id === "name" ? { id: "name", component: LaneRole, isEdited: isSelectEntryEdited } : entry));
      }
      return groups;
    },
  };
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

  let labels = null; // made once the modeler is: the panel asks it for the documentation's hint
  const hint = (bo) => {
    const english = labels && labels.hint(bo);
    return english ? format(messages.inEnglish, { text: english }) : null;
  };
  const translate = translator(JSON.parse(root.dataset.bpmnMessages || "{}"));
  // The panel's own buttons (section toggles, list items, pop-up editor) word their titles with it too (build.mjs).
  setPanelTranslate(translate);
  // bpmnlint, as the server runs it at deploy (assets/lint/config.js): the roles and forms the server knows and
  // Jarchy's rules' messages in the page's language come with the page. Active from the start: the problems are
  // marked on the elements as the administrator draws, with the count on the linter's button.
  const lintOptions = JSON.parse(root.dataset.lint || "{}");
  // What the server's sandbox refuses in the scripts (the browser cannot compile RestrictedPython), as its last
  // check answered; bpmnlint's jarchy/script-compiles shows it with the other problems.
  const sandbox = { current: [] };
  const modeler = new BpmnModeler({
    container: root.querySelector("[data-canvas]"),
    linting: { active: true, bpmnlint: packed({ ...lintOptions, problems: sandbox }) },
    propertiesPanel: {
      parent: root.querySelector("[data-properties-panel]"),
      // Under an empty documentation field in another language: the English documentation, to translate.
      description: {
        documentation: (element) => hint(element.businessObject),
        processDocumentation: (element) => hint(element.businessObject.processRef),
      },
    },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      lintModule,
      { translate: ["value", translate] },
    ],
    moddleExtensions: { camunda: camundaModdleDescriptors, jarchy: jarchyModdleDescriptors },
  });
  // bpmn.io's logo, with its English title: its licence forbids changing the watermark, so it is marked as English.
  const poweredBy = root.querySelector(".bjs-powered-by");
  if (poweredBy) poweredBy.setAttribute("lang", "en");
  const languageChoice = root.querySelector("[data-label-language]");
  labels = labelEditor(modeler, [...languageChoice.options].map((option) => option.value));
  const lanes = laneRoles(modeler, JSON.parse(root.dataset.roleNames || "{}"));
  modeler.get("propertiesPanel").registerProvider(200, laneRoleProvider(lanes, messages));
  // The linter judges the diagram as it will be saved: lanes by their role keys (the canvas shows their names in
  // the chosen language) and the English names and documentation with their translations. After the current
  // change is done (a language switch changes many elements), never in the middle of it.
  const linting = modeler.get("linting");
  linting.lint = () => new Promise((resolve) => { setTimeout(resolve, 0); }).then(() =>
    labels.asSaved(() => lanes.asSaved(() =>
      new Linter(linting.getLinterConfig()).lint(modeler.getDefinitions()))));
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
      lanes.reset();
      // The names first shown are the reader's language (the page's); the English source is one choice away.
      languageChoice.value = root.dataset.readerLanguage || SOURCE;
      show(languageChoice.value);
      canvas.zoom("fit-viewport");
      dirty = false;
      if (warnings.length) say(format(messages.warnings, { count: warnings.length }), "");
      root.dataset.ready = "true";
      return true;
    } catch (err) {
      // bpmn-js says why in English ("unparsable content <x> detected"): the page says it in the reader's
      // words, and the console keeps bpmn-js's for whoever debugs the file.
      console.warn(err);
      say(messages.unreadable, "error");
      return false;
    }
  }

  // The chosen language's names, documentation and lanes' role names on the canvas and in the panel.
  function show(language) {
    labels.show(language);
    lanes.show(language);
    // Undoing across a switch would put one language's texts under another's: each language starts a new history.
    modeler.get("commandStack").clear();
  }

  function saved() {
    return labels.asSaved(() => lanes.asSaved(() => modeler.saveXML({ format: true })));
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

  // The server's check of the scripts, conditions and timers, a moment after the drawing stops changing (and once
  // a diagram is opened); a later answer replaces an earlier one, an answer to an older drawing is dropped.
  let checkTimer = null;
  let checkRound = 0;
  function checkSoon() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      const round = ++checkRound;
      const { xml } = await saved();
      try {
        const response = await fetch(root.dataset.checkUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/xml", "X-CSRFToken": csrf, Accept: "application/json" },
          body: xml,
        });
        if (!response.ok || round !== checkRound) return;
        sandbox.current = (await response.json()).problems || [];
        linting.update();
      } catch {
        // Offline: the deploy checks again.
      }
    }, 800);
  }
  modeler.on("import.done", checkSoon);
  modeler.on("commandStack.changed", () => {
    dirty = true;
    checkSoon();
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  languageChoice.addEventListener("change", () => {
    const edited = dirty; // showing another language changes nothing to save
    show(languageChoice.value);
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
