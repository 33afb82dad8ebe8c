#!/usr/bin/env node
// Lints diagrams in Node with the modeler's configuration (assets/lint/config.js): the server runs it at deploy
// (engine/procedures/lint.py), a person from the shell.
//
//   node assets/lint/run.js --json < request.json     request {"options": {roles, forms}, "diagrams": [{"name",
//                                                      "xml"}]}; answer {"results": [{"name", "reports": [...]}]}
//   node assets/lint/run.js [--options FILE.json] FILE.bpmn...   a table; exit status 1 when anything is reported
//
// A report: {"element_id", "rule", "category" ("error" or "warn"), "message", "code", "params"}. A diagram that
// is not BPMN XML gets one report of rule "unreadable".
const { readFileSync } = require("node:fs");
const { Linter } = require("bpmnlint");
const bpmnModdle = require("bpmn-moddle");
const BpmnModdle = bpmnModdle.default || bpmnModdle.BpmnModdle || bpmnModdle;
const camunda = require("camunda-bpmn-moddle/resources/camunda.json");
const jarchyModdle = require("../js/jarchy-moddle.json");
const { packed } = require("./config");

async function lint(xml, options) {
  const moddle = new BpmnModdle({ camunda, jarchy: jarchyModdle });
  let root;
  try {
    ({ rootElement: root } = await moddle.fromXML(xml, "bpmn:Definitions"));
  } catch (error) {
    return [{ element_id: null, rule: "unreadable", category: "error", message: error.message, code: "lint_unreadable",
      params: {} }];
  }
  linkFlows(root);
  const { config, resolver } = packed(options);
  const results = await new Linter({ config, resolver }).lint(root);
  const reports = [];
  for (const [rule, found] of Object.entries(results)) {
    for (const report of found) {
      reports.push({
        element_id: report.id || null,
        rule,
        category: report.category,
        message: report.message,
        code: report.code || null,
        params: report.params || {},
      });
    }
  }
  return reports;
}

// bpmn:incoming and bpmn:outgoing are optional in the file (a diagram a program writes often leaves them out) and
// bpmn-moddle does not derive them, while bpmnlint's rules read them; bpmn-js fills them in when it imports a
// diagram, so the modeler's lint sees them. Filled in here the same way, from each flow's source and target.
function linkFlows(definitions) {
  const visit = (container) => {
    for (const element of container.flowElements || []) {
      if (element.$type === "bpmn:SequenceFlow") {
        const { sourceRef: source, targetRef: target } = element;
        if (source) {
          const outgoing = source.get("outgoing");
          if (!outgoing.includes(element)) outgoing.push(element);
        }
        if (target) {
          const incoming = target.get("incoming");
          if (!incoming.includes(element)) incoming.push(element);
        }
      }
      if (element.flowElements) visit(element);
    }
  };
  for (const root of definitions.rootElements || []) visit(root);
}

async function main(argv) {
  if (argv[0] === "--json") {
    const request = JSON.parse(readFileSync(0, "utf8"));
    const results = [];
    for (const diagram of request.diagrams) {
      results.push({ name: diagram.name, reports: await lint(diagram.xml, request.options || {}) });
    }
    process.stdout.write(JSON.stringify({ results }));
    return 0;
  }
  let options = {};
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--options") options = JSON.parse(readFileSync(argv[++i], "utf8"));
    else files.push(argv[i]);
  }
  let count = 0;
  for (const file of files) {
    const reports = await lint(readFileSync(file, "utf8"), options);
    count += reports.length;
    if (!reports.length) continue;
    process.stdout.write(`${file}\n`);
    for (const r of reports) process.stdout.write(`  ${r.element_id}  ${r.category}  ${r.message}  ${r.rule}\n`);
  }
  process.stdout.write(`${count} problem(s)\n`);
  return count ? 1 : 0;
}

main(process.argv.slice(2)).then((status) => { process.exitCode = status; }, (error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 2;
});
