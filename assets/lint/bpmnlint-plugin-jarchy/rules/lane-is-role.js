// A lane's name is a role key: it binds the lane's tasks to the role's holders (engine/procedures/validation.py
// refuses the same at deploy). The known roles come from the server in the rule's config: {roles: [...]}.
const { is } = require("bpmnlint-utils");
const words = require("./words");

module.exports = function laneIsRole(config = {}) {
  const roles = new Set(config.roles || []);

  function check(node, reporter) {
    if (!is(node, "bpmn:Lane")) return;
    const lane = (node.name || "").trim();
    if (roles.has(lane)) return;
    const params = { lane, roles: [...roles].join(", ") };
    reporter.report(node.id, words(config, "lane", "The lane “{lane}” is not a role. Name a lane by a role: {roles}.",
      params), { path: ["name"], code: "lane_not_a_role", params });
  }

  return { check };
};
