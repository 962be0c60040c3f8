// Keyboard users stay where they work when htmx puts a form or a saved item into the page:
// a form gets the focus in its first field (or its first field in error), a saved item gets the focus itself.
(function () {
  "use strict";

  function firstField(form) {
    return form.querySelector(".is-invalid") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
  }

  // An "add" link whose form is already open goes to that form instead of opening a second one.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var link = event.detail.elt;
    if (!link.hasAttribute || !link.hasAttribute("data-add")) { return; }
    var open = event.detail.target.querySelector(":scope > .item-form");
    if (open) {
      event.preventDefault();
      var field = firstField(open);
      if (field) { field.focus(); }
    }
  });

  document.body.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (!element.classList || !element.classList.contains("item")) { return; }
    if (element.classList.contains("item-form")) {
      var field = firstField(element);
      if (field) { field.focus(); }
    } else {
      element.focus();
    }
  });
})();
