// The version comparison page: both diagrams in bpmn-js viewers, the elements the new version added
// marked on it, those it removed marked on the old one, and changed ones on both, each with a badge.
(function () {
  "use strict";
  var source = document.getElementById("versions-data");
  if (!source || !window.BpmnJS) { return; }
  var data = JSON.parse(source.textContent);

  var viewers = [];
  function show(boxId, xml, marks) {
    var box = document.getElementById(boxId);
    var viewer = new window.BpmnJS({ container: box });
    viewers.push(viewer);
    return viewer.importXML(xml).then(function () {
      var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry"), overlays = viewer.get("overlays");
      canvas.zoom("fit-viewport");
      var shown = 0;
      marks.forEach(function (mark) {
        mark.ids.forEach(function (id) {
          if (!registry.get(id)) { return; }
          canvas.addMarker(id, "pf-" + mark.kind);
          var badge = document.createElement("span");
          badge.className = "pf-badge " + mark.kind;
          badge.textContent = data.labels[mark.kind];
          overlays.add(id, { position: { top: -12, left: 0 }, html: badge });
          shown += 1;
        });
      });
      box.dataset.marked = String(shown);
      box.dataset.ready = "1";
    }).catch(function (err) {
      box.textContent = String(err.message || err);
      box.dataset.ready = "error";
    });
  }

  // Clicking a change in the list brings its element into view on both diagrams.
  Array.prototype.forEach.call(document.querySelectorAll("tr[data-element]"), function (row) {
    row.tabIndex = 0;
    row.addEventListener("click", function () {
      var id = row.getAttribute("data-element");
      viewers.forEach(function (viewer) {
        var element = viewer.get("elementRegistry").get(id);
        if (!element) { return; }
        var canvas = viewer.get("canvas");
        canvas.zoom(1);
        canvas.scrollToElement(element);
      });
      document.querySelector(".versions-diagrams").scrollIntoView({ behavior: "smooth" });
    });
  });

  show("diagram-old", data.old, [{ kind: "removed", ids: data.removed }, { kind: "changed", ids: data.changed }]);
  show("diagram-new", data["new"], [{ kind: "added", ids: data.added }, { kind: "changed", ids: data.changed }]);
})();
