"""Languages a survey's texts may carry: ISO 639-1 codes, their names and writing direction.

Survey texts (`LocalText`) hold Dutch (required), English and any further language by its
two-letter ISO 639-1 code. The interface words (buttons, errors, progress) exist in Dutch
and English only (`mel.i18n.interface_language`); a page in another language shows them in
English.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.core import UnknownLocaleError

# ISO 639-1 (two-letter) language codes.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
    hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
    kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn
    no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm
    sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi
    vo wa wo xh yi yo za zh zu
    """.split()
)
# Languages written right to left: their pages get dir="rtl".
RIGHT_TO_LEFT = frozenset({"ar", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})


def is_language(code: object) -> bool:
    """Whether `code` is a two-letter ISO 639-1 language code (lower case)."""
    return isinstance(code, str) and code in ISO_639_1


def direction(code: str) -> str:
    """Return "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


@cache
def language_name(code: str) -> str:
    """Return a language's name in itself ("Türkçe" for tr), or the code when unknown."""
    try:
        name = Locale.parse(code).get_language_name(code)
    except (UnknownLocaleError, ValueError):
        return code
    return (name[:1].upper() + name[1:]) if name else code
