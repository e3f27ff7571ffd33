// Petitionflow's own properties-panel provider: one group per extension the engine and the service
// read from a diagram (form key, deadline, scripts, conditions, timers, messages and correlation,
// decision binding, lane). Entries write through bpmn-js commands, so undo/redo and saving see them.
import { h } from "@bpmn-io/properties-panel/preact";
import {
  Group, SelectEntry, TextAreaEntry, TextFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { is, getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import { quoteTimer, unquoteTimer } from "./timer.js";

const PROPERTY = "spiffworkflow:Property";
const PROPERTIES = "spiffworkflow:Properties";

// ---- extension elements: read and write through commandStack ------------------------------------

function extensionsOf(bo) {
  return (bo.extensionElements && bo.extensionElements.values) || [];
}

function firstOf(bo, type) {
  return extensionsOf(bo).find((v) => is(v, type)) || null;
}

/** Commands that make `bo.extensionElements` exist; returns [commands, extensionElements]. */
function ensureExtensions(bpmnFactory, element, bo) {
  if (bo.extensionElements) { return [[], bo.extensionElements]; }
  const ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
  ext.$parent = bo;
  return [[{ cmd: "element.updateModdleProperties", context: { element, moddleElement: bo,
    properties: { extensionElements: ext } } }], ext];
}

function run(commandStack, commands) {
  if (commands.length) { commandStack.execute("properties-panel.multi-command-executor", commands); }
}

/** Set (or with an empty value remove) the body of a single extension element such as preScript. */
function setBodyExtension(injector, element, bo, type, value) {
  const bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
  const existing = firstOf(bo, type);
  if (!value) {
    if (!existing) { return; }
    run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element,
      moddleElement: bo.extensionElements, properties: {
        values: extensionsOf(bo).filter((v) => v !== existing) } } }]);
    return;
  }
  if (existing) {
    run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element, moddleElement: existing,
      properties: { value } } }]);
    return;
  }
  const [commands, ext] = ensureExtensions(bpmnFactory, element, bo);
  const created = bpmnFactory.create(type, { value });
  created.$parent = ext;
  commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: ext,
    properties: { values: [...(ext.values || []), created] } } });
  run(commandStack, commands);
}

function propertyOf(bo, name) {
  const props = firstOf(bo, PROPERTIES);
  const found = props && (props.properties || []).find((p) => p.name === name);
  return found ? found.value || "" : "";
}

/** Set (or with an empty value remove) one `spiffworkflow:property` of a task. */
function setProperty(injector, element, bo, name, value) {
  const bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
  let props = firstOf(bo, PROPERTIES);
  const found = props && (props.properties || []).find((p) => p.name === name);
  if (!value) {
    if (found) {
      run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element, moddleElement: props,
        properties: { properties: props.properties.filter((p) => p !== found) } } }]);
    }
    return;
  }
  if (found) {
    run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element, moddleElement: found,
      properties: { value } } }]);
    return;
  }
  let commands = [];
  if (!props) {
    const [more, ext] = ensureExtensions(bpmnFactory, element, bo);
    commands = more;
    props = bpmnFactory.create(PROPERTIES, { properties: [] });
    props.$parent = ext;
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: ext,
      properties: { values: [...(ext.values || []), props] } } });
  }
  const created = bpmnFactory.create(PROPERTY, { name, value });
  created.$parent = props;
  commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: props,
    properties: { properties: [...(props.properties || []), created] } } });
  run(commandStack, commands);
}

// ---- small entry helpers --------------------------------------------------------------------------

function text(props, get, set, options) {
  const { element, id } = props;
  const translate = useService("translate");
  const debounce = useService("debounceInput");
  return h(options.area ? TextAreaEntry : TextFieldEntry, {
    element, id, label: translate(options.label), description: options.description && translate(options.description),
    getValue: get, setValue: set, debounce, monospace: !!options.area, rows: options.area ? 6 : undefined
  });
}

function entry(id, element, component, edited) {
  return { id, element, component, isEdited: edited || isTextFieldEntryEdited };
}

function group(translate, id, label, entries) {
  return entries.length ? { id, label: translate(label), entries, component: Group } : null;
}

// ---- form key and deadline (user and manual tasks) -----------------------------------------------

function FormKey(props) {
  const { element, id } = props;
  const injector = useService("injector"), translate = useService("translate");
  const config = injector.get("config.petitionflow", false) || {};
  const bo = getBusinessObject(element);
  const current = propertyOf(bo, "formKey");
  const getOptions = () => {
    const names = [...(config.forms || [])];
    if (current && names.indexOf(current) < 0) { names.push(current); }
    return [{ value: "", label: translate("(no form)") }, ...names.map((n) => ({ value: n, label: n }))];
  };
  return h(SelectEntry, { element, id, label: translate("Form"), getOptions,
    getValue: () => propertyOf(bo, "formKey"),
    setValue: (value) => setProperty(injector, element, bo, "formKey", value) });
}

