// The form-js editor for the designer, bundled by esbuild from the locked npm package with CodeMirror's
// styles mounted without inline <style> elements (see style-mod-adopted.js); exposed as
// window.FormEditor like the package's own UMD build.
import { FormEditor, createFormEditor } from "@bpmn-io/form-js-editor";

window.FormEditor = { FormEditor, createFormEditor };
