// Mounts GraphiQL (React 18's and GraphiQL 4's UMD builds, vendored from npm) on
// /api/graphql, configured to stay on this server: queries and mutations are
// POSTed as plain JSON to /api/graphql, subscriptions use graphql-transport-ws on
// /api/graphql/ws, both on this host with the session cookie. The only plugins
// are the two built in (documentation explorer, history), which load nothing.
const subscriptionUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/graphql/ws';

const fetcher = GraphiQL.createFetcher({
  url: '/api/graphql',
  subscriptionUrl,
  // One JSON answer per request (no multipart/mixed incremental delivery).
  enableIncrementalDelivery: false,
});

const defaultQuery = `# DreamSeed Admin's GraphQL API, as the signed-in account.
# Ctrl-Enter runs the query; the Docs button lists the schema.
{
  me {
    name
    role
  }
}
`;

ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: false }),
);
