// Mounts the API reference (Scalar, vendored from npm) on /api/docs, configured
// to stay on this server: no web fonts, telemetry or request proxy from elsewhere.
Scalar.createApiReference('#api-reference', {
  url: '/api/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  proxyUrl: '',
  hideClientButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
});
