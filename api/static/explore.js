// The c360 graph explorer: a node and its neighbours drawn with cytoscape.js, expanded on click, filtered by
// relationship type, the selected node's properties in the side panel. Everything comes from
// /explore/neighbours, masked on the server for the token's role. Names and values come from source files:
// they reach the page as text only (textContent, cytoscape's canvas labels), never as HTML; the page's
// Content-Security-Policy refuses inline script too.
"use strict";

const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = sessionStorage.getItem("c360-token") || new URLSearchParams(location.hash.slice(1)).get("token") || "";
history.replaceState(null, "", location.pathname); // the token leaves the address bar (and the history)

const COLOURS = {
  Customer: "#2563eb", SourceRecord: "#7c3aed", Identifier: "#059669", Home: "#0891b2", Store: "#dc2626",
  Transaction: "#d97706", Ticket: "#db2777", TicketNote: "#be185d", WebSession: "#4b5563",
  ConsentEvent: "#65a30d", Purpose: "#15803d", Segment: "#9333ea",
};
const cy = cytoscape({
  container: $("graph"),
  wheelSensitivity: 0.3,
  style: [
    { selector: "node", style: {
      label: "data(caption)", "background-color": (n) => COLOURS[n.data("kind")] || "#6b7280",
      "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": 160,
      width: 22, height: 22, color: "#111827", "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
    { selector: "node.start", style: { width: 32, height: 32, "border-width": 3, "border-color": "#111827" } },
    { selector: "node:selected", style: { "border-width": 4, "border-color": "#f59e0b" } },
    { selector: "edge", style: {
      label: "data(type)", "font-size": 9, color: "#6b7280", width: 1.5, "line-color": "#cbd5e1",
      "target-arrow-shape": "triangle", "target-arrow-color": "#cbd5e1", "curve-style": "bezier",
      "text-rotation": "autorotate" } },
    { selector: ".filtered", style: { display: "none" } },
  ],
});
// the colour of each label, as a legend under the relationship filter
$("legend").replaceChildren(...Object.entries(COLOURS).map(([label, colour]) => {
  const item = document.createElement("li");
  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.style.backgroundColor = colour; // CSSOM, which the policy allows (an inline style attribute it would not)
  item.append(swatch, document.createTextNode(label));
  return item;
}));
const more = new Map(); // node id → {type: how many neighbours were not returned}
const expanded = new Set();
const known = new Set(); // every relationship type the server knows, as checkboxes

function status(text) { $("status").textContent = text; }

async function api(params) {
  const token = tokenInput.value.trim();
  sessionStorage.setItem("c360-token", token);
  const response = await fetch(`/explore/neighbours?${new URLSearchParams(params)}`,
                               { headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.message || `${response.status} ${response.statusText}`);
  }
  return body;
}

function checkedTypes() {
  return [...document.querySelectorAll("#types input:checked")].map((box) => box.value);
}

function showTypes(types) {
  for (const type of types) {
    if (known.has(type)) continue;
    known.add(type);
    const box = Object.assign(document.createElement("input"), { type: "checkbox", value: type, checked: true });
    box.dataset.type = type;
    box.addEventListener("change", applyFilter);
    const label = document.createElement("label");
    label.append(box, document.createTextNode(` ${type}`));
    $("types").append(label);
  }
}

// An edge shows while its type is checked; a node while one of its edges shows (the starting node always).
function applyFilter() {
  const shown = new Set(checkedTypes());
  cy.batch(() => {
    cy.edges().forEach((edge) => edge.toggleClass("filtered", !shown.has(edge.data("type"))));
    cy.nodes().forEach((node) => node.toggleClass("filtered",
      !node.hasClass("start") && node.connectedEdges().filter((e) => !e.hasClass("filtered")).length === 0));
  });
}

function add(body) {
  showTypes(body.types);
  cy.batch(() => {
    for (const node of body.nodes) {
      if (cy.getElementById(node.id).empty()) {
        cy.add({ group: "nodes", data: { id: node.id, kind: node.label, caption: node.caption, properties: node.properties } });
      }
    }
    for (const edge of body.edges) {
      if (cy.getElementById(edge.id).empty()) {
        cy.add({ group: "edges", data: { id: edge.id, source: edge.source, target: edge.target, type: edge.type,
                                          properties: edge.properties } });
      }
    }
  });
  more.set(body.centre, body.more);
  expanded.add(body.centre);
  applyFilter();
  cy.layout({ name: "cose", animate: false, nodeDimensionsIncludeLabels: true, randomize: false, padding: 30,
              idealEdgeLength: () => 90, nodeRepulsion: () => 60000 }).run();
}

function row(name, value) {
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  const td = document.createElement("td");
  th.textContent = name;
  td.textContent = typeof value === "object" ? JSON.stringify(value) : String(value);
  tr.append(th, td);
  return tr;
}

function showPanel(node) {
  $("title").textContent = `${node.data("kind")}: ${node.data("caption")}`;
  const rows = Object.entries(node.data("properties")).map(([name, value]) => row(name, value));
  $("properties").tBodies[0].replaceChildren(...rows);
  const items = Object.entries(more.get(node.id()) || {}).map(([type, count]) =>
    Object.assign(document.createElement("li"), { textContent: `${count} more ${type} not shown` }));
  $("more").replaceChildren(...items);
}

async function expand(node) {
  if (!expanded.has(node.id())) {
    status(`reading the neighbours of ${node.data("caption")}…`);
    const types = checkedTypes();
    const body = await api({ node: node.id(), ...(types.length < known.size ? { types: types.join(",") } : {}) });
    add(body);
    status(`${cy.nodes().length} nodes, ${cy.edges().length} relationships`);
  }
  showPanel(node);
}

cy.on("tap", "node", (event) => {
  cy.elements().unselect();
  event.target.select();
  expand(event.target).catch((error) => status(`error: ${error.message}`));
});

$("start").addEventListener("submit", async (event) => {
  event.preventDefault();
  const kind = $("kind").value;
  const value = $("value").value.trim();
  const params = kind === "customer" ? { customer: value } : { type: kind, value };
  try {
    status("reading…");
    const body = await api(params);
    cy.elements().remove();
    more.clear();
    expanded.clear();
    add(body);
    const start = cy.getElementById(body.centre);
    start.addClass("start");
    start.select();
    showPanel(start);
    status(`${cy.nodes().length} nodes, ${cy.edges().length} relationships`);
  } catch (error) {
    status(`error: ${error.message}`);
  }
});

document.body.dataset.ready = "true";
