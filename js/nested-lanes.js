// Steps inside a sub-process belong to the lanes of the process around it. bpmn-js looks for lanes only
// in a step's nearest sub-process (which has none), so a step created or moved there lost its lane, and
// with it the people who work it. After bpmn-js updates lane references, this puts each such step in the
// outer lanes its centre lies in, as one more part of the same command (undo and redo see it).
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
      const root = shape.parent && !shape.labelTarget ? outerLanesRoot(shape) : null;
      if (!root) { return; }
      const flowNode = shape.businessObject, current = flowNode.get("lanes");
      const wanted = collectLanes(root).filter((lane) => centreIn(shape, lane)).map((lane) => lane.businessObject);
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
