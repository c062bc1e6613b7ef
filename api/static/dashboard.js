// The c360 dashboard: the key indicators of /dashboard/indicators.json drawn with the vendored Chart.js.
// Source names, segment names and campaign names reach the page as text only (textContent, DOM nodes, or
// drawn on a canvas by Chart.js), never as HTML; the page's Content-Security-Policy refuses inline script too.
// The answer holds aggregates only: no customer is named on this page.
"use strict";

const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("c360-token") || "";
if (location.hash) { history.replaceState(null, "", location.pathname); }  // the token leaves the address bar

const number = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
const amount = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });
const signedPercent = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1, signDisplay: "exceptZero" });
const PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d",
                 "#9333ea", "#ea580c", "#4b5563", "#0d9488"];
const charts = new Map();

Chart.defaults.animation = false;  // a dashboard is read, not watched; and a screenshot shows the final state
Chart.defaults.maintainAspectRatio = false;

function status(text) { $("status").textContent = text; }

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) { td.className = className; }
  return td;
}

function emptyRow(tbody, columns, text) {
  const row = tbody.insertRow();
  const td = cell(row, text, "empty");
  td.colSpan = columns;
}

function money(minor, currency) {
  if (minor === null || minor === undefined) { return "–"; }
  return `${amount.format(minor / 100)}${currency ? ` ${currency}` : ""}`;
}

function share(value) { return value === null || value === undefined ? "–" : percent.format(value); }

function interval(value, format) {
  if (!value) { return "–"; }
  return `${format(value.estimate)} (${format(value.low)} to ${format(value.high)})`;
}

function day(iso) { return iso ? iso.slice(0, 10) : "–"; }

function draw(id, config) {
  if (charts.has(id)) { charts.get(id).destroy(); }
  charts.set(id, new Chart($(id), config));
}

function tile(label, value) {
  const div = document.createElement("div");
  div.className = "tile";
  const strong = Object.assign(document.createElement("div"), { className: "value", textContent: value });
  const small = Object.assign(document.createElement("div"), { className: "label", textContent: label });
  div.append(strong, small);
  return div;
}

async function api(path) {
  const token = tokenInput.value.trim();
  sessionStorage.setItem("c360-token", token);
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `${response.status} ${response.statusText}`);
  }
  return response.json();
}

function drawTiles(data) {
  const p = data.profiles;
  const quality = data.quality[data.quality.length - 1];
  const tiles = [
    ["customers", number.format(p.customers)],
    ["source records", number.format(p.records)],
    ["records per customer", p.records_per_customer === null ? "–" : decimal.format(p.records_per_customer)],
    ["customers with several records", share(p.multi_record_share)],
    ["last data-quality check", quality ? `${quality.passed ? "passed" : "failed"} (${quality.failed}/${quality.checks} failed)` : "none yet"],
    ["campaigns", number.format(data.campaigns.length)],
  ];
  $("tiles").replaceChildren(...tiles.map(([label, value]) => tile(label, value)));
}

function drawGrowth(months) {
  draw("chart-growth", {
    data: {
      labels: months.map((m) => m.month),
      datasets: [
        { type: "line", label: "records (total)", data: months.map((m) => m.records_total), borderColor: PALETTE[0], yAxisID: "total" },
        { type: "line", label: "customers (total)", data: months.map((m) => m.customers_total), borderColor: PALETTE[2], yAxisID: "total" },
        { type: "bar", label: "records loaded", data: months.map((m) => m.records), backgroundColor: "#93c5fd", yAxisID: "month" },
        { type: "bar", label: "new customers", data: months.map((m) => m.customers), backgroundColor: "#6ee7b7", yAxisID: "month" },
      ],
    },
    options: { scales: { total: { position: "left", beginAtZero: true, title: { display: true, text: "total" } },
                         month: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "per month" } } } },
  });
}

