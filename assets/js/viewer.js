// The case page's diagram: bpmn-js's NavigatedViewer with the case's elements marked
// (completed, active, waiting), read from the page's data attributes. Each step (a task, an event, a gateway) is
// also a button: clicking it or reaching it with the keyboard shows its name and what the regulation says of it
// (its documentation, in the reader's language where the diagram has it) in the panel below the drawing. The page's
// zoom buttons (zoom in, zoom out, the whole diagram) are shown once the drawing is there: on a phone the diagram is
// read by zooming into it, and a keyboard reaches the buttons where it cannot pinch.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { is } from "bpmn-js/lib/util/ModelUtil";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";

function failed(container) {
  container.textContent = container.dataset.failed || "The diagram could not be loaded.";
  container.dataset.ready = "failed";
}

// The documentation as the server localized it (engine/procedures/labels.py: localized): its text and the
// language it is in (`xml:lang`, the reader's, or English where the diagram has no translation).
function documentationOf(element) {
  const doc = (element.businessObject.documentation || [])[0];
  if (!doc || !(doc.text || "").trim()) return null;
  return { text: doc.text.trim(), lang: (doc.$attrs && doc.$attrs["xml:lang"]) || "en" };
}

function describe(panel, element) {
  const name = element.businessObject.name || "";
  const doc = documentationOf(element);
  const heading = document.createElement("h3");
  heading.textContent = name;
  const parts = [heading];
  if (doc) {
    if (doc.lang !== panel.dataset.lang) {
      const note = document.createElement("p");
      note.className = "muted";
      note.textContent = panel.dataset.fallbackNote;
      parts.push(note);
    }
    const text = document.createElement("div");
    text.className = "documentation";
    text.lang = doc.lang === panel.dataset.lang ? document.documentElement.lang : "en";
    text.textContent = doc.text;
    parts.push(text);
  } else {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = panel.dataset.none;
    parts.push(none);
  }
  panel.replaceChildren(...parts);
  panel.dataset.element = element.id;
}

// bpmn-js wraps a long name over lines (one <tspan> each) and drops the space at a line's end: the words of two lines
// would run together in the text a screen reader or an accessibility checker reads ("of thePR"), and no longer match
// the step's accessible name. Each line but the last gets its space back; the drawing does not change.
function spaced(gfx) {
  gfx.querySelectorAll("text").forEach((text) => {
    const lines = [...text.querySelectorAll("tspan")];
    lines.slice(0, -1).forEach((line) => {
      if (!/\s$/.test(line.textContent)) line.textContent += " ";
    });
  });
}

function zoomable(container, canvas) {
  const tools = document.querySelectorAll(`[data-zoom][aria-controls="${container.id}"]`);
  for (const button of tools) {
    button.addEventListener("click", () => {
      const step = button.dataset.zoom;
      if (step === "fit") canvas.zoom("fit-viewport", "auto");
      else canvas.zoom(canvas.zoom() * (step === "in" ? 1.25 : 0.8));
    });
    button.hidden = false;
  }
  // diagram-js moves the drawing with a mouse only: a finger drags it too (the page scrolls outside the frame).
  let last = null;
  container.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "touch") last = { x: event.clientX, y: event.clientY, id: event.pointerId };
  });
  container.addEventListener("pointermove", (event) => {
    if (!last || event.pointerId !== last.id) return;
    canvas.scroll({ dx: event.clientX - last.x, dy: event.clientY - last.y });
    last = { x: event.clientX, y: event.clientY, id: event.pointerId };
  });
  for (const end of ["pointerup", "pointercancel"]) container.addEventListener(end, () => { last = null; });
}

// Steps become focusable buttons, in the drawing's order (left to right, then top to bottom).
function stepsOf(registry) {
  return registry
    .filter((element) => !element.labelTarget && !element.waypoints && is(element.businessObject, "bpmn:FlowNode")
      && (element.businessObject.name || "").trim())
    .sort((a, b) => a.x - b.x || a.y - b.y);
}

async function show(container) {
  const viewer = new NavigatedViewer({ container });
  const response = await fetch(container.dataset.diagramUrl, { credentials: "same-origin" });
  if (!response.ok) {
    failed(container);
    return;
  }
  try {
    await viewer.importXML(await response.text());
  } catch (error) {
    // The page's facts, tasks and history stand without the drawing: say so instead of failing silently.
    failed(container);
    return;
  }
  viewer.get("canvas").zoom("fit-viewport");
  const marks = JSON.parse(container.dataset.marks || "{}");
  const registry = viewer.get("elementRegistry");
  const canvas = viewer.get("canvas");
  for (const [state, ids] of Object.entries(marks)) {
    for (const id of ids) {
      if (registry.get(id)) canvas.addMarker(id, `jarchy-${state}`);
    }
  }
  const panel = document.getElementById(container.dataset.stepPanel || "");
  if (panel) {
    const steps = stepsOf(registry);
    for (const element of steps) {
      const gfx = registry.getGraphics(element);
      gfx.setAttribute("tabindex", "0");
      gfx.setAttribute("role", "button");
      gfx.setAttribute("aria-label", element.businessObject.name.trim());
      gfx.setAttribute("aria-controls", panel.id);
      spaced(gfx);
      gfx.addEventListener("focus", () => {
        // Zoomed in, a step reached by Tab may lie outside the frame, which the browser would scroll itself (out of
        // line with diagram-js's own view of it): the frame is put back and the drawing moves to show the step.
        for (const frame of [container, container.querySelector(".djs-container")]) {
          if (frame) frame.scrollTop = frame.scrollLeft = 0;
        }
        canvas.scrollToElement(element, 20);
        describe(panel, element);
      });
      gfx.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          describe(panel, element);
        }
      });
    }
    const shown = new Set(steps);
    viewer.get("eventBus").on("element.click", ({ element }) => {
      const step = element.labelTarget || element; // an event's name is drawn apart from it
      if (shown.has(step)) describe(panel, step);
    });
  }
  zoomable(container, canvas);
  container.dataset.ready = "true";
}

document.querySelectorAll("[data-bpmn-viewer]").forEach((el) => show(el));
