import re
from tests.web.test_worded_keys import EVENT_KEYS, SNAKE, sample_cases, text, visible  # noqa

def test_probe(page_as, sample_cases):
    head, auditor = page_as("prhead"), page_as("auditor")
    out = []
    for process_key, instance_id in sample_cases.items():
        for who, path in ((head, f"/cases/{instance_id}"), (auditor, f"/audit/cases/{instance_id}")):
            shown = visible(text(who.get(path)))
            bad = sorted(set(SNAKE.findall(shown)) | set(EVENT_KEYS.findall(shown)))
            out.append(f"{process_key} {path}: {bad}")
    open("/tmp/F-probe.txt", "w").write("\n".join(out))
    open("/tmp/F-page.txt", "w").write(visible(text(auditor.get(f"/audit/cases/{sample_cases['release_approval']}"))))
