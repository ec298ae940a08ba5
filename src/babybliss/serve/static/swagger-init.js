// Swagger UI for /docs, from the files of the fastapi-offline package (no CDN); a file, as the page's CSP allows no inline script.
"use strict";
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null, // no badge from validator.swagger.io: nothing leaves the server's address
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