function NewForm(props) {
  const { element, id } = props;
  const translate = useService("translate"), eventBus = useService("eventBus");
  return h("div", { class: "bio-properties-panel-entry", "data-entry-id": id },
    h("button", { type: "button", class: "pf-new-form", onClick: () => eventBus.fire("petitionflow.newForm", { element }) },
      translate("Create a new form for this step")));
}

function DueIn(props) {
  const bo = getBusinessObject(props.element), injector = useService("injector");
  return text(props, () => propertyOf(bo, "dueIn"), (v) => setProperty(injector, props.element, bo, "dueIn", (v || "").trim()),
    { label: "Deadline (ISO 8601 duration)", description: "For example P10D is ten days, PT4H four hours." });
}

function DueInVariable(props) {
  const bo = getBusinessObject(props.element), injector = useService("injector");
  return text(props, () => propertyOf(bo, "dueInVariable"),
    (v) => setProperty(injector, props.element, bo, "dueInVariable", (v || "").trim()),
    { label: "Deadline from a variable", description: "Name of a variable holding the duration; it wins over the fixed deadline." });
}

function DueDays(props) {
  const { element, id } = props;
  const bo = getBusinessObject(element), injector = useService("injector"), translate = useService("translate");
  return h(SelectEntry, { element, id, label: translate("Count the deadline in"),
    getOptions: () => [{ value: "", label: translate("calendar days") }, { value: "working", label: translate("working days") }],
    getValue: () => (propertyOf(bo, "dueDays") === "working" ? "working" : ""),
    setValue: (v) => setProperty(injector, element, bo, "dueDays", v) });
}

// ---- scripts ---------------------------------------------------------------------------------------

function ScriptBody(props) {
  const bo = getBusinessObject(props.element), modeling = useService("modeling");
  return text(props, () => bo.script || "", (v) => modeling.updateProperties(props.element, { script: v || undefined, scriptFormat: bo.scriptFormat || "python" }),
    { label: "Script (Python)", area: true });
}

function scriptExtension(type, label) {
  return function Script(props) {
    const bo = getBusinessObject(props.element), injector = useService("injector");
    return text(props, () => { const x = firstOf(bo, type); return x ? x.value || "" : ""; },
      (v) => setBodyExtension(injector, props.element, bo, type, v), { label, area: true });
  };
}
const PreScript = scriptExtension("spiffworkflow:PreScript", "Script before the step");
const PostScript = scriptExtension("spiffworkflow:PostScript", "Script after the step");

// ---- conditions ------------------------------------------------------------------------------------

function Condition(props) {
  const { element } = props;
  const bo = getBusinessObject(element), injector = useService("injector");
  const get = () => (bo.conditionExpression && bo.conditionExpression.body) || "";
  const set = (value) => {
    const modeling = injector.get("modeling"), bpmnFactory = injector.get("bpmnFactory");
    const expression = value ? bpmnFactory.create("bpmn:FormalExpression", { body: value }) : undefined;
    modeling.updateProperties(element, { conditionExpression: expression });
  };
  return text(props, get, set, { label: "Condition (Python-like expression)", area: true,
    description: 'For example: petition_type == "khieu_nai"' });
}

// ---- timers ----------------------------------------------------------------------------------------

const TIMER_KINDS = ["timeDuration", "timeDate", "timeCycle"];

function timerOf(element) {
  const bo = getBusinessObject(element);
  return (bo.eventDefinitions || []).find((d) => is(d, "bpmn:TimerEventDefinition")) || null;
}

function kindOf(timer) {
  return TIMER_KINDS.find((k) => timer[k]) || "timeDuration";
}

function TimerKind(props) {
  const { element, id } = props;
  const timer = timerOf(element), translate = useService("translate"), injector = useService("injector");
  const set = (kind) => {
    const old = kindOf(timer);
    if (kind === old) { return; }
    const body = timer[old] ? timer[old].body : undefined;
    const properties = { [old]: undefined };
    properties[kind] = injector.get("bpmnFactory").create("bpmn:FormalExpression", { body });
    injector.get("commandStack").execute("element.updateModdleProperties",
      { element, moddleElement: timer, properties });
  };
  return h(SelectEntry, { element, id, label: translate("Timer kind"), getValue: () => kindOf(timer), setValue: set,
    getOptions: () => [{ value: "timeDuration", label: translate("After a duration") },
      { value: "timeDate", label: translate("At a date and time") },
      { value: "timeCycle", label: translate("Repeating cycle") }] });
}

