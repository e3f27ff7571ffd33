// dmn-js (decision tables) for the designer, bundled by esbuild as a production build so its view
// library does not warn about a development copy; exposed as window.DmnJS.
import DmnModeler from "dmn-js/lib/Modeler";

// Our pages allow no inline styles (CSP style-src 'self'): the bpmn.io watermark's HTML carries a
// style attribute the browser would refuse loudly; it is left out and app.css places the watermark.
const inner = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML");
Object.defineProperty(Element.prototype, "innerHTML", {
  configurable: true, enumerable: inner.enumerable, get: inner.get,
  set(value) {
    const keep = typeof value === "string" && value.indexOf("bjs-powered-by") >= 0
      ? value.replace(/\sstyle="[^"]*"/g, "") : value;
    inner.set.call(this, keep);
  }
});

window.DmnJS = DmnModeler;
