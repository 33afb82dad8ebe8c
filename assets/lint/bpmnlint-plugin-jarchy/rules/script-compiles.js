// Scripts, conditions and timer expressions run in the server's RestrictedPython sandbox, which a browser cannot
// compile: the only judge is engine/procedures/validation.py. The modeler sends the diagram to the server's check
// (debounced) and hands what it found to this rule through its config, {problems: {current: [{element_id,
// message, code, params}]}} (an object the page updates, so the rule reports the latest answer); it reports those
// whose element is still in the diagram. At deploy the server compiles the scripts itself before it lints, so
// this rule is not in the server's configuration.
const words = require("./words");

module.exports = function scriptCompiles(config = {}) {
  const holder = config.problems || { current: [] };

  function check(node, reporter) {
    if (!node.id) return;
    for (const problem of holder.current || []) {
      if (problem.element_id !== node.id) continue;
      reporter.report(node.id, words(config, "script", "{message}", { message: problem.message }),
        { code: problem.code, params: problem.params || {} });
    }
  }

  return { check };
};
