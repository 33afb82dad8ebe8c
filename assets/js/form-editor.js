// The form editor (api/templates/admin/form_editor.html): CodeMirror 6 over the page's textarea, which stays the
// form's field (the editor writes its text back before the form is sent) and the whole editor without JavaScript.
// As the text changes, the preview asks the server for the form as staff will see it (POST /admin/forms/preview:
// the task page's own renderer, and `check_form`'s problems named by path), a moment after the typing stops.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json, jsonParseLinter } from "@codemirror/lang-json";
import { bracketMatching, foldGutter, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { linter, lintGutter } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

const WAIT_MS = 400;

function start() {
  const root = document.getElementById("form-editor");
  const textarea = document.getElementById("form-schema");
  const preview = document.getElementById("form-preview");
  if (!root || !textarea || !preview) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const keyInput = document.getElementById("form-key");
  let timer = null;
  let asked = 0;

  async function refresh(text) {
    const mine = ++asked;
    const body = new URLSearchParams({ schema: text, key: keyInput ? keyInput.value : "" });
    try {
      const response = await fetch(root.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
        body,
      });
      if (mine !== asked || !response.ok) return; // a later text was sent meanwhile, or the session ended
      preview.innerHTML = await response.text();
      root.dataset.previewed = String(mine);
    } catch (_error) {
      // offline for a moment: the next change asks again
    }
  }

  const view = new EditorView({
    parent: textarea.parentNode,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        foldGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        json(),
        linter(jsonParseLinter()),
        lintGutter(),
        EditorView.lineWrapping,
        // No Tab binding: Tab leaves the editor, as it leaves any field (keyboard users are never trapped).
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({
          "aria-labelledby": "form-schema-label",
          "aria-describedby": "form-schema-hint",
          "aria-multiline": "true",
          spellcheck: "false",
          id: "form-schema-editor",
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          clearTimeout(timer);
          timer = setTimeout(() => refresh(textarea.value), WAIT_MS);
        }),
      ],
    }),
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  textarea.closest("form").addEventListener("submit", () => {
    textarea.value = view.state.doc.toString();
  });
  document.getElementById("form-schema-label").addEventListener("click", () => view.focus());
  if (keyInput && keyInput.type !== "hidden") {
    keyInput.addEventListener("change", () => refresh(view.state.doc.toString()));
  }
  root.dataset.ready = "true";
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
