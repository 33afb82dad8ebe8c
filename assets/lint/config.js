// The lint configuration of Jarchy's diagrams, packed as bpmn-js-bpmnlint and bpmnlint's Linter take it
// ({config, resolver}): the same module runs in the modeler (bundled by assets/build.mjs) and in Node at deploy
// (assets/lint/run.js), so the page and the server judge a diagram by the same rules.
//
// bpmnlint's recommended rules, each at the level bpmnlint gives it, except the overrides below (each with its
// reason), plus Jarchy's own (bpmnlint-plugin-jarchy). Packed by hand (a StaticResolver with each rule required by
// name) rather than by bpmnlint-pack-config or a bundler plug-in: the rules that need the server's data (the
// roles, the forms, the sandbox's verdict, the page's words) take it as their config, which only the page and the
// server know, so the config is made at run time by `packed(options)`.
const StaticResolver = require("bpmnlint/lib/resolver/static-resolver");
const recommended = require("bpmnlint/config/recommended");
const jarchy = require("./bpmnlint-plugin-jarchy");

const RULES = {
  "ad-hoc-sub-process": require("bpmnlint/rules/ad-hoc-sub-process"),
  "conditional-flows": require("bpmnlint/rules/conditional-flows"),
  "end-event-required": require("bpmnlint/rules/end-event-required"),
  "event-based-gateway": require("bpmnlint/rules/event-based-gateway"),
  "event-sub-process-typed-start-event": require("bpmnlint/rules/event-sub-process-typed-start-event"),
  "fake-join": require("bpmnlint/rules/fake-join"),
  "global": require("bpmnlint/rules/global"),
  "label-required": require("bpmnlint/rules/label-required"),
  "link-event": require("bpmnlint/rules/link-event"),
  "no-bpmndi": require("bpmnlint/rules/no-bpmndi"),
  "no-complex-gateway": require("bpmnlint/rules/no-complex-gateway"),
  "no-disconnected": require("bpmnlint/rules/no-disconnected"),
  "no-duplicate-sequence-flows": require("bpmnlint/rules/no-duplicate-sequence-flows"),
  "no-gateway-join-fork": require("bpmnlint/rules/no-gateway-join-fork"),
  "no-implicit-split": require("bpmnlint/rules/no-implicit-split"),
  "no-implicit-end": require("bpmnlint/rules/no-implicit-end"),
  "no-implicit-start": require("bpmnlint/rules/no-implicit-start"),
  "no-inclusive-gateway": require("bpmnlint/rules/no-inclusive-gateway"),
  "no-overlapping-elements": require("bpmnlint/rules/no-overlapping-elements"),
  "single-blank-start-event": require("bpmnlint/rules/single-blank-start-event"),
  "single-event-definition": require("bpmnlint/rules/single-event-definition"),
  "start-event-required": require("bpmnlint/rules/start-event-required"),
  "sub-process-blank-start-event": require("bpmnlint/rules/sub-process-blank-start-event"),
  "superfluous-gateway": require("bpmnlint/rules/superfluous-gateway"),
  "superfluous-label": require("bpmnlint/rules/superfluous-label"),
  "superfluous-termination": require("bpmnlint/rules/superfluous-termination"),
};
const JARCHY_RULES = {
  "lane-is-role": require("./bpmnlint-plugin-jarchy/rules/lane-is-role"),
  "form-exists": require("./bpmnlint-plugin-jarchy/rules/form-exists"),
  "cites-clause": require("./bpmnlint-plugin-jarchy/rules/cites-clause"),
  "script-compiles": require("./bpmnlint-plugin-jarchy/rules/script-compiles"),
};

// bpmnlint's recommended levels that Jarchy changes, and why (docs/diagrams.md lists them too).
const OVERRIDES = {
  // Diagram interchange (BPMNDI) is optional by contract (API.md, Process definitions): a diagram written by a
  // program, with no layout, deploys and runs; the modeler lays it out when it is opened.
  "no-bpmndi": "off",
  // A name is for the reader: the engine runs an unnamed start or end event or condition, and a diagram a program
  // writes (the API) need not name them. The modeler marks a missing name as a warning, and the shipped diagrams
  // have none (tests/unit/test_shipped_lint.py); it does not refuse a deploy.
  "label-required": "warn",
};

function resolver() {
  const cache = {
    "config:bpmnlint/recommended": recommended,
    "config:bpmnlint-plugin-jarchy/recommended": jarchy.configs.recommended,
  };
  for (const [name, rule] of Object.entries(RULES)) cache[`rule:bpmnlint/${name}`] = rule;
  for (const [name, rule] of Object.entries(JARCHY_RULES)) cache[`rule:bpmnlint-plugin-jarchy/${name}`] = rule;
  return new StaticResolver(cache);
}

// options: {roles: [...], forms: [...], messages: {key: template}, problems: {current: [...]} (the server's check,
// the modeler only)}. Every rule of the plug-in gets all of them (each reads what it needs).
function packed(options = {}) {
  const settings = { roles: options.roles || [], forms: options.forms || [], messages: options.messages || {} };
  const rules = { ...OVERRIDES };
  for (const [name, level] of Object.entries(jarchy.configs.recommended.rules)) {
    rules[`jarchy/${name}`] = [level, settings];
  }
  if (options.problems) rules["jarchy/script-compiles"] = ["error", { ...settings, problems: options.problems }];
  return {
    config: { extends: ["bpmnlint:recommended", "plugin:jarchy/recommended"], rules },
    resolver: resolver(),
  };
}

module.exports = { packed, OVERRIDES, RULES, JARCHY_RULES };
