// Shows a diagram (bpmn-js navigated viewer) with the elements done, waiting and overdue marked.
// The navigated viewer pans with the mouse and zooms with the wheel; for phones this adds zoom
// buttons (+, -, fit), one-finger panning and two-finger pinch zoom.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  var source = document.getElementById("diagram-data");
  if (!box || !source || !window.BpmnJS) { return; }
  var payload = JSON.parse(source.textContent);
  var viewer = new window.BpmnJS({ container: box });

  function zoomButtons(canvas) {
    var labels = payload.labels || {};
    var bar = document.createElement("div");
    bar.className = "zoom no-print";
    [["+", labels.zoom_in || "+", function () { canvas.zoom(canvas.zoom() * 1.25, "auto"); }],
     ["\u2212", labels.zoom_out || "-", function () { canvas.zoom(canvas.zoom() / 1.25, "auto"); }],
     ["\u2922", labels.fit || "fit", function () { canvas.zoom("fit-viewport", "auto"); }]
    ].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = spec[0];
      button.title = spec[1];
      button.setAttribute("aria-label", spec[1]);
      button.addEventListener("click", spec[2]);
      bar.appendChild(button);
    });
    box.appendChild(bar);
  }

  function touchNavigation(canvas) {
    var points = {};
    var pinch = null;
    function list() { return Object.keys(points).map(function (k) { return points[k]; }); }
    box.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse") { return; }
      points[e.pointerId] = { x: e.clientX, y: e.clientY };
      var p = list();
      if (p.length === 2) { pinch = { d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y), z: canvas.zoom() }; }
    });
    box.addEventListener("pointermove", function (e) {
      var last = points[e.pointerId];
      if (!last) { return; }
      var p = list();
      if (p.length === 1) {
        canvas.scroll({ dx: e.clientX - last.x, dy: e.clientY - last.y });
      }
      points[e.pointerId] = { x: e.clientX, y: e.clientY };
      p = list();
      if (p.length === 2 && pinch && pinch.d > 0) {
        var rect = box.getBoundingClientRect();
        var d = Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
        var centre = { x: (p[0].x + p[1].x) / 2 - rect.left, y: (p[0].y + p[1].y) / 2 - rect.top };
        canvas.zoom(Math.min(4, Math.max(0.2, pinch.z * d / pinch.d)), centre);
      }
    });
    function end(e) { delete points[e.pointerId]; if (list().length < 2) { pinch = null; } }
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
  }

  viewer.importXML(payload.xml).then(function () {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    var classes = { done: "pf-done", active: "pf-active", late: "pf-late", problem: "pf-problem" };
    Object.keys(classes).forEach(function (kind) {
      ((payload.marks || {})[kind] || []).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, classes[kind]); }
      });
    });
    // On a narrow screen the whole diagram is too small to read: show the waiting step readably instead.
    var waiting = ((payload.marks || {}).active || []).map(function (id) { return registry.get(id); })
      .filter(Boolean)[0];
    if (canvas.zoom() < 0.5 && waiting && canvas.scrollToElement) {
      canvas.zoom(0.8);
      canvas.scrollToElement(waiting, { top: 80, left: 40, right: 40, bottom: 40 });
    }
    zoomButtons(canvas);
    touchNavigation(canvas);
    box.dataset.ready = "1";
  }).catch(function (err) {
    box.dataset.ready = "error";
    box.textContent = String(err && err.message || err);
  });
})();
