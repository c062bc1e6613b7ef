// Starts GraphiQL on /graphql from the vendored React and GraphiQL (api/static/vendor/graphiql): the page loads
// nothing from another server, and this file is its only script of c360's own, so the Content-Security-Policy
// needs no inline script. Every query goes to this server with the headers of the Headers tab, where the bearer
// token goes: {"Authorization": "Bearer <token>"} (c360 token --role agent). The query and variables are kept
// in the address's fragment (#query=…&variables=…) to share or reload a query: a fragment is never sent to the
// server (a query string would make the page's own address a data request, refused without a token), and the
// headers are never kept there, as they hold the token.
"use strict";

const EXAMPLE_QUERY = `# c360's GraphQL API. Put a token in the Headers tab below:
#   {"Authorization": "Bearer <token>"}   (c360 token --role agent)
# then run a query with Ctrl-Enter, for example:
{
  segments { name customers }
}
`;

const parameters = new URLSearchParams(location.hash.slice(1));

function remember(name, value) {
  if (value) { parameters.set(name, value); } else { parameters.delete(name); }
  const search = parameters.toString();
  history.replaceState(null, "", search ? `#${search}` : location.pathname);
}

const fetcher = GraphiQL.createFetcher({ url: `${location.origin}${location.pathname}` });
const explorer = GraphiQLPluginExplorer.explorerPlugin();

function C360GraphiQL() {
  const [query, setQuery] = React.useState(parameters.get("query") || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(parameters.get("variables") || undefined);
  return React.createElement(GraphiQL, {
    fetcher,
    plugins: [explorer],
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    inputValueDeprecation: true,
    query,
    variables,
    onEditQuery: (text) => { setQuery(text); remember("query", text); },
    onEditVariables: (text) => { setVariables(text); remember("variables", text); },
  });
}

ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(C360GraphiQL));
