// Jarchy's own bpmnlint rules (docs/diagrams.md, The lint). A plug-in as bpmnlint resolves one by name
// (bpmnlint-plugin-jarchy): its configs and rules by file. The rules that need the server's data (roles, forms,
// the sandbox's verdict) read it from their config, which assets/lint/config.js builds.
module.exports = {
  configs: {
    recommended: {
      rules: {
        "lane-is-role": "error",
        "form-exists": "error",
        "cites-clause": "warn",
      },
    },
  },
};
