// Keyboard-first console: Ctrl+K or "/" opens the command palette (results as you type),
// j/k move through list rows and Enter opens one, Ctrl+S saves the form you are in, and "?"
// shows the shortcuts. Everything else works without JavaScript.
"use strict";
(function () {
  var palette, input, list, help, results = [], chosen = -1, timer = null, asked = 0;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function show(items) {
    results = items;
    chosen = items.length ? 0 : -1;
    list.textContent = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = "palette-option-" + index;
      li.setAttribute("role", "option");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.kind;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(item.label + (item.detail ? " · " + item.detail : "")));
      li.addEventListener("click", function () { window.location.assign(item.url); });
      list.appendChild(li);
    });
    if (!items.length && input.value.trim()) {
      var none = document.createElement("li");
      none.textContent = "Nothing found";
      list.appendChild(none);
    }
    mark();
  }

  function mark() {
    Array.prototype.forEach.call(list.querySelectorAll("[role=option]"), function (li, index) {
      li.setAttribute("aria-selected", index === chosen ? "true" : "false");
      if (index === chosen) { li.scrollIntoView({ block: "nearest" }); }
    });
    if (chosen >= 0) { input.setAttribute("aria-activedescendant", "palette-option-" + chosen); }
    else { input.removeAttribute("aria-activedescendant"); }
  }

  function search() {
    var q = input.value.trim(), ticket = ++asked;
    if (!q) { show([]); return; }
    fetch(palette.dataset.search + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (body) { if (ticket === asked) { show(body.results || []); } })
      .catch(function () { if (ticket === asked) { show([]); } });
  }

  function openPalette() {
    if (palette.open) { return; }
    if (help.open) { help.close(); }
    input.value = "";
    show([]);
    palette.showModal();
    input.focus();
  }

  function rows() {
    return Array.prototype.filter.call(document.querySelectorAll("main table tbody tr"), function (row) {
      return row.querySelector("a[href]");
    });
  }

  function moveRow(step) {
    var all = rows();
    if (!all.length) { return; }
    var current = all.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, current + step));
    if (current < 0) { next = step > 0 ? 0 : all.length - 1; }
    if (current >= 0) { all[current].classList.remove("selected"); all[current].removeAttribute("aria-selected"); }
    all[next].classList.add("selected");
    all[next].setAttribute("aria-selected", "true");
    all[next].querySelector("a[href]").focus();
  }

  function saveForm(target) {
    var form = target && target.closest ? target.closest("form") : null;
    if (!form || form.method.toLowerCase() !== "post") {
      form = Array.prototype.find.call(document.querySelectorAll("main form[method=post]"), function (f) {
        return Array.prototype.some.call(f.querySelectorAll("button"), function (b) { return b.textContent.trim() === "Save"; });
      });
    }
    if (form) { form.requestSubmit(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    palette = document.getElementById("palette");
    help = document.getElementById("help");
    if (!palette || !help) { return; }
    input = document.getElementById("palette-input");
    list = document.getElementById("palette-results");
    var helpButton = document.getElementById("open-help");
    helpButton.hidden = false;
    helpButton.addEventListener("click", function () { help.showModal(); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && results.length) { chosen = (chosen + 1) % results.length; mark(); event.preventDefault(); }
      else if (event.key === "ArrowUp" && results.length) { chosen = (chosen - 1 + results.length) % results.length; mark(); event.preventDefault(); }
      else if (event.key === "Enter" && chosen >= 0) { event.preventDefault(); window.location.assign(results[chosen].url); }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (!palette) { return; }
    var key = event.key, ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (key === "k" || key === "K")) { event.preventDefault(); openPalette(); return; }
    if (ctrl && (key === "s" || key === "S")) { event.preventDefault(); saveForm(event.target); return; }
    if (palette.open || help.open || typing(event.target) || ctrl || event.altKey) { return; }
    if (key === "/") { event.preventDefault(); openPalette(); }
    else if (key === "?") { event.preventDefault(); help.showModal(); }
    else if (key === "j") { event.preventDefault(); moveRow(1); }
    else if (key === "k") { event.preventDefault(); moveRow(-1); }
    else if (key === "Enter") {
      var row = document.querySelector("main tr.selected a[href]");
      if (row && document.activeElement !== row) { event.preventDefault(); row.click(); }
    }
  });
})();