function TimerValue(props) {
  const { element } = props;
  const timer = timerOf(element), injector = useService("injector");
  const get = () => { const e = timer[kindOf(timer)]; return unquoteTimer(e ? e.body || "" : ""); };
  const set = (value) => {
    const kind = kindOf(timer);
    const body = quoteTimer(kind, value || "");
    const expression = body ? injector.get("bpmnFactory").create("bpmn:FormalExpression", { body }) : undefined;
    injector.get("commandStack").execute("element.updateModdleProperties",
      { element, moddleElement: timer, properties: { [kind]: expression } });
  };
  return text(props, get, set, { label: "Timer value",
    description: "P5D, PT4H, 2026-12-31T17:00:00+07:00 or R3/P1D are quoted for the engine; anything else is a Python-like expression such as draft_deadline." });
}

// ---- messages and correlation -------------------------------------------------------------------

function messageHolder(element) {
  const bo = getBusinessObject(element);
  if (is(bo, "bpmn:SendTask") || is(bo, "bpmn:ReceiveTask")) { return bo; }
  return (bo.eventDefinitions || []).find((d) => is(d, "bpmn:MessageEventDefinition")) || null;
}

function isCatching(element) {
  return is(element, "bpmn:CatchEvent") || is(element, "bpmn:ReceiveTask");
}

function MessageData(props) {
  const { element } = props;
  const holder = messageHolder(element), injector = useService("injector");
  const type = isCatching(element) ? "spiffworkflow:MessageVariable" : "spiffworkflow:MessagePayload";
  return text(props, () => { const x = firstOf(holder, type); return x ? x.value || "" : ""; },
    (v) => setBodyExtension(injector, element, holder, type, v),
    isCatching(element) ? { label: "Variable that receives the message" }
      : { label: "Message payload (Python-like expression)", area: true });
}

function correlationProperties(element) {
  let definitions = getBusinessObject(element);
  while (definitions && !is(definitions, "bpmn:Definitions")) { definitions = definitions.$parent; }
  return ((definitions && definitions.rootElements) || []).filter((r) => is(r, "bpmn:CorrelationProperty"));
}

function correlationEntry(propertyId) {
  return function Correlation(props) {
    const { element } = props;
    const holder = messageHolder(element), injector = useService("injector");
    const found = () => extensionsOf(holder).find((v) => is(v, "spiffworkflow:ProcessVariableCorrelation") && v.propertyId === propertyId);
    const set = (value) => {
      const bpmnFactory = injector.get("bpmnFactory"), commandStack = injector.get("commandStack");
      const existing = found();
      if (!value) {
        if (existing) {
          run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element, moddleElement: holder.extensionElements,
            properties: { values: extensionsOf(holder).filter((v) => v !== existing) } } }]);
        }
        return;
      }
      if (existing) {
        run(commandStack, [{ cmd: "element.updateModdleProperties", context: { element, moddleElement: existing,
          properties: { expression: value } } }]);
        return;
      }
      const [commands, ext] = ensureExtensions(bpmnFactory, element, holder);
      const created = bpmnFactory.create("spiffworkflow:ProcessVariableCorrelation", { propertyId, expression: value });
      created.$parent = ext;
      commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: ext,
        properties: { values: [...(ext.values || []), created] } } });
      run(commandStack, commands);
    };
    const translate = useService("translate");
    return text(props, () => { const x = found(); return x ? x.expression || "" : ""; }, set,
      { label: translate("Correlation {property}: expression", { property: propertyId }) });
  };
}

// ---- decision table binding ------------------------------------------------------------------------

function Decision(props) {
  const { element, id } = props;
  const bo = getBusinessObject(element), injector = useService("injector"), translate = useService("translate");
  const config = injector.get("config.petitionflow", false) || {};
  const get = () => { const x = firstOf(bo, "spiffworkflow:CalledDecisionId"); return x ? x.value || "" : ""; };
  const getOptions = () => {
    const found = (config.decisions || []).map((d) => ({ value: d.id, label: d.name ? `${d.name} (${d.id})` : d.id }));
    const current = get();
    if (current && !found.some((o) => o.value === current)) { found.push({ value: current, label: current }); }
    return [{ value: "", label: translate("(no decision table)") }, ...found];
  };
  return h(SelectEntry, { element, id, label: translate("Decision table"), getOptions, getValue: get,
    setValue: (v) => setBodyExtension(injector, element, bo, "spiffworkflow:CalledDecisionId", v) });
}

// ---- lane ------------------------------------------------------------------------------------------

function laneOf(element) {
  const bo = getBusinessObject(element);
  let found = null;
  const walk = (lanes) => (lanes || []).forEach((lane) => {
    if ((lane.flowNodeRef || []).indexOf(bo) >= 0) { found = lane; }
    if (lane.childLaneSet) { walk(lane.childLaneSet.lanes); }
  });
  let parent = bo.$parent;
  while (parent && !found) {
    (parent.laneSets || []).forEach((set) => walk(set.lanes));
    parent = parent.$parent;
  }
  return found;
}

