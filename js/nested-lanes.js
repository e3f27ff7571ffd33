// Steps inside a sub-process belong to the lanes of the process around it. bpmn-js looks for lanes only
// in a step's nearest sub-process (which has none), so a step created or moved there lost its lane, and
// with it the people who work it; and a sub-process drawn across lanes, once moved or resized, went into
// the lane of its centre, which the engine then gives every step inside. After bpmn-js updates lane
// references, this puts each nested step in the outer lanes its centre lies in and such a sub-process in
// none, as one more part of the same command (undo and redo see it).
import CommandInterceptor from "diagram-js/lib/command/CommandInterceptor";
import { is } from "bpmn-js/lib/util/ModelUtil";
import { collectLanes } from "bpmn-js/lib/features/modeling/util/LaneUtil";

/** The participant or process whose lanes hold `shape` when it sits inside a sub-process, else null. */
export function outerLanesRoot(shape) {
  let parent = shape.parent, nested = false;
  while (parent) {
    if (is(parent, "bpmn:SubProcess")) { nested = true; }
    else if (is(parent, "bpmn:Participant") || is(parent, "bpmn:Process")) { return nested ? parent : null; }
    parent = parent.parent;
  }
  return null;
}

function lanesRootOf(shape) {
  let parent = shape.parent;
  while (parent && !is(parent, "bpmn:Participant") && !is(parent, "bpmn:Process")) { parent = parent.parent; }
  return parent || null;
}

function overlaps(shape, lane) {
  return shape.x < lane.x + lane.width && shape.x + shape.width > lane.x &&
    shape.y < lane.y + lane.height && shape.y + shape.height > lane.y;
}

/** The lanes a step belongs in: a sub-process drawn across several lanes belongs in none (the engine gives
 * every step inside a sub-process the sub-process's lane, so one lane would take all its steps). */
function wantedLanes(shape) {
  const nested = outerLanesRoot(shape);
  if (nested) { return collectLanes(nested).filter((lane) => centreIn(shape, lane)); }
  const root = is(shape, "bpmn:SubProcess") ? lanesRootOf(shape) : null;
  if (root && collectLanes(root).filter((lane) => !lane.children.some((c) => is(c, "bpmn:Lane"))
    && overlaps(shape, lane)).length > 1) { return []; }
  return null;
}

function centreIn(shape, lane) {
  const x = shape.x + shape.width / 2, y = shape.y + shape.height / 2;
  return x > lane.x && x < lane.x + lane.width && y > lane.y && y < lane.y + lane.height;
}

export default function NestedLaneRefs(eventBus, commandStack) {
  CommandInterceptor.call(this, eventBus);
  this.postExecuted("lane.updateRefs", (event) => {
    const context = event.context;
    if (context.nestedSteps) { return; }
    const updates = [];
    (context.flowNodeShapes || []).forEach((shape) => {
      const lanes = shape.parent && !shape.labelTarget ? wantedLanes(shape) : null;
      if (!lanes) { return; }
      const flowNode = shape.businessObject, current = flowNode.get("lanes");
      const wanted = lanes.map((lane) => lane.businessObject);
      const remove = current.filter((lane) => wanted.indexOf(lane) < 0);
      const add = wanted.filter((lane) => current.indexOf(lane) < 0);
      if (remove.length || add.length) { updates.push({ flowNode, remove, add }); }
    });
    if (updates.length) {
      commandStack.execute("lane.updateRefs", { flowNodeShapes: [], laneShapes: [], updates, nestedSteps: true });
    }
  });
}

NestedLaneRefs.$inject = ["eventBus", "commandStack"];
Object.setPrototypeOf(NestedLaneRefs.prototype, CommandInterceptor.prototype);
