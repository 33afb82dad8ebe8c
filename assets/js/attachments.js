// The file picker of a form field that holds attachments (api/web/formrender.py, kinds attachment/attachments;
// api/templates/_form.html). Each chosen file is sent with XMLHttpRequest (fetch reports no upload progress) to
// the page's upload endpoint, with the session's CSRF token; its progress shows in the field's <progress>; the
// new file is added to the field's choices, chosen, so that completing the task sends its id. Without this
// script the field still offers the case's files, attached on the case page.

function setUp(fieldset) {
  const box = fieldset.querySelector(".upload");
  const input = box.querySelector('input[type="file"]');
  const progress = box.querySelector("progress");
  const status = box.querySelector(".upload-status");
  const choices = fieldset.querySelector(".attachment-choices");
  const many = fieldset.dataset.many === "true";
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const say = (message, name) => message.replace("%(name)s", name);
  box.hidden = false;

  function add(attachment, label) {
    const id = `${fieldset.id}-${choices.children.length + 1}`;
    const row = document.createElement("div");
    row.className = "check";
    const choice = document.createElement("input");
    choice.type = many ? "checkbox" : "radio";
    choice.id = id;
    choice.name = fieldset.dataset.field;
    choice.value = attachment.id;
    choice.checked = true;
    const text = document.createElement("label");
    text.htmlFor = id;
    text.textContent = label; // a file's name is text, never markup
    row.append(choice, text);
    choices.append(row);
    const none = fieldset.querySelector(".attachment-none");
    if (none) none.remove();
  }

  function send(file) {
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", fieldset.dataset.uploadUrl);
      request.setRequestHeader("X-CSRFToken", csrf);
      request.setRequestHeader("Accept", "application/json");
      request.responseType = "json";
      progress.hidden = false;
      progress.value = 0;
      status.textContent = say(fieldset.dataset.uploading, file.name);
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
      });
      request.addEventListener("load", () => {
        const answer = request.response || {};
        if (request.status === 201) {
          progress.value = 100;
          add(answer, answer.filename || file.name);
          status.textContent = say(fieldset.dataset.attached, answer.filename || file.name);
        } else {
          status.textContent = `${say(fieldset.dataset.failed, file.name)} ${answer.detail || ""}`.trim();
        }
        resolve();
      });
      request.addEventListener("error", () => {
        status.textContent = say(fieldset.dataset.failed, file.name);
        resolve();
      });
      const body = new FormData();
      body.append("file", file);
      request.send(body);
    });
  }

  input.addEventListener("change", async () => {
    const files = Array.from(input.files);
    input.disabled = true;
    for (const file of files) await send(file); // one at a time: the progress bar tells of one file
    input.value = "";
    input.disabled = false;
  });
}

document.querySelectorAll("fieldset.attachments[data-upload-url]").forEach(setUp);