function drawSources(sources) {
  draw("chart-sources", {
    type: "bar",
    data: { labels: sources.map((s) => s.source), datasets: [{ label: "records", data: sources.map((s) => s.records), backgroundColor: PALETTE[0] }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  });
}

function drawLoads(loads) {
  const tbody = $("loads").tBodies[0];
  tbody.replaceChildren();
  const latest = loads.slice(-8).reverse();
  if (!latest.length) { emptyRow(tbody, 5, "no load yet"); }
  for (const load of latest) {
    const row = tbody.insertRow();
    cell(row, load.at ? load.at.slice(0, 16).replace("T", " ") : "–");
    cell(row, load.source ?? "–");
    cell(row, load.kind ?? "–");
    cell(row, number.format(load.accepted ?? 0), "number");
    cell(row, number.format(load.rejected ?? 0), "number");
  }
}

function drawResolution(runs) {
  draw("chart-resolution", {
    type: "line",
    data: {
      labels: runs.map((r) => `${day(r.at)} ${r.mode ?? ""}`.trim()),
      datasets: [
        { label: "records per customer", data: runs.map((r) => r.records_per_customer), borderColor: PALETTE[0], yAxisID: "ratio" },
        { label: "share of records matched", data: runs.map((r) => r.matched_share), borderColor: PALETTE[1], yAxisID: "share" },
      ],
    },
    options: { scales: { ratio: { position: "left", beginAtZero: true },
                         share: { position: "right", min: 0, max: 1, grid: { drawOnChartArea: false },
                                  ticks: { callback: (v) => percent.format(v) } } } },
  });
}

function drawSizes(sizes) {
  draw("chart-sizes", {
    type: "bar",
    data: { labels: sizes.map(([records]) => `${records} record${records === 1 ? "" : "s"}`),
            datasets: [{ label: "customers", data: sizes.map(([, customers]) => customers), backgroundColor: PALETTE[2] }] },
    options: { plugins: { legend: { display: false } } },
  });
}

function drawSegments(runs) {
  // the segments anyone was in, in the order of the catalogue (the order the runs list them in)
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.segments).filter((name) => r.segments[name] > 0)))];
  draw("chart-segments", {
    type: "bar",
    data: {
      labels: runs.map((r) => r.at.slice(0, 16).replace("T", " ")),
      datasets: names.map((name, i) => ({ label: name, data: runs.map((r) => r.segments[name] ?? 0),
                                          backgroundColor: PALETTE[i % PALETTE.length] })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
               plugins: { legend: { position: "right" } } },
  });
  const tbody = $("moves").tBodies[0];
  tbody.replaceChildren();
  const last = runs[runs.length - 1];
  const moves = last ? last.moves.filter(([from, to]) => from !== to).sort((a, b) => b[2] - a[2]) : [];
  if (!moves.length) { emptyRow(tbody, 3, last ? "nobody changed segment" : "no scoring run yet"); }
  for (const [from, to, customers] of moves.slice(0, 12)) {
    const row = tbody.insertRow();
    cell(row, from ?? "(not scored before)");
    cell(row, to);
    cell(row, number.format(customers), "number");
  }
}

function drawQuality(runs) {
  draw("chart-quality", {
    type: "bar",
    data: {
      labels: runs.map((r) => r.at.slice(0, 16).replace("T", " ")),
      datasets: [
        { label: "checks failed", data: runs.map((r) => r.failed), backgroundColor: runs.map((r) => (r.passed ? "#86efac" : "#f87171")) },
        { label: "checks run", data: runs.map((r) => r.checks), type: "line", borderColor: PALETTE[10] },
      ],
    },
    options: { scales: { y: { beginAtZero: true } } },
  });
}

function drawCampaigns(campaigns) {
  const shown = [...campaigns].reverse();  // oldest first, left to right
  draw("chart-campaigns", {
    type: "bar",
    data: {
      labels: shown.map((c) => c.name),
      datasets: [
        { label: "invited", data: shown.map((c) => c.invited.buyers_share), backgroundColor: PALETTE[0] },
        { label: "held out", data: shown.map((c) => c.held_out.buyers_share), backgroundColor: "#9ca3af" },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => percent.format(v) } } } },
  });
  const tbody = $("campaigns").tBodies[0];
  tbody.replaceChildren();
  if (!campaigns.length) { emptyRow(tbody, 11, "no campaign yet: c360 invite … --campaign NAME --event-date YYYY-MM-DD"); }
  for (const c of campaigns) {
    const row = tbody.insertRow();
    cell(row, c.name, "name");
    cell(row, `${day(c.event_at)}${c.open ? " (window open)" : ""}`);
    cell(row, `${c.venue} (${decimal.format(c.radius_km)} km)`);
    cell(row, number.format(c.invited.people), "number");
    cell(row, number.format(c.held_out.people), "number");
    cell(row, `${share(c.invited.buyers_share)} (${number.format(c.invited.buyers)})`, "number");
    cell(row, `${share(c.held_out.buyers_share)} (${number.format(c.held_out.buyers)})`, "number");
    const uplift = cell(row, interval(c.buyers_uplift, (v) => signedPercent.format(v)), "number uplift");
    if (c.buyers_uplift) { uplift.classList.add(c.buyers_uplift.low > 0 ? "up" : c.buyers_uplift.high < 0 ? "down" : "flat"); }
    cell(row, money(c.invited.spend_per_head_minor, c.currency), "number");
    cell(row, money(c.held_out.spend_per_head_minor, c.currency), "number");
    cell(row, interval(c.incremental_revenue_minor, (v) => money(v, null)) + (c.currency ? ` ${c.currency}` : ""), "number");
  }
}

async function refresh() {
  if (!tokenInput.value.trim()) { status("paste a token (c360 token --role analyst), then press Enter"); return; }
  const days = Number.parseInt($("days").value, 10) || 30;
  status("loading…");
  try {
    const data = await api(`/dashboard/indicators.json?days=${encodeURIComponent(days)}`);
    drawTiles(data);
    drawGrowth(data.months);
    drawSources(data.sources);
    drawLoads(data.loads);
    drawResolution(data.resolution);
    drawSizes(data.profiles.sizes);
    drawSegments(data.scoring);
    drawQuality(data.quality);
    drawCampaigns(data.campaigns);
    status(`as of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; campaigns over ${days} days`);
    document.body.dataset.ready = "true";
  } catch (error) {
    console.error(error);
    status(`error: ${error.message || error}`);
  }
}

$("refresh").addEventListener("click", refresh);
tokenInput.addEventListener("keydown", (event) => { if (event.key === "Enter") { refresh(); } });
$("days").addEventListener("keydown", (event) => { if (event.key === "Enter") { refresh(); } });
refresh();
