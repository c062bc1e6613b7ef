// The c360 map: country boundaries drawn from world-atlas (no tile server), homes clustered, stores, an
// invitation radius, and the consent-clean invitation list of /geo/invitations.* for the chosen venue.
// Names, cities and reasons come from source files: they reach the page as text only (textContent, Option
// text, DOM nodes for Leaflet), never as HTML; the page's Content-Security-Policy refuses inline script too.
"use strict";

const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = sessionStorage.getItem("c360-token") || new URLSearchParams(location.hash.slice(1)).get("token") || "";

const map = L.map("map", { worldCopyJump: true, minZoom: 2, maxZoom: 16 }).setView([47.5, 3.5], 5);
const homes = L.markerClusterGroup({ chunkedLoading: true });
const invited = L.layerGroup();
const storesLayer = L.layerGroup();
const storeAt = new Map();
let radiusCircle = null;
let lastQuery = null;

function status(text) { $("status").textContent = text; }

// Leaflet parses a string tooltip as HTML: give it a node holding the text, built when the tooltip opens.
function asText(text) {
  return () => Object.assign(document.createElement("span"), { textContent: text });
}

async function api(path, init = {}) {
  const token = tokenInput.value.trim();
  sessionStorage.setItem("c360-token", token);
  const response = await fetch(path, { ...init, headers: { ...(init.headers || {}), Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `${response.status} ${response.statusText}`);
  }
  return response;
}

async function drawBoundaries() {
  const world = await (await fetch("/static/vendor/countries-50m.json")).json();
  L.geoJSON(topojson.feature(world, world.objects.countries), {
    style: { color: "#ffffff", weight: 1, fillColor: "#e5e7eb", fillOpacity: 1 },
    interactive: false,
  }).addTo(map);
}

async function drawStores() {
  const stores = await (await api("/geo/stores.geojson")).json();
  const select = $("venue");
  for (const feature of stores.features) {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const option = new Option(`${p.name} (${p.key})`, p.key);
    select.add(option);
    storeAt.set(p.key, L.latLng(lat, lon));
    L.circleMarker([lat, lon], { radius: 8, color: "#991b1b", fillColor: "#dc2626", fillOpacity: 0.9, className: "store" })
      .bindTooltip(asText(`${p.name} — ${p.shoppers} shoppers`))
      .on("click", () => { select.value = p.key; showRadius(); })
      .addTo(storesLayer);
  }
  storesLayer.addTo(map);
  if (stores.features.length) {
    map.fitBounds(L.geoJSON(stores).getBounds().pad(0.2));
  }
  return stores.features.length;
}

async function drawHomes() {
  const found = await (await api("/geo/homes.geojson")).json();
  const markers = found.features.map((feature) => {
    const [lon, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    return L.circleMarker([lat, lon], { radius: 5, color: "#1d4ed8", fillOpacity: 0.7, className: "home" })
      .bindTooltip(asText(`${p.customers} customer(s), ${p.city || ""} (${p.precision})`));
  });
  homes.addLayers(markers);
  homes.addTo(map);
  return found.features.reduce((n, f) => n + f.properties.customers, 0);
}

async function loadSegments() {
  const response = await api("/graphql", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ segments { name customers } }" }) });
  const body = await response.json();
  for (const segment of (body.data && body.data.segments) || []) {
    $("segment").add(new Option(`${segment.name} (${segment.customers})`, segment.name));
  }
}

function venueLatLng() {
  return storeAt.get($("venue").value) || null;
}

function showRadius() {
  const centre = venueLatLng();
  if (radiusCircle) { radiusCircle.remove(); radiusCircle = null; }
  if (!centre) { return; }
  // drawn beneath the markers' events: the stores and homes inside it stay clickable
  radiusCircle = L.circle(centre, { radius: Number($("radius").value) * 1000, color: "#059669", fillOpacity: 0.08, className: "radius", interactive: false }).addTo(map);
  map.fitBounds(radiusCircle.getBounds().pad(0.1));
}

function query() {
  const params = new URLSearchParams({ venue: $("venue").value, radiusKm: $("radius").value });
  if ($("segment").value) { params.set("segment", $("segment").value); }
  return params.toString();
}

async function invite() {
  if (!$("venue").value) { status("pick a store first"); return; }
  showRadius();
  status("finding invitees…");
  try {
    lastQuery = query();
    const found = await (await api(`/geo/invitations.geojson?${lastQuery}`)).json();
    invited.clearLayers();
    const rows = $("invitees").querySelector("tbody");
    rows.replaceChildren();
    for (const feature of found.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      L.circleMarker([lat, lon], { radius: 6, color: "#047857", fillColor: "#10b981", fillOpacity: 1, className: "invitee" })
        .bindTooltip(asText(p.reason)).addTo(invited);
      const row = rows.insertRow();
      for (const value of [p.customer_id, [p.first_name, p.last_name].filter(Boolean).join(" "), p.distance_km, p.via, p.segment || ""]) {
        row.insertCell().textContent = value;
      }
      row.title = p.reason;
    }
    invited.addTo(map);
    $("csv").disabled = false;
    status(`${found.features.length} invitee(s) with a marketing consent`);
  } catch (error) {
    status(`error: ${error.message}`);
  }
}

async function downloadCsv() {
  try {
    const blob = await (await api(`/geo/invitations.csv?${lastQuery}`)).blob();
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: "invitations.csv" });
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (error) {
    status(`error: ${error.message}`);
  }
}

async function start() {
  await drawBoundaries();
  if (!tokenInput.value.trim()) { status("paste a token (c360 token --role marketing), then press Enter"); return; }
  try {
    const stores = await drawStores();
    const people = await drawHomes();
    await loadSegments();
    status(`${stores} stores, ${people} customers placed`);
    document.body.dataset.ready = "true";
  } catch (error) {
    console.error(error);
    status(`error: ${error.message || error}`);
  }
}

$("invite").addEventListener("click", invite);
$("csv").addEventListener("click", downloadCsv);
$("venue").addEventListener("change", showRadius);
$("radius").addEventListener("change", showRadius);
tokenInput.addEventListener("keydown", (event) => { if (event.key === "Enter") { location.reload(); } });
start();
