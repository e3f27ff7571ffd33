// The designer's pages: the bpmn-js modeler with its properties panel (bundled in
// vendor/designer/designer.js), save/validate/deploy through the server, problems marked on the
// diagram, download and opening of .bpmn files; the form-js editor or dmn-js for one resource.
(function () {
  "use strict";
  var status = document.getElementById("status");
  function say(text, bad) { status.textContent = text; status.className = bad ? "error" : "ok"; }
  function post(url, fields, csrf) {
    var body = new URLSearchParams(fields);
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (answer) {
        if (!r.ok && !answer.message) { throw new Error(String(r.status)); }
        if (!r.ok) { answer.ok = false; }
        return answer;
      });
    });
  }
  var $ = function (id) { return document.getElementById(id); };

  var draft = $("draft-data");
  if (draft && window.PetitionflowDesigner) {
    var cfg = JSON.parse(draft.textContent);
    var box = $("modeler");
    var modeler = window.PetitionflowDesigner.createModeler(box, $("properties"), cfg.config);
    var marked = [];
    function show(xml) {
      box.dataset.ready = "";
      return modeler.importXML(xml).then(function () {
        var canvas = modeler.get("canvas");
        canvas.zoom("fit-viewport", "auto");
        // leave the palette's width free on the left so no element starts under it
        var vb = canvas.viewbox(), pad = 160 / vb.scale;
        canvas.viewbox({ x: vb.x - pad, y: vb.y, width: vb.width + pad, height: vb.height * (vb.width + pad) / vb.width });
        box.dataset.ready = "1";
      });
    }
    show(cfg.xml).catch(function (err) { say(String(err.message || err), true); });

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
        // a click on the problem shows its element and opens it in the panel
        var shown = p.elements.filter(function (id) { return registry.get(id); })[0];
        if (shown) {
          li.dataset.element = shown;
          li.className = "pf-problem-link";
          li.addEventListener("click", function () {
            canvas.scrollToElement(registry.get(shown));
            modeler.get("selection").select(registry.get(shown));
          });
        }
      });
    }
    function saveThen(next) {
      status.textContent = cfg.saving;
      status.className = "muted";
      return modeler.saveXML({ format: true }).then(function (res) {
        return post(cfg.save, { bpmn: res.xml }, cfg.csrf);
      }).then(function (answer) { return next ? post(next, {}, cfg.csrf) : answer; })
        .then(function (answer) { mark(answer.problems || []); say(answer.message, answer.ok === false); return answer; })
        .catch(function () { say(cfg.failed, true); });
    }
    $("save").addEventListener("click", function () { saveThen(null); });
    $("validate").addEventListener("click", function () { saveThen(cfg.validate); });
    $("deploy").addEventListener("click", function () { saveThen(cfg.deploy); });

    // download what the modeler holds now (saved or not) as a .bpmn file
    $("download").addEventListener("click", function () {
      modeler.saveXML({ format: true }).then(function (res) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(new Blob([res.xml], { type: "application/xml" }));
        link.download = cfg.file || "diagram.bpmn";
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
      });
    });
    // open a .bpmn file in the modeler in place of the draft's diagram (saved with "Save draft")
    $("open-file").addEventListener("change", function (e) {
      var file = e.target.files && e.target.files[0];
      if (!file) { return; }
      file.text().then(show).then(function () { say(cfg.opened, false); })
        .catch(function () { say(cfg.notDiagram, true); });
      e.target.value = "";
    });
    // the panel's "new form" button: add an empty form to the draft, bind it, save, open the form editor
    modeler.get("eventBus").on("petitionflow.newForm", function (event) {
      var element = event.element;
      post(cfg.config.newForm, { name: element.businessObject.id }, cfg.csrf).then(function (answer) {
        if (!answer.ok) { say(answer.message, true); return null; }
        cfg.config.forms.push(answer.name);
        setFormKey(element, answer.name);
        return saveThen(null).then(function () { window.location.assign(answer.url); });
      }).catch(function () { say(cfg.failed, true); });
    });
    function setFormKey(element, name) {
      var moddle = modeler.get("moddle"), modeling = modeler.get("modeling"), bo = element.businessObject;
      var ext = bo.extensionElements || moddle.create("bpmn:ExtensionElements", { values: [] });
      var props = (ext.values || []).filter(function (v) { return v.$type === "spiffworkflow:Properties"; })[0];
      if (!props) { props = moddle.create("spiffworkflow:Properties", { properties: [] }); props.$parent = ext; ext.get("values").push(props); }
      var found = props.get("properties").filter(function (p) { return p.name === "formKey"; })[0];
      if (found) { found.value = name; } else {
        var created = moddle.create("spiffworkflow:Property", { name: "formKey", value: name });
        created.$parent = props;
        props.get("properties").push(created);
      }
      ext.$parent = bo;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    window.petitionflowModeler = modeler;
  }

  var resource = $("resource-data");
  if (resource) {
    var res = JSON.parse(resource.textContent);
    var editor = null, dmn = null;
    if (res.form && window.FormEditor) {
      editor = new window.FormEditor.FormEditor({ container: $("form-editor") });
      editor.importSchema(JSON.parse(res.content)).then(function () { $("form-editor").dataset.ready = "1"; })
        .catch(function (err) { say(String(err.message || err), true); });
    }
    if (res.dmn && window.DmnJS) {
      dmn = new window.DmnJS({ container: $("dmn-editor") });
      dmn.importXML(res.content).then(function () {
        var table = dmn.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
        return table ? dmn.open(table) : null;
      }).then(function () { $("dmn-editor").dataset.ready = "1"; })
        .catch(function (err) { say(String(err.message || err), true); });
      window.petitionflowDmn = dmn;
    }
    $("save").addEventListener("click", function () {
      var content;
      if (editor) { content = Promise.resolve(JSON.stringify(editor.saveSchema(), null, 2)); }
      else if (dmn) { content = dmn.saveXML({ format: true }).then(function (r) { return r.xml; }); }
      else { content = Promise.resolve($("xml").value); }
      content.then(function (text) { return post(res.save, { resource: res.name, content: text }, res.csrf); })
        .then(function (answer) { say(answer.message, answer.ok === false); })
        .catch(function () { say(res.failed, true); });
    });
  }
})();
