// Shows and hides task-form fields whose form-js definition hides them by a simple condition.
(function () {
  "use strict";
  function valueOf(form, key) {
    var inputs = form.querySelectorAll('[name="f.' + key + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      if (el.type === "checkbox") { if (el.checked) { return true; } continue; }
      if (el.type === "radio") { if (el.checked) { return el.value; } continue; }
      return el.value;
    }
    return inputs.length && inputs[0].type === "checkbox" ? false : "";
  }
  function hidden(form, field) {
    var key = field.dataset.hideKey, op = field.dataset.hideOp, expected = field.dataset.hideValue;
    var value = valueOf(form, key);
    if (op === "truthy") { return !!value; }
    if (op === "falsy") { return !value; }
    var same = String(value) === expected;
    return op === "=" ? same : !same;
  }
  function refresh(form) {
    form.querySelectorAll("[data-hide-key]").forEach(function (field) {
      field.hidden = hidden(form, field);
    });
  }
  document.querySelectorAll("form[data-testid=task-form], form[data-conditional]").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });
})();
