#!/usr/bin/env bash
# Refresh the map's vendored browser libraries from npm (exact versions in package.json / package-lock.json).
# The copies are committed: serving the map needs neither npm nor the network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
to=../api/static/vendor
rm -rf "$to" && mkdir -p "$to/leaflet/images" "$to/markercluster"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$to/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$to/leaflet/images/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css node_modules/leaflet.markercluster/MIT-LICENCE.txt "$to/markercluster/"
cp node_modules/topojson-client/dist/topojson-client.min.js "$to/"
cp node_modules/topojson-client/LICENSE "$to/topojson-client.LICENSE"
cp node_modules/world-atlas/countries-50m.json "$to/"
cp node_modules/world-atlas/LICENSE "$to/world-atlas.LICENSE"
