// A user task (and a manual task, which the engine also gives to a person) names its form by camunda:formKey, and
// the form must be one the server knows; a start event's form, where it names one, too. The known form keys come
// from the server in the rule's config: {forms: [...]}.
const { isAny, is } = require("bpmnlint-utils");
const words = require("./words");

module.exports = function formExists(config = {}) {
  const forms = new Set(config.forms || []);

  function check(node, reporter) {
    const person = isAny(node, ["bpmn:UserTask", "bpmn:ManualTask"]);
    if (!person && !is(node, "bpmn:StartEvent")) return;
    const form = node.get ? node.get("camunda:formKey") : node.formKey;
    if (!form) {
      if (person) {
        reporter.report(node.id, words(config, "noForm", "The user task names no form (camunda:formKey).", {}),
          { path: ["formKey"], code: "form_key_missing", params: {} });
      }
      return;
    }
    if (forms.has(form)) return;
    const params = { form };
    reporter.report(node.id, words(config, "form", "The form “{form}” does not exist.", params),
      { path: ["formKey"], code: "form_missing", params });
  }

  return { check };
};
