"""What the requester reads when a request is refused in whole or in part: the ground in the words of the law in
force, the article it rests on, what is withheld, and the appeal route a refusal must state (UA: Law 2939-VI
art. 22 part 4 and art. 23), in the first publication language of the jurisdiction profile (else English).

Built from the profile as plain data, so that it crosses to the script sandbox with the other office functions.
Hand-written: the letter's composition is the law's, no library knows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.core.jurisdiction import Profile, in_language, texts

WORDS = ("refused", "partly_refused", "ground", "withheld")


@dataclass(frozen=True)
class RequesterTexts:
    language: str
    grounds: tuple[tuple[str, str, str], ...]  # (key, title, article of law)
    appeal: str
    words: tuple[tuple[str, str], ...]  # (name, text) for each of WORDS

    @classmethod
    def of(cls, profile: Profile, language: str) -> RequesterTexts:
        data = profile.data
        return cls(
            language=language,
            grounds=tuple((g["key"], in_language(g["title"], language),
                          in_language(texts(g["law"]), language)) for g in data["refusal_grounds"]),
            appeal=in_language(data["appeal"]["route"], language),
            words=tuple((name, in_language(data["letter"][name], language)) for name in WORDS),
        )

    def refusal(self, ground: str) -> dict[str, str]:
        """The refusal as the case keeps it and the requester reads it. Where the profile lists no grounds yet
        (still to verify against the law), the ground the office wrote is its own title."""
        for key, title, law in self.grounds:
            if key == ground:
                return {"ground": key, "title": title, "law": law, "appeal": self.appeal}
        if self.grounds:
            raise ValueError(f"{ground!r} is not a refusal ground of the law in force")
        return {"ground": ground, "title": ground, "law": "", "appeal": self.appeal}

    def letter(self, outcome: str, answer: str | None, refusal: dict[str, Any] | None, withheld: str | None) -> str:
        """The whole text sent: the answer; or the refusal with its ground and the appeal route; or the answer,
        what is withheld, on which ground, and the appeal route."""
        if outcome == "answered":
            return answer or ""
        if refusal is None:
            raise ValueError(f"a letter for the outcome {outcome!r} needs the refusal's ground")
        words = dict(self.words)
        ground = refusal["title"] + (f" ({refusal['law']})" if refusal.get("law") else "")
        if outcome == "refused":
            return f"{words['refused']}\n{words['ground']}: {ground}\n\n{refusal['appeal']}"
        if outcome == "partly_refused":
            return (f"{answer or ''}\n\n{words['partly_refused']}\n{words['withheld']}: {withheld or ''}\n"
                    f"{words['ground']}: {ground}\n\n{refusal['appeal']}")
        raise ValueError(f"no letter is written for the outcome {outcome!r}")
