// Nothing typed is lost to the idle timeout.
// 1. Before the session ends for inactivity the page offers "Fortsätt arbeta", which starts its idle time again;
//    once it has ended, the page says so and links to the login page.
// 2. What is typed into a form is kept in the tab's sessionStorage, keyed by the page, the form's address and its
//    fields' names (never a password, a file or the CSRF token), and put back on the same form when the page is
//    opened again, as after logging in again. A save that leads to another page clears it; logging out clears all.
//    The version a form was loaded with is kept with the text, so a restored save over someone else's newer one is
//    refused like any other stale save.
(function () {
  "use strict";

  var PREFIX = "samverkan-draft:";
  var SUBMITTED = "samverkan-draft-submitted";
  var WARN_BEFORE_SECONDS = 300;
  var SKIPPED_TYPES = ["password", "file", "submit", "button", "reset", "image"];
  var VERSION_FIELD = /(^|-)loaded_(version|fingerprint)$/;

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage turned off: the page works as before
    }
  }

  function keptForm(form) {
    if (!form || (form.getAttribute("method") || "get").toLowerCase() !== "post") return false;
    if (form.hasAttribute("data-no-draft") || form.hasAttribute("data-logout")) return false;
    return !form.querySelector("input[type=password]");
  }

  function keyOf(form) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    return PREFIX + window.location.pathname + "|" + action.pathname + action.search;
  }

  function kept(element) {
    if (!element.name || element.disabled || SKIPPED_TYPES.indexOf(element.type) !== -1) return false;
    if (element.type === "hidden") return VERSION_FIELD.test(element.name);
    return true;
  }

  function valueOf(element) {
    if (element.type === "checkbox" || element.type === "radio") return element.checked;
    if (element.type === "select-multiple") {
      return Array.prototype.filter.call(element.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return element.value;
  }

  function setValue(element, value) {
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = value;
    } else if (element.type === "select-multiple") {
      Array.prototype.forEach.call(element.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
    } else {
      element.value = value;
    }
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  // Fields by name and position: a radio group or a repeated name is several fields of one name.
  function fields(form) {
    var seen = {};
    var result = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!kept(element)) return;
      var id = element.name + "#" + (seen[element.name] = (seen[element.name] || 0) + 1);
      result.push([id, element]);
    });
    return result;
  }

  function save(form) {
    var store = storage();
    if (!store || !keptForm(form)) return;
    var values = {};
    fields(form).forEach(function (pair) { values[pair[0]] = valueOf(pair[1]); });
    try {
      store.setItem(keyOf(form), JSON.stringify(values));
    } catch (error) {
      // storage full: nothing more can be kept
    }
  }

  function restore(form) {
    var store = storage();
    if (!store || !keptForm(form)) return false;
    var stored = store.getItem(keyOf(form));
    if (!stored) return false;
    var values = JSON.parse(stored);
    var current = fields(form);
    var typedDiffers = current.some(function (pair) {
      return !VERSION_FIELD.test(pair[1].name) && pair[0] in values && !same(values[pair[0]], valueOf(pair[1]));
    });
    if (!typedDiffers) {
      // The page already shows it (a form shown again with its errors, or saved as typed).
      store.removeItem(keyOf(form));
      return false;
    }
    current.forEach(function (pair) {
      if (pair[0] in values) setValue(pair[1], values[pair[0]]);
    });
    return true;
  }

  function restoreIn(root) {
    var restored = null;
    var forms = root.tagName === "FORM" ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (restore(form) && !restored) restored = form;
    });
    var notice = document.getElementById("draft-restored");
    if (restored && notice) {
      restored.insertAdjacentElement("beforebegin", notice.firstElementChild.cloneNode(true));
    }
  }

  function settleLastSubmission() {
    var store = storage();
    if (!store) return;
    var key = store.getItem(SUBMITTED);
    if (!key) return;
    store.removeItem(SUBMITTED);
    // The login page: the session had ended and nothing was saved; the text waits for the form after login.
    if (document.querySelector("form input[type=password]")) return;
    // Any other page saved it, or is the same form shown again with what was posted and its errors: either way
    // the server has what was typed.
    store.removeItem(key);
  }

  function forgetAll() {
    var store = storage();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key.indexOf(PREFIX) === 0 || key === SUBMITTED) store.removeItem(key);
    }
  }

  settleLastSubmission();
  restoreIn(document);
  document.addEventListener("htmx:load", function (event) { restoreIn(event.target); });
  // A form saved in place (htmx) leads to no other page: its answer, the saved item or the form shown again with
  // its errors, means the server has what was typed. (Before the swap: a form swapped out sends no more events.)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var form = config.elt && config.elt.tagName === "FORM" ? config.elt : null;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var store = storage();
    if (!form || !store || status < 200 || status >= 300 || !keptForm(form)) return;
    if (store.getItem(SUBMITTED) === keyOf(form)) store.removeItem(SUBMITTED);
    store.removeItem(keyOf(form));
  });
  document.addEventListener("input", function (event) { save(event.target.form || event.target.closest("form")); });
  document.addEventListener("change", function (event) { save(event.target.form || event.target.closest("form")); });
  document.addEventListener("click", function (event) {
    // Leaving a form by one of its own links ("Avbryt") gives up what was typed in it.
    var link = event.target.closest("form a[href]");
    var store = storage();
    if (link && store && keptForm(link.closest("form"))) store.removeItem(keyOf(link.closest("form")));
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-logout")) {
      forgetAll();
    } else if (keptForm(form) && storage()) {
      save(form);
      storage().setItem(SUBMITTED, keyOf(form));
    }
  });

  // The idle timeout.
  var secondsLeft = parseInt(document.body.getAttribute("data-session-seconds-left"), 10);
  var warning = document.getElementById("session-warning");
  var ended = document.getElementById("session-ended");
  if (isNaN(secondsLeft) || !warning || !ended) return;
  var timers = [];

  function schedule(seconds) {
    timers.forEach(window.clearTimeout);
    warning.hidden = true;
    ended.hidden = true;
    // Five minutes before the end; with a shorter timeout, half-way.
    var warnAfter = Math.max(seconds - WARN_BEFORE_SECONDS, seconds / 2);
    timers = [
      window.setTimeout(function () { warning.hidden = false; }, warnAfter * 1000),
      window.setTimeout(function () { warning.hidden = true; ended.hidden = false; }, seconds * 1000),
    ];
  }

  warning.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.seconds_left > 0) {
          schedule(answer.seconds_left);
        } else {
          warning.hidden = true;
          ended.hidden = false;
        }
      });
  });

  schedule(secondsLeft);
})();
