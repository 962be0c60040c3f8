// Keyboard users stay where they work when htmx puts a form or a saved item into the page:
// a form gets the focus in its first field, a saved item gets the focus itself.
(function () {
  "use strict";
  document.body.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!element.classList || !element.classList.contains("item")) { return; }
    if (element.classList.contains("item-form")) {
      var field = element.querySelector("input:not([type=hidden]), select, textarea");
      if (field) { field.focus(); }
    } else {
      element.focus();
    }
  });
})();
