// "Add row" for Django formsets: copies the hidden empty form and counts it in TOTAL_FORMS.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (formset) {
    var prefix = formset.dataset.formset;
    var total = formset.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = formset.querySelector("template[data-empty-form]");
    var rows = formset.querySelector("[data-formset-rows]");
    var button = formset.querySelector("[data-formset-add]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      rows.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      var first = rows.lastElementChild.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
