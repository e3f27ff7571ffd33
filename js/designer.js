// The designer's modeler: bpmn-js with the properties panel, our provider, the SpiffWorkflow moddle
// descriptor and Vietnamese labels; bundled by `make js` (esbuild) into the git-ignored vendor folder.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import spiffworkflow from "./spiffworkflow.json";
import words from "./translations-vi.json";
import PetitionflowPropertiesProvider from "./provider.js";
import NestedLaneRefs from "./nested-lanes.js";
import { isTimerLiteral, quoteTimer, unquoteTimer } from "./timer.js";

function translate(template, replacements) {
  const values = replacements || {};
  return (words[template] || template).replace(/{([^}]+)}/g, (all, key) => (key in values ? values[key] : all));
}

const translateModule = { translate: ["value", translate] };
const nestedLanesModule = { __init__: ["nestedLaneRefs"], nestedLaneRefs: ["type", NestedLaneRefs] };
const providerModule = {
  __init__: ["petitionflowPropertiesProvider"],
  petitionflowPropertiesProvider: ["type", PetitionflowPropertiesProvider]
};

// SpiffWorkflow names a multi-instance input by its variable (`<loopDataInputRef>outcomes</…>`), which
// the BPMN schema makes a reference to an element that does not exist; a stand-in keeps it on export.
const KEEP_UNRESOLVED = ["bpmn:loopDataInputRef", "bpmn:loopDataOutputRef"];

function standIns(moddle, warnings) {
  (warnings || []).forEach((w) => {
    const property = w.property && (w.property.indexOf(":") > 0 ? w.property : `bpmn:${w.property}`);
    if (!w.element || KEEP_UNRESOLVED.indexOf(property) < 0 || !/^unresolved reference/.test(w.message)) { return; }
    w.element.set(property, moddle.create("bpmn:DataInput", { id: w.value }));
  });
}

function keepUnresolved(modeler) {
  modeler.on("import.parse.complete", (event) => standIns(modeler.get("moddle"), event.warnings));
}

// Our pages allow no inline styles (CSP style-src 'self'); the properties panel's renderer writes its two
// containers as HTML with style attributes, which the browser refuses loudly. While the modeler is
// built, those attributes are left out of such HTML; app.css gives the containers the same styles.
function withoutInlineStyles(build) {
  const inner = Object.getOwnPropertyDescriptor(Element.prototype, "innerHTML");
  Object.defineProperty(Element.prototype, "innerHTML", { configurable: true, enumerable: inner.enumerable, get: inner.get,
    set(value) { inner.set.call(this, typeof value === "string" ? value.replace(/\sstyle="[^"]*"/g, "") : value); } });
  try { return build(); } finally { Object.defineProperty(Element.prototype, "innerHTML", inner); }
}

/** A modeler in `container` with its properties panel in `panel`; `config` lists forms and decisions. */
function createModeler(container, panel, config) {
  const modeler = withoutInlineStyles(() => new BpmnModeler({
    container,
    propertiesPanel: panel ? { parent: panel } : undefined,
    additionalModules: panel ? [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, providerModule, translateModule,
      nestedLanesModule] : [translateModule, nestedLanesModule],
    moddleExtensions: { spiffworkflow },
    petitionflow: config || {}
  }));
  keepUnresolved(modeler);
  return modeler;
}

/** Import then export `xml` with a modeler of our configuration (the round-trip test uses it). A file
 * without diagram interchange (no layout) cannot be shown; it goes through the same modeler's moddle
 * (the descriptor and the serialiser saveXML uses) and answers `displayed: false`. */
async function roundTrip(xml) {
  const box = document.createElement("div");
  box.className = "pf-offscreen";
  document.body.appendChild(box);
  const modeler = createModeler(box, null, {});
  try {
    const parsed = await modeler.get("moddle").fromXML(xml, "bpmn:Definitions");
    if (!(parsed.rootElement.diagrams || []).length) {
      standIns(modeler.get("moddle"), parsed.warnings);
      const saved = await modeler.get("moddle").toXML(parsed.rootElement, { format: true });
      return { xml: saved.xml, warnings: parsed.warnings.map((w) => w.message), displayed: false };
    }
    const result = await modeler.importXML(xml);
    const saved = await modeler.saveXML({ format: true });
    return { xml: saved.xml, warnings: result.warnings.map((w) => w.message), displayed: true };
  } finally {
    modeler.destroy();
    box.remove();
  }
}

window.PetitionflowDesigner = { createModeler, roundTrip, isTimerLiteral, quoteTimer, unquoteTimer, translate };
