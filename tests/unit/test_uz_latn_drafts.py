"""The Latin Uzbek catalog's drafting aid (api/web/uz_latn_drafts.py): its spelling rules, and that what it fills
is marked fuzzy, so the catalog test refuses it until a person has reviewed it."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from api.web.uz_latn_drafts import fill_drafts, to_latin


@pytest.mark.parametrize(("cyrillic", "latin"), [
    ("Ўзбекча", "O\u02bbzbekcha"),
    ("Эълон қилинди", "E\u02bclon qilindi"),  # tutuq belgisi after a vowel
    ("Ёзув ёки ғоя", "Yozuv yoki g\u02bboya"),
    ("Ер, ҳаёт, оила, реестр", "Yer, hayot, oila, reyestr"),  # е: ye at the start and after a vowel
    ("позиция, функция, цикл", "pozitsiya, funksiya, sikl"),  # ц: ts after a vowel, else s
    ("объект, интервью, пароль", "obyekt, intervyu, parol"),  # ъ and ь before a vowel, ь at the end
    ("ЎРҚ-369, ОАВга", "O\u02bbRQ-369, OAVga"),  # capitals kept per letter
    ("%(num)d та иш", "%(num)d ta ish"),
])
def test_cyrillic_uzbek_is_spelled_in_the_latin_alphabet(cyrillic: str, latin: str) -> None:
    assert to_latin(cyrillic) == latin


def test_drafts_fill_only_empty_messages_and_are_fuzzy() -> None:
    cyrillic, latin = Catalog(locale="uz_Cyrl"), Catalog(locale="uz_Latn")
    for msgid, text in (("Save", "Сақлаш"), ("Cancel", "Бекор қилиш"), ("%(num)d case", ("%(num)d та иш",) * 2)):
        cyrillic.add(("%(num)d case", "%(num)d cases") if msgid.startswith("%") else msgid, text)
    latin.add("Save", "")
    latin.add("Cancel", "Bekor qilish")  # reviewed already: left alone
    latin.add(("%(num)d case", "%(num)d cases"), ("", ""))
    assert fill_drafts(cyrillic, latin) == 2
    assert (latin["Save"].string, latin["Save"].fuzzy) == ("Saqlash", True)
    assert (latin["Cancel"].string, latin["Cancel"].fuzzy) == ("Bekor qilish", False)
    assert (latin["%(num)d case"].string, latin["%(num)d case"].fuzzy) == (("%(num)d ta ish",) * 2, True)
