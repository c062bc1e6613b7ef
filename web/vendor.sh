#!/usr/bin/env bash
# Refresh the vendored browser libraries of the map, the dashboard, GraphiQL and the explorer from npm (exact
# versions in package.json / package-lock.json). The copies are committed: serving the map, the dashboard,
# GraphiQL or the explorer needs neither npm nor the network.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --silent
to=../api/static/vendor
rm -rf "$to" && mkdir -p "$to/leaflet/images" "$to/markercluster" "$to/graphiql" "$to/chartjs"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$to/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$to/leaflet/images/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css node_modules/leaflet.markercluster/MIT-LICENCE.txt "$to/markercluster/"
cp node_modules/topojson-client/dist/topojson-client.min.js "$to/"
cp node_modules/topojson-client/LICENSE "$to/topojson-client.LICENSE"
cp node_modules/world-atlas/countries-50m.json "$to/"
cp node_modules/world-atlas/LICENSE "$to/world-atlas.LICENSE"
# GraphiQL (/graphql): React and ReactDOM as UMD builds, GraphiQL's own bundle (CodeMirror, graphql-js and its
# fonts inside) and the query-builder plugin; no source maps, which only a browser's developer tools ask for.
g="$to/graphiql"
cp node_modules/react/umd/react.production.min.js "$g/"
cp node_modules/react/LICENSE "$g/react.LICENSE"
cp node_modules/react-dom/umd/react-dom.production.min.js "$g/"
cp node_modules/react-dom/LICENSE "$g/react-dom.LICENSE"
sed '/^\/\/# sourceMappingURL=/d' node_modules/graphiql/graphiql.min.js > "$g/graphiql.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' node_modules/graphiql/graphiql.min.css > "$g/graphiql.min.css"
cp node_modules/graphiql/LICENSE "$g/graphiql.LICENSE"
cp node_modules/@graphiql/plugin-explorer/dist/index.umd.js "$g/plugin-explorer.umd.js"
cp node_modules/@graphiql/plugin-explorer/dist/style.css "$g/plugin-explorer.css"
# the plugin's package ships no licence file: it is MIT, from the same repository (graphql/graphiql) as GraphiQL
node -e 'const p = require("./node_modules/@graphiql/plugin-explorer/package.json");
  console.log(`${p.name} ${p.version}: ${p.license} licence, from ${p.repository.url || p.repository}; the text is graphiql.LICENSE.`)' \
  > "$g/plugin-explorer.LICENSE"
# Chart.js (/dashboard): its UMD build, which draws on canvas and needs no stylesheet; no source map
sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js > "$to/chartjs/chart.umd.min.js"
cp node_modules/chart.js/LICENSE.md "$to/chartjs/LICENSE.md"
# the explorer (/explore): cytoscape.js, one self-contained UMD build drawing on a canvas
cp node_modules/cytoscape/dist/cytoscape.min.js "$to/"
cp node_modules/cytoscape/LICENSE "$to/cytoscape.LICENSE"
