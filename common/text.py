"""Folding Vietnamese text to one matching key.

Staff type headers and names by hand, on machines with different keyboards and fonts, so
the same words arrive in NFC or NFD, with old or new tone placement (Hoà/Hòa), in any case,
spacing and punctuation. Folding them all to one ASCII key makes them comparable; the key is
only for matching, never stored as data.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z%]+")


def fold(value: object) -> str:
    """Fold text to a matching key: no diacritics, đ→d, lower case, punctuation as spaces.

    >>> fold("  Ngày  Tiếp-nhận ")
    'ngay tiep nhan'
    >>> fold("Thuỷ") == fold("Thủy") == fold(unicodedata.normalize("NFD", "THỦY"))
    True
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return _NON_ALNUM.sub(" ", text).strip()
