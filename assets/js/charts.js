// The dashboard's charts: Chart.js draws each <canvas data-chart='{...}'> from the figures the server put
// in the attribute ({type: "bar", labels, datasets, horizontal?, stacked?}). The page's Content-Security-Policy
// forbids inline scripts, hence the attribute. Each chart's figures are also in a visually-hidden table, whose
// numbers link to the cases they count; with `links` (one URL a bar, the chart's or, stacked, each dataset's own),
// a click on a bar opens the same list.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

function linkOf(spec, element) {
  const links = spec.datasets[element.datasetIndex].links || spec.links;
  return links ? links[element.index] : null;
}

function draw(canvas) {
  const spec = JSON.parse(canvas.dataset.chart);
  const counts = { beginAtZero: true, ticks: { precision: 0 }, stacked: Boolean(spec.stacked) };
  const categories = { stacked: Boolean(spec.stacked) };
  const chart = new Chart(canvas, {
    type: spec.type || "bar",
    data: { labels: spec.labels, datasets: spec.datasets.map((d) => ({ maxBarThickness: 40, ...d })) },
    options: {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: spec.datasets.length > 1 } },
      scales: spec.horizontal ? { x: counts, y: categories } : { x: categories, y: counts },
      onClick: (_event, elements) => {
        const link = elements.length ? linkOf(spec, elements[0]) : null;
        if (link) window.location.assign(link);
      },
      onHover: (event, elements) => {
        event.native.target.style.cursor = elements.length && linkOf(spec, elements[0]) ? "pointer" : "default";
      },
    },
  });
  canvas.dataset.ready = "true";
  return chart;
}

document.querySelectorAll("canvas[data-chart]").forEach((canvas) => draw(canvas));
