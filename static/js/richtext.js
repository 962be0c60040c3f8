// Turns every <textarea data-richtext> into a small formatting editor. Without JavaScript the
// textarea stays and takes HTML; either way the server sanitises what is stored.
(function () {
  "use strict";

  var KEPT_ATTRIBUTES = ["class", "colspan", "rowspan"];
  var INERT = "script, style, meta, link, title, iframe, frame, object, embed, img, svg, math, template, xml, form";

  var BLOCKS = "p, div, h1, h2, h3, h4, h5, h6, ul, ol, li, table, blockquote";

  // Word says which paragraphs are list items, and at what level, only in its styles ("mso-list:l0 level2 lfo1")
  // and hides the bullets in conditional comments; the browser's own paste drops both and leaves "·" and "1." as
  // text. So the clipboard's HTML goes in as it is, parsed where nothing in it runs, without its styles (which the
  // page's Content-Security-Policy refuses) but with Word's list marks kept as data-mso-list; the server turns
  // them into real lists and headings when the text is saved (samverkan/lib/richtext.py).
  function pastable(html) {
    // Even parsed apart, a style sheet or style attribute counts against the page's policy: both are renamed first.
    html = html.replace(/<style[\s\S]*?<\/style\s*>/gi, "").replace(/<[a-z][^>]*>/gi, function (tag) {
      return tag.replace(/(\s)style(\s*=)/gi, "$1data-style$2");
    });
    var body = new DOMParser().parseFromString(html, "text/html").body;
    body.querySelectorAll(INERT).forEach(function (node) { node.remove(); });
    body.querySelectorAll("*").forEach(function (node) {
      var style = node.getAttribute("data-style") || "";
      var list = /mso-list:\s*([^;]+)/i.exec(style);
      keepEmphasis(node, style);
      var href = node.getAttribute("href");
      Array.from(node.attributes).forEach(function (attribute) {
        if (KEPT_ATTRIBUTES.indexOf(attribute.name) === -1) { node.removeAttribute(attribute.name); }
      });
      if (list) { node.setAttribute("data-mso-list", list[1].trim()); }
      if (href && /^(https?:|mailto:)/i.test(href.trim())) { node.setAttribute("href", href.trim()); }
    });
    return body;
  }

  // Bold and italic said only in styles (Google Docs writes them so, and wraps the whole copy in a <b> that is not
  // bold) become the tags that say them, since the styles go.
  function keepEmphasis(node, style) {
    if (/^(B|STRONG)$/.test(node.tagName) && /font-weight:\s*(normal|[1-5]00)\b/i.test(style)) {
      node.replaceWith.apply(node, Array.from(node.childNodes));
      return;
    }
    if (node.tagName !== "SPAN") { return; }
    [[/font-weight:\s*(bold|[6-9]00)\b/i, "strong"], [/font-style:\s*italic/i, "em"]].forEach(function (rule) {
      if (!rule[0].test(style)) { return; }
      var wrapper = node.ownerDocument.createElement(rule[1]);
      while (node.firstChild) { wrapper.appendChild(node.firstChild); }
      node.appendChild(wrapper);
    });
  }

  // Inserted with the DOM rather than the insertHTML command, which would add inline styles of its own. Paragraphs
  // split the one the caret is in (an empty one gives way to them); words alone go in at the caret.
  function insertPasted(editor, body) {
    var blocks = body.querySelector(BLOCKS) !== null;
    var fragment = document.createDocumentFragment();
    while (body.firstChild) { fragment.appendChild(document.adoptNode(body.firstChild)); }
    var last = fragment.lastChild;
    if (!last) { return; }
    var selection = window.getSelection();
    var range = selection.rangeCount ? selection.getRangeAt(0) : null;
    if (!range || !editor.contains(range.startContainer)) {
      editor.appendChild(fragment);
    } else {
      range.deleteContents();
      var block = range.startContainer;
      while (block && block !== editor && block.parentNode !== editor) { block = block.parentNode; }
      if (!blocks || !block || block === editor) {
        range.insertNode(fragment);
      } else if (!block.textContent.trim()) {
        editor.replaceChild(fragment, block);
      } else {
        var rest = document.createRange();
        rest.setStart(range.startContainer, range.startOffset);
        rest.setEndAfter(block);
        var tail = rest.extractContents();
        if (tail.textContent.trim()) { fragment.appendChild(tail); }
        block.after(fragment);
      }
    }
    var caret = document.createRange();
    caret.setStartAfter(last);
    caret.collapse(true);
    selection.removeAllRanges();
    selection.addRange(caret);
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
      insertPasted(editor, pastable(html));
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
