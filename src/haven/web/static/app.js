// Haven's only script of its own: send the CSRF token with every HTMX request, and let the
// language switch submit itself. Everything else works without JavaScript.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) { event.target.form.requestSubmit(); }
});
