// The case page's diagram: bpmn-js's NavigatedViewer with the case's elements marked
// (completed, active, waiting), read from the page's data attributes.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";

function failed(container) {
  container.textContent = container.dataset.failed || "The diagram could not be loaded.";
  container.dataset.ready = "failed";
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
  container.dataset.ready = "true";
}

document.querySelectorAll("[data-bpmn-viewer]").forEach((el) => show(el));
