// Shows a diagram (bpmn-js navigated viewer) with the elements done, waiting and overdue marked.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  var source = document.getElementById("diagram-data");
  if (!box || !source || !window.BpmnJS) { return; }
  var payload = JSON.parse(source.textContent);
  var viewer = new window.BpmnJS({ container: box });
  viewer.importXML(payload.xml).then(function () {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    var classes = { done: "pf-done", active: "pf-active", late: "pf-late", problem: "pf-problem" };
    Object.keys(classes).forEach(function (kind) {
      (payload.marks[kind] || []).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, classes[kind]); }
      });
    });
    box.dataset.ready = "1";
  }).catch(function (err) {
    box.dataset.ready = "error";
    box.textContent = String(err && err.message || err);
  });
})();
