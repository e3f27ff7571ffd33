// The designer's pages: the bpmn-js modeler with a small side panel, save/validate/deploy through
// the server, problems marked on the diagram; the form-js editor or an XML box for one resource.
(function () {
  "use strict";
  var status = document.getElementById("status");
  function say(text, bad) { status.textContent = text; status.className = bad ? "error" : "ok"; }
  function post(url, fields, csrf) {
    var body = new URLSearchParams(fields);
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  var draft = document.getElementById("draft-data");
  if (draft && window.BpmnJS) {
    var cfg = JSON.parse(draft.textContent);
    var modeler = new window.BpmnJS({ container: document.getElementById("modeler") });
    var marked = [];
    var selected = null;
    var box = document.getElementById("modeler");
    modeler.importXML(cfg.xml).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      box.dataset.ready = "1";
    }).catch(function (err) { say(String(err.message || err), true); });

    var $ = function (id) { return document.getElementById(id); };
    function laneOf(bo) {
      var lanes = modeler.get("elementRegistry").filter(function (e) { return e.type === "bpmn:Lane"; });
      for (var i = 0; i < lanes.length; i++) {
        if ((lanes[i].businessObject.flowNodeRef || []).indexOf(bo) >= 0) { return lanes[i].businessObject.name; }
      }
      return "—";
    }
    function formOf(bo) {
      var values = (bo.extensionElements && bo.extensionElements.values) || [];
      for (var i = 0; i < values.length; i++) {
        var kids = values[i].$children || values[i].properties || [];
        for (var j = 0; j < kids.length; j++) {
          if (kids[j].name === "formKey") { return kids[j].value; }
        }
      }
      return "—";
    }
    modeler.get("eventBus").on("selection.changed", function (e) {
      selected = e.newSelection.length === 1 ? e.newSelection[0] : null;
      $("panel-fields").hidden = !selected;
      $("panel-empty").hidden = !!selected;
      if (!selected) { return; }
      var bo = selected.businessObject;
      $("el-id").value = bo.id || "";
      $("el-name").value = bo.name || "";
      $("el-lane").textContent = laneOf(bo);
      $("el-form").textContent = formOf(bo);
    });
    $("el-apply").addEventListener("click", function () {
      if (!selected) { return; }
      var modeling = modeler.get("modeling");
      var changes = { name: $("el-name").value };
      if ($("el-id").value && $("el-id").value !== selected.businessObject.id) { changes.id = $("el-id").value; }
      modeling.updateProperties(selected, changes);
    });
    function mark(problems) {
      var canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry");
      marked.forEach(function (id) { if (registry.get(id)) { canvas.removeMarker(id, "pf-problem"); } });
      marked = [];
      var list = $("problems");
      list.textContent = "";
      problems.forEach(function (p) {
        var li = document.createElement("li");
        li.textContent = p.text;
        list.appendChild(li);
        p.elements.forEach(function (id) {
          if (registry.get(id)) { canvas.addMarker(id, "pf-problem"); marked.push(id); }
        });
      });
    }
    function saveThen(next) {
      status.textContent = cfg.saving;
      status.className = "muted";
      return modeler.saveXML({ format: true }).then(function (res) {
        return post(cfg.save, { bpmn: res.xml }, cfg.csrf);
      }).then(function (answer) { return next ? post(next, {}, cfg.csrf) : answer; })
        .then(function (answer) { mark(answer.problems || []); say(answer.message, answer.ok === false); })
        .catch(function () { say(cfg.failed, true); });
    }
    $("save").addEventListener("click", function () { saveThen(null); });
    $("validate").addEventListener("click", function () { saveThen(cfg.validate); });
    $("deploy").addEventListener("click", function () { saveThen(cfg.deploy); });
  }

  var resource = document.getElementById("resource-data");
  if (resource) {
    var res = JSON.parse(resource.textContent);
    var editor = null;
    if (res.form && window.FormEditor) {
      editor = new window.FormEditor.FormEditor({ container: document.getElementById("form-editor") });
      editor.importSchema(JSON.parse(res.content)).catch(function (err) { say(String(err.message || err), true); });
    }
    document.getElementById("save").addEventListener("click", function () {
      var content = editor ? JSON.stringify(editor.saveSchema(), null, 2) : document.getElementById("xml").value;
      post(res.save, { resource: res.name, content: content }, res.csrf)
        .then(function (answer) { say(answer.message, false); })
        .catch(function () { say(res.failed, true); });
    });
  }
})();
