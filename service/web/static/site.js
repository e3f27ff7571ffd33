// What every page may need, without inline handlers (the Content-Security-Policy forbids them):
// a button marked data-print prints the page.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});

// On a small screen the rows of a table.stack-sm become cards: each cell is labelled with its
// column's heading (CSS shows data-label before the value), so a bare "—" still says what it is.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.stack-sm").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (heads[index] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[index]); }
      });
    });
  });
});

// A file input is visually hidden behind a Vietnamese "Chọn tệp" label (the browser's own button speaks
// the browser's language): the span beside it names the files chosen, or says none is.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.dataset.fileNames) { return; }
  var shown = document.getElementById(input.dataset.fileNames);
  if (!shown) { return; }
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  shown.textContent = names.length ? names.join(", ") : (shown.getAttribute("data-empty") || "");
});
