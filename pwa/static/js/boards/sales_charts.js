// The sales board's charts, drawn by Chart.js (served from /vendor, see backend/assets.py) from
// the table under each one: the table holds the figures (its cells' data-value are the JSON's
// numbers, its headers the series' names already in the page's language), so a chart can never
// say something its table does not. Canvas text uses the page's own fonts, which is what makes
// Chinese labels draw with the same CJK font as the rest of the page.
const Chart = window.Chart;
const lang = document.documentElement.lang || "en";
const css = getComputedStyle(document.documentElement);
const colour = (name) => css.getPropertyValue(name).trim();

const whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
// Axis ticks: 250,000 → "250K" in English, "25万" in Chinese.
const short = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
const monthName = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", timeZone: "UTC" });

/** A table as columns: the header's words and each cell's number (data-value) or text. */
function readTable(id) {
  const table = document.getElementById(id);
  const headCells = [...table.tHead.rows[0].cells];
  const heads = headCells.map((cell) => cell.textContent.trim());
  const rows = [...table.tBodies[0].rows].map((row) => [...row.cells]);
  return {
    heads,
    kinds: headCells.map((cell) => cell.dataset.kind),
    size: rows.length,
    numbers: (i) => rows.map((cells) => Number(cells[i].dataset.value)),
    // A month cell ("2026-12") is named in the page's language ("Dec 2026", "2026年12月").
    labels: (i) =>
      rows.map((cells) => {
        const month = cells[i].dataset.month;
        return month ? monthName.format(new Date(`${month}-01T00:00:00Z`)) : cells[i].textContent.trim();
      }),
  };
}

const bar = (label, data, color, extra = {}) => ({
  label,
  data,
  backgroundColor: color,
  borderColor: color,
  ...extra,
});

// A money axis in short numbers; a count axis in whole steps only (no "0.5 opportunities").
const money = () => ({ beginAtZero: true, ticks: { callback: (value) => short.format(value) } });
const counts = () => ({ beginAtZero: true, ticks: { precision: 0, callback: (value) => whole.format(value) } });

// One entry per chart: the table it reads and the Chart.js configuration made from it.
const CHARTS = {
  funnel: (t) => ({
    type: "bar",
    data: {
      labels: t.labels(0),
      datasets: [
        bar(t.heads[3], t.numbers(3), colour("--brand"), { xAxisID: "x" }),
        bar(t.heads[2], t.numbers(2), colour("--accent"), { xAxisID: "count" }),
      ],
    },
    options: {
      indexAxis: "y",
      scales: {
        x: { ...money(), position: "bottom", title: { display: true, text: t.heads[3] } },
        count: {
          ...counts(),
          position: "top",
          grid: { drawOnChartArea: false },
          title: { display: true, text: t.heads[2] },
        },
      },
    },
  }),
  forecast: (t) => ({
    type: "bar",
    data: {
      labels: t.labels(0),
      datasets: [
        bar(t.heads[1], t.numbers(1), colour("--brand")),
        bar(t.heads[3], t.numbers(3), colour("--good")),
      ],
    },
    options: { scales: { y: money() } },
  }),
  payments: (t) => ({
    type: "bar",
    data: {
      labels: t.labels(0),
      datasets: [
        bar(t.heads[1], t.numbers(1), colour("--brand")),
        bar(t.heads[2], t.numbers(2), colour("--good")),
        bar(t.heads[3], t.numbers(3), colour("--bad")),
      ],
    },
    options: { scales: { y: money() } },
  }),
  // One bar per rep, its amount split by stage: the open stages in blues that deepen as the
  // deal advances, won in green, lost in grey. The table's last column (the total) is left out.
  "funnel-reps": (t) => {
    const stages = t.heads.slice(1, -1).map((name, i) => ({ name, kind: t.kinds[i + 1], column: i + 1 }));
    const open = stages.filter((stage) => stage.kind === "open").length;
    let step = 0;
    const paint = (kind) => {
      if (kind === "won") return colour("--good");
      if (kind === "lost") return colour("--muted");
      step += 1;
      return `hsl(203 80% ${78 - (step * 52) / Math.max(open, 1)}%)`;
    };
    return {
      type: "bar",
      data: {
        labels: t.labels(0),
        datasets: stages.map((stage) => bar(stage.name, t.numbers(stage.column), paint(stage.kind))),
      },
      options: {
        indexAxis: "y",
        scales: { x: { ...money(), stacked: true }, y: { stacked: true } },
      },
    };
  },
  "pool-reps": (t) => ({
    type: "bar",
    data: {
      labels: t.labels(0),
      datasets: [
        bar(t.heads[1], t.numbers(1), colour("--brand")),
        bar(t.heads[2], t.numbers(2), colour("--accent")),
        bar(t.heads[3], t.numbers(3), colour("--bad")),
      ],
    },
    options: { scales: { y: counts() } },
  }),
};

function draw(figure) {
  const name = figure.dataset.chart;
  const table = readTable(name);
  if (!table.size) return; // nothing in the range: the empty table says so, no empty axes
  const config = CHARTS[name](table);
  config.options.plugins = {
    tooltip: {
      callbacks: {
        label: (item) => `${item.dataset.label}: ${whole.format(item.raw)}`,
      },
    },
  };
  figure.hidden = false;
  // A bar per row for a long list of reps: the chart grows with it rather than squeezing them.
  if (config.options.indexAxis === "y") figure.style.minHeight = `${4 + table.size * 1.6}rem`;
  const canvas = figure.querySelector("canvas");
  new Chart(canvas, config);
  canvas.dataset.drawn = String(table.size);
}

if (Chart) {
  // The page's fonts and ink, not Chart.js's Helvetica: Chinese labels fall back exactly as the
  // page's text does. A board is read, not watched: no animation (and it prints at once).
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = colour("--ink");
  Chart.defaults.borderColor = colour("--line");
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.locale = lang;
  document.querySelectorAll("figure[data-chart]").forEach(draw);
  document.body.dataset.charts = "drawn";
}
