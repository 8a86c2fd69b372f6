"""The characters of transcripts: which ones a corpus uses, and which a linguist should look at
(look-alikes from another script, letters outside the language's alphabet, decomposed or
invisible characters)."""

from __future__ import annotations

import collections
import dataclasses
import unicodedata
from collections.abc import Iterable

# Alphabets of the languages we train on, lower case, for the character inventory. Upper Sorbian
# writes q, v and x only in foreign words, so they are listed (a linguist will see their counts).
ALPHABETS = {
    "hsb": set("aábcčćdeěéfghijklłmnńoópqrřsštuvwxyzžź"),
    "dsb": set("abcčćdeěfghijklłmnńoópqrŕsśštuvwxyzžź"),
    "cs": set("aábcčdďeéěfghiíjklmnňoópqrřsštťuúůvwxyýzž"),
    "pl": set("aąbcćdeęfghijklłmnńoóprsśtuwyzźżqvx"),
}


@dataclasses.dataclass(frozen=True)
class CharCount:
    char: str
    count: int
    name: str  # Unicode name, or the code point for unnamed characters
    suspicious: str  # why a linguist should look, or ""


def character_inventory(texts: Iterable[str], locale: str | None = None) -> list[CharCount]:
    """Every character of the transcripts with its count, most frequent first, flagging letters
    from another script (e.g. a Cyrillic "о" among Latin letters), letters outside the locale's
    alphabet, combining marks left after NFC, and invisible format characters."""
    counts = collections.Counter(ch for text in texts for ch in text)
    alphabet = ALPHABETS.get(locale or "")
    inventory = []
    for ch, n in counts.most_common():
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        category = unicodedata.category(ch)
        why = ""
        if category.startswith("L") and not name.startswith("LATIN"):
            why = "not a Latin letter (a look-alike?)"
        elif category.startswith("M"):
            why = "combining mark (decomposed character?)"
        elif category in ("Cf", "Cc", "Co", "Cn") or (category.startswith("Z") and ch != " "):
            why = "invisible or control character"
        elif alphabet is not None and category.startswith("L") and ch.lower() not in alphabet:
            why = f"not in the {locale} alphabet"
        inventory.append(CharCount(ch, n, name, why))
    return inventory
