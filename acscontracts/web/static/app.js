// acscontracts web app: live checks, preview, and adding or removing rows without a page reload.
// No framework: the server renders every field; this script only posts the form and places the answers.
(function () {
  "use strict";
  var form = document.getElementById("deal-form");
  if (!form) return;
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById("status");
  var docSelect = document.getElementById("doc-select");
  var timer = null, sequence = 0, dirty = false;

  function post(url, extra) {
    var body = new URLSearchParams(new FormData(form));
    if (extra) Object.keys(extra).forEach(function (k) { body.set(k, extra[k]); });
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRF-Token": token, "X-Fragment": "1"}});
  }

  function fieldFor(path) {  // the field a diagnostic concerns, or its nearest enclosing one
    while (path) {
      var el = document.querySelector('[data-path="' + CSS.escape(path) + '"]');
      if (el) return el;
      var shorter = path.replace(/(\.[^.\[\]]+|\[\d+\])$/, "");
      if (shorter === path) break;
      path = shorter;
    }
    return null;
  }

  function reveal(el) {
    for (var p = el; p; p = p.parentElement) if (p.tagName === "DETAILS") p.open = true;
  }

  function item(d, listEl) {
    var li = document.createElement("li");
    li.className = d.severity || "need";
    var a = document.createElement("a");
    a.href = "#";
    a.textContent = (d.code ? d.code + " " : "") + (d.path ? d.path + ": " : "") + d.message + (d.hint ? "; " + d.hint : "");
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var el = fieldFor(d.path || d.field || "");
      if (!el) return;
      reveal(el);
      el.scrollIntoView({block: "center"});
      var input = el.querySelector("input:not([type=hidden]),select,textarea");
      if (input) input.focus();
    });
    li.appendChild(a);
    listEl.appendChild(li);
  }

  function show(result) {
    document.querySelectorAll(".diag").forEach(function (el) { el.textContent = ""; });
    document.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var problems = document.getElementById("problems");
    problems.textContent = "";
    var errors = 0;
    result.diagnostics.forEach(function (d) {
      if (d.severity === "error") errors++;
      item(d, problems);
      var el = fieldFor(d.path);
      if (!el) return;
      var diag = el.querySelector(".diag");
      if (!diag) return;
      var p = document.createElement("p");
      p.className = "msg " + d.severity;
      p.textContent = d.message + (d.hint ? "; " + d.hint : "") + " (" + d.code + ")";
      diag.appendChild(p);
      if (d.severity === "error") el.classList.add("has-error");
    });
    document.getElementById("problem-count").textContent = errors ? errors + " error(s)" : "none";
    var needs = document.getElementById("final-needs");
    needs.textContent = "";
    result.final_needs.forEach(function (d) { item({path: d.path, message: d.message}, needs); });
    var blanks = document.getElementById("blanks");
    blanks.textContent = "";
    result.blanks.forEach(function (b) {
      item({path: b.field, message: "[●]" + (b.hint ? " " + b.hint : "")}, blanks);
    });
    var current = docSelect.value || result.document;
    if (result.documents.length) docSelect.textContent = "";  // while there are errors, keep the last list
    result.documents.forEach(function (d) {
      var o = document.createElement("option");
      o.value = d.name;
      o.textContent = d.name;
      if (d.name === current) o.selected = true;
      docSelect.appendChild(o);
    });
    var note = document.getElementById("preview-note");
    if (result.preview !== null) {
      document.getElementById("preview").innerHTML = result.preview;  // our own writer's escaped HTML
      note.textContent = "The preview follows every change.";
      note.classList.remove("stale");
    } else {
      note.textContent = "Fix the errors to update the preview.";
      note.classList.add("stale");
    }
    syncPartners(result.partners);
    form.dataset.checked = String(sequence);
    status.textContent = (dirty ? "Unsaved changes. " : "") + (errors ? errors + " error(s)." : "No errors.");
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  // Partner pickers offer the partners the form lists now (a partner added a moment ago included).
  function syncPartners(partners) {
    var ids = partners.map(function (p) { return p[0]; });
    document.querySelectorAll("select.partner").forEach(function (select) {
      var current = select.value;
      var extras = Array.prototype.filter.call(select.options, function (o) { return o.dataset.explain; });
      var first = select.options[0];
      select.textContent = "";
      select.appendChild(first);
      partners.forEach(function (p) { select.appendChild(option(p[0], p[1])); });
      extras.forEach(function (o) { select.appendChild(o); });
      if (current && ids.indexOf(current) < 0 && !extras.some(function (o) { return o.value === current; }))
        select.appendChild(option(current, current + " (not a partner)"));
      select.value = current;
    });
    document.querySelectorAll(".partner-checks").forEach(function (group) {
      var box = group.querySelector(".checks");
      var shown = {};
      box.querySelectorAll("input").forEach(function (input) {
        if (ids.indexOf(input.value) < 0 && !input.checked) input.parentElement.remove();
        else shown[input.value] = true;
      });
      partners.forEach(function (p) {
        if (shown[p[0]]) return;
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = group.dataset.path;
        input.value = p[0];
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + p[1]));
        box.appendChild(label);
      });
    });
  }

  function check() {
    var mine = ++sequence;
    status.textContent = "Checking…";
    post(form.dataset.check).then(function (r) { return r.json(); }).then(function (result) {
      if (mine === sequence) show(result);
    }).catch(function () { status.textContent = "The server did not answer; is it still running?"; });
  }

  function later() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }

  function explain(select) {
    var p = select.parentElement.querySelector(".explain");
    var option = select.options[select.selectedIndex];
    if (p) p.textContent = option ? (option.dataset.explain || "") : "";
  }

  form.addEventListener("input", later);
  form.addEventListener("change", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("explained")) explain(ev.target);
    later();
  });
  docSelect.addEventListener("change", check);
  form.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target.tagName === "INPUT") ev.preventDefault();
  });
  form.addEventListener("submit", function (ev) {
    var button = ev.submitter;
    if (!button || button.name !== "_action" || !/^(add|remove):/.test(button.value)) return;
    ev.preventDefault();
    post(form.action, {_action: button.value}).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var y = window.scrollY;
      document.getElementById("fields").innerHTML = html;
      window.scrollTo(0, y);
      later();
    }).catch(function () { status.textContent = "Could not change the rows; reload the page."; });
  });
  check();
})();
