// Every step of a procedure says which clause of the regulation it carries out, in its documentation, so that an
// official can check the diagram against the text (docs/diagrams.md, Documentation). Checked: the flow nodes a
// case passes through for a reason of the regulation: tasks, sub-processes and call activities, events, and the
// gateways that decide or split (more than one outgoing flow). A gateway that only joins is left out: it waits for
// paths whose steps cite their clauses, and says nothing of its own.
//
// A citation is a clause's number in the forms the shipped documentation uses in each language (§ 9, art. 15,
// item 11, part 3; п. 4.4, ст. 20, ч. 1; 7-п., 19-берене; 7-банд, 20-модда, 7-band, 20-modda), or the declared
// absence of one: "Design choice" and its translations, which the shipped diagrams write where the regulation is
// silent and the office decided. The English documentation (bpmn:documentation) must cite; each translation
// (jarchy:documentation) that is there must cite too, so that a translation does not drop the reference.
const { is, isAny } = require("bpmnlint-utils");
const words = require("./words");

// Letters do not count as word boundaries in JavaScript's \b: a clause marker is preceded by a non-letter.
const START = "(?:^|[^\\p{L}])";
const NUMBER = "\\d[\\d.]*";
const CITATIONS = [
  "§\\s*\\d",
  `${START}(?:art|arts|p|pp|para|cl)\\.\\s*${NUMBER}`,
  `${START}(?:articles?|items?|parts?|clauses?|paragraphs?|sections?|points?|chapters?)\\s+${NUMBER}`,
  `${START}(?:ст|стст|п|пп|ч|абз|разд|гл|подп|пп)\\.\\s*${NUMBER}`,
  `${START}(?:стать[яиюе]|статт[яіею]|пункт[а-яіїє]*|част[ьиі]|частин[аиі])\\s+${NUMBER}`,
  `${NUMBER}[–-]?(?:\\d+)?-(?:пп?\\.|берене|бөлүк|банд|модда|қисм|band|modda|qism|bob|боб|глава|бап)`,
  `${START}(?:design choice|долбоордук чечим|проектное решение|проєктне рішення|долбоорлоо чечими|лойиҳавий қарор|loyihaviy qaror)`,
].map((source) => new RegExp(source, "iu"));

function cites(text) {
  const normal = (text || "").normalize("NFC");
  return CITATIONS.some((pattern) => pattern.test(normal));
}

function checked(node) {
  if (isAny(node, ["bpmn:Activity", "bpmn:Event"])) return true;
  return is(node, "bpmn:Gateway") && (node.outgoing || []).length > 1;
}

function english(node) {
  return (node.documentation || [])
    .filter((doc) => (doc.textFormat || "text/plain") === "text/plain")
    .map((doc) => doc.text || "").join("\n").trim();
}

function translations(node) {
  const values = (node.extensionElements && node.extensionElements.values) || [];
  return values
    .filter((value) => (value.$type || "").toLowerCase() === "jarchy:documentation")
    .map((value) => ({ lang: value.lang || (value.$attrs && value.$attrs.lang) || "", text: value.value || value.$body || "" }))
    .filter((value) => value.text.trim());
}

module.exports = function citesClause(config = {}) {
  function check(node, reporter) {
    if (!checked(node)) return;
    const source = english(node);
    if (!cites(source)) {
      const params = { language: "en" };
      reporter.report(node.id, words(config, source ? "cites" : "undocumented", source
        ? "The documentation cites no clause of the regulation: name it (§ 9, art. 15, item 11) or say “Design choice:”."
        : "The element has no documentation: say which clause of the regulation it carries out, or “Design choice:”.",
      params), { path: ["documentation"], code: source ? "cites_no_clause" : "undocumented", params });
      return;
    }
    for (const translation of translations(node)) {
      if (cites(translation.text)) continue;
      const params = { language: translation.lang };
      reporter.report(node.id, words(config, "citesIn",
        "The documentation in {language} cites no clause of the regulation, unlike the English one.", params),
      { path: ["extensionElements"], code: "cites_no_clause", params });
    }
  }

  return { check };
};

module.exports.cites = cites;
