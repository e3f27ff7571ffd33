// What every page may need, without inline handlers (the Content-Security-Policy forbids them):
// a button marked data-print prints the page.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
