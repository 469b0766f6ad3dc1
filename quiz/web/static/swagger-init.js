/* The API reference (/api/docs): Swagger UI set up from the page's data attributes (no inline
 * script, so the page's Content-Security-Policy can forbid them all). */
(function () {
  const box = document.getElementById("swagger-ui-container");
  const config = Object.assign(
    { url: box.dataset.specUrl, dom_id: "#swagger-ui-container" },
    JSON.parse(box.dataset.config || "{}"),
  );
  window.addEventListener("load", function () { window.ui = window.SwaggerUIBundle(config); });
})();
