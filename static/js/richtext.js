// Turns every <textarea data-richtext> into a small formatting editor. Without JavaScript the
// textarea stays and takes HTML; either way the server sanitises what is stored.
(function () {
  "use strict";

  var KEPT_ATTRIBUTES = ["class", "colspan", "rowspan"];
  var INERT = "script, style, meta, link, title, iframe, frame, object, embed, img, svg, math, template, xml, form";

  // Word says which paragraphs are list items, and at what level, only in its styles ("mso-list:l0 level2 lfo1")
  // and hides the bullets in conditional comments; the browser's own paste drops both and leaves "·" and "1." as
  // text. So the clipboard's HTML goes in as it is, parsed where nothing in it runs, without its styles (which the
  // page's Content-Security-Policy refuses) but with Word's list marks kept as data-mso-list; the server turns
  // them into real lists and headings when the text is saved (samverkan/lib/richtext.py).
  function pastable(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.body.querySelectorAll(INERT).forEach(function (node) { node.remove(); });
    doc.body.querySelectorAll("*").forEach(function (node) {
      var list = /mso-list:\s*([^;]+)/i.exec(node.getAttribute("style") || "");
      var href = node.getAttribute("href");
      Array.from(node.attributes).forEach(function (attribute) {
        if (KEPT_ATTRIBUTES.indexOf(attribute.name) === -1) { node.removeAttribute(attribute.name); }
      });
      if (list) { node.setAttribute("data-mso-list", list[1].trim()); }
      if (href && /^(https?:|mailto:)/i.test(href.trim())) { node.setAttribute("href", href.trim()); }
    });
    return doc.body.innerHTML;
  }

  function enhance(textarea) {
    var container = textarea.closest(".richtext");
    var toolbar = container.querySelector(".richtext-toolbar");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    var editor = document.createElement("div");

    editor.className = "form-control richtext-editor prose";
    editor.contentEditable = "true";
    editor.id = textarea.id + "-editor";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    if (label) {
      label.id = label.id || textarea.id + "-label";
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    if (textarea.getAttribute("aria-describedby")) {
      editor.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    if (textarea.classList.contains("is-invalid")) {
      editor.classList.add("is-invalid");
      editor.setAttribute("aria-invalid", "true");
    }
    // Start with a paragraph so that the first line typed is one, as it is after pressing Enter.
    editor.innerHTML = textarea.value.trim() || "<p><br></p>";
    textarea.hidden = true;
    toolbar.hidden = false;
    toolbar.setAttribute("aria-controls", editor.id);
    textarea.insertAdjacentElement("afterend", editor);

    function sync() { textarea.value = editor.innerHTML; }

    function refreshPressed() {
      toolbar.querySelectorAll("[aria-pressed]").forEach(function (button) {
        var on = false;
        try { on = document.queryCommandState(button.dataset.command); } catch (e) { on = false; }
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.closest("button")) { event.preventDefault(); }  // keep the selection in the editor
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      editor.focus();
      var value = button.dataset.value || null;
      if (button.dataset.command === "createLink") {
        value = window.prompt(toolbar.dataset.linkPrompt, "https://");
        if (!value) { return; }
      }
      document.execCommand("defaultParagraphSeparator", false, "p");
      document.execCommand(button.dataset.command, false, value);
      sync();
      refreshPressed();
    });
    editor.addEventListener("paste", function (event) {
      var html = event.clipboardData && event.clipboardData.getData("text/html");
      if (!html) { return; }  // plain text: the browser makes a paragraph of each line
      event.preventDefault();
      document.execCommand("insertHTML", false, pastable(html));
      sync();
    });
    editor.addEventListener("input", sync);
    editor.addEventListener("keyup", refreshPressed);
    editor.addEventListener("mouseup", refreshPressed);
    editor.addEventListener("focus", function () {
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    textarea.form.addEventListener("submit", sync);
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(enhance);
})();
