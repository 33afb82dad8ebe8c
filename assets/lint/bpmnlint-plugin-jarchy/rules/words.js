// A Jarchy rule's message: the template the config gives (the page's language, passed in by the server), else the
// English default; {name} placeholders filled from `params`. bpmnlint reports plain text, so the wording happens
// here, and the report also carries `code` and `params` for the server to word it again in its reader's language.
module.exports = function words(config, key, fallback, params) {
  const template = (config && config.messages && config.messages[key]) || fallback;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
};