function Lane(props) {
  const { element, id } = props;
  const translate = useService("translate"), injector = useService("injector");
  const labels = (injector.get("config.petitionflow", false) || {}).laneLabels || {};
  const lane = laneOf(element);
  const name = lane ? lane.name || lane.id : "";
  return h("div", { class: "bio-properties-panel-entry", "data-entry-id": id },
    h("div", { class: "bio-properties-panel-label" }, translate("Lane (who does this step)")),
    h("div", { class: "pf-lane-name", "data-testid": "pf-lane" }, name ? (labels[name] ? `${labels[name]} (${name})` : name) : translate("(no lane)")));
}

function LaneRole(props) {
  const { element, id } = props;
  const injector = useService("injector"), translate = useService("translate"), modeling = useService("modeling");
  const config = injector.get("config.petitionflow", false) || {};
  const get = () => getBusinessObject(element).name || "";
  const getOptions = () => {
    const names = [...(config.lanes || [])];
    if (get() && names.indexOf(get()) < 0) { names.push(get()); }
    return [{ value: "", label: translate("(no lane)") }, ...names.map((n) => ({ value: n, label: (config.laneLabels || {})[n] || n }))];
  };
  return h(SelectEntry, { element, id, label: translate("Who works this lane"), getOptions, getValue: get,
    setValue: (v) => modeling.updateProperties(element, { name: v || undefined }) });
}

// ---- the provider ----------------------------------------------------------------------------------

function isConditional(element) {
  if (!is(element, "bpmn:SequenceFlow")) { return false; }
  const source = element.source && getBusinessObject(element.source);
  return !!source && (is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway") ||
    is(source, "bpmn:Activity") || is(source, "bpmn:ComplexGateway"));
}

function ourGroups(element, translate) {
  const groups = [];
  const bo = getBusinessObject(element);
  if (is(bo, "bpmn:UserTask") || is(bo, "bpmn:ManualTask")) {
    groups.push(group(translate, "pf-form", "Form", [entry("pf-formKey", element, FormKey, isSelectEntryEdited),
      entry("pf-newForm", element, NewForm, () => false)]));
    groups.push(group(translate, "pf-deadline", "Deadline", [entry("pf-dueIn", element, DueIn),
      entry("pf-dueInVariable", element, DueInVariable), entry("pf-dueDays", element, DueDays, isSelectEntryEdited)]));
  }
  if (is(bo, "bpmn:FlowNode")) {
    groups.push(group(translate, "pf-lane", "Lane", [entry("pf-lane", element, Lane, () => false)]));
  }
  if (is(bo, "bpmn:Lane")) {
    groups.push(group(translate, "pf-laneRole", "Lane", [entry("pf-laneRole", element, LaneRole, isSelectEntryEdited)]));
  }
  if (is(bo, "bpmn:BusinessRuleTask")) {
    groups.push(group(translate, "pf-decision", "Decision table", [entry("pf-decision", element, Decision, isSelectEntryEdited)]));
  }
  const scripts = [];
  if (is(bo, "bpmn:ScriptTask")) { scripts.push(entry("pf-script", element, ScriptBody, isTextAreaEntryEdited)); }
  if (is(bo, "bpmn:Activity")) {
    scripts.push(entry("pf-preScript", element, PreScript, isTextAreaEntryEdited),
      entry("pf-postScript", element, PostScript, isTextAreaEntryEdited));
  }
  groups.push(group(translate, "pf-scripts", "Scripts", scripts));
  if (isConditional(element)) {
    groups.push(group(translate, "pf-condition", "Condition", [entry("pf-condition", element, Condition, isTextAreaEntryEdited)]));
  }
  if (timerOf(element)) {
    groups.push(group(translate, "pf-timer", "Timer", [entry("pf-timerKind", element, TimerKind, isSelectEntryEdited),
      entry("pf-timerValue", element, TimerValue)]));
  }
  if (messageHolder(element) && !is(bo, "bpmn:Process")) {
    const entries = [entry("pf-messageData", element, MessageData)];
    correlationProperties(element).forEach((p) => entries.push(entry(`pf-correlation-${p.id}`, element, correlationEntry(p.id))));
    groups.push(group(translate, "pf-message", "Message data and correlation", entries));
  }
  return groups.filter(Boolean);
}

export default class PetitionflowPropertiesProvider {
  constructor(propertiesPanel, translate) {
    propertiesPanel.registerProvider(400, this);
    this._translate = translate;
  }

  getGroups(element) {
    return (groups) => {
      // the standard timer group writes the raw text; ours quotes literals for the engine
      const kept = groups.filter((g) => g.id !== "timer");
      return [...kept, ...ourGroups(element, this._translate)];
    };
  }
}
PetitionflowPropertiesProvider.$inject = ["propertiesPanel", "translate"];
