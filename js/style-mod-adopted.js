// CodeMirror (the cell and expression editors inside dmn-js and the properties panel) mounts its
// styles with style-mod, which writes a <style> element into the document; our pages allow no inline
// styles (CSP style-src 'self') and the browser refuses it. This stand-in, bundled in its place, hands
// style-mod a view of the document without `head`, so it takes its constructable-stylesheet path
// (document.adoptedStyleSheets), which the policy allows.
import { StyleModule as Original } from "../node_modules/style-mod/src/style-mod.js";

const views = new WeakMap();

function adopting(root) {
  if (!root || root.nodeType !== 9) { return root; }
  let view = views.get(root);
  if (!view) {
    view = {
      ownerDocument: root,
      get adoptedStyleSheets() { return root.adoptedStyleSheets; },
      set adoptedStyleSheets(sheets) { root.adoptedStyleSheets = sheets; }
    };
    views.set(root, view);
  }
  return view;
}

export class StyleModule extends Original {
  static mount(root, modules, options) {
    return Original.mount(adopting(root), modules, options);
  }
}
