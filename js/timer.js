// Timers for the designer: SpiffWorkflow evaluates a timer's text as a Python-like expression, so a
// literal such as P5D must be written as the string "P5D". The designer types the literal; the panel
// stores it quoted and shows it unquoted. Anything that is not an ISO 8601 literal stays an expression.
const DURATION = /^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const CYCLE = /^R\d*\/[^\s"']+$/;

/** Whether `value` is an ISO 8601 duration, date-time or repeating interval written as is. */
export function isTimerLiteral(value) {
  const v = value.trim();
  return DURATION.test(v) || DATE.test(v) || CYCLE.test(v) ||
    (v.indexOf("/") > 0 && v.split("/").every((part) => DURATION.test(part) || DATE.test(part)));
}

/** The text to store: literals quoted, expressions (and already quoted strings) as written. */
export function quoteTimer(kind, value) {
  const v = (value || "").trim();
  if (!v) { return ""; }
  return isTimerLiteral(v) ? JSON.stringify(v) : v;
}

/** The text to show: a quoted literal without its quotes, anything else as stored. */
export function unquoteTimer(body) {
  const v = (body || "").trim();
  const m = /^(["'])(.*)\1$/.exec(v);
  return m && isTimerLiteral(m[2]) ? m[2] : v;
}
