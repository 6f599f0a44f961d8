"""Vietnamese text typed in old 8-bit fonts (TCVN3, VNI): find it in extracted text and convert it to Unicode.

Before Unicode, Vietnamese documents were typed in fonts whose glyphs sat at Latin-1 positions. A PDF or Word
file made with them still carries those positions, so its extracted text is mojibake that no search can match:

- TCVN3 (ABC, ".VnTime", ".VnArial"): one byte a letter. "Céng hßa X· héi chñ nghÜa ViÖt Nam" is
  "Cộng hòa Xã hội chủ nghĩa Việt Nam".
- VNI ("VNI-Times"): a base letter, then a byte for its marks. "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".

Extraction tools hand us each byte as the code point of the same number (pdfium and poppler) or as its
Windows-1252 reading (antiword); the two differ only at 0x80–0x9F, where these fonts keep punctuation, so a
converted line also reads stray C1 controls (U+0080–U+009F) as Windows-1252 quotes and dashes.

Sources of the tables (written here from the published charts, not from any converter's code):

- TCVN3: TCVN 5712:1993, table VN3 (VSCII-3; ISO-IR-180 registers the VN1 superset). VN3 has 67 lowercase
  letters at 0xA8–0xAE and 0xB5–0xFE and seven toneless capitals at 0xA1–0xA7; its other positions are empty.
  Checked against glibc iconv's TCVN5712-1 (VN1), which agrees on every VN3 position.
- VNI: the VNI-Win (VNI for Windows) table of VNI Software: ñ/Ñ = đ/Đ, ô/Ô = ơ/Ơ, ö/Ö = ư/Ư, the i-vowels and
  ỵ as single bytes (í ì æ ó ò î), and mark bytes after a base vowel: tones ù ø û õ ï; circumflex â and
  circumflex+tone á à å ã ä; breve ê and breve+tone é è ú ü ë. A capital's mark byte is the lowercase one
  minus 0x20 (Ù Ø Û Õ Ï, Â Á À Å Ã Ä, Ê É È Ú Ü Ë), as in the Latin-1 case pairs.

Uppercase TCVN3: VN3 has no capitals with tone marks; documents set capitals such as "CỘNG HÒA" in separate
all-capital fonts (".VnTimeH"), whose lowercase positions draw capitals. Extracted, that is "CéNG HßA" when
the typist used Shift, or "céng hßa" when not. The first is recognised (a word whose ASCII letters are all
capitals, with a lowercase code inside and a capital after its first character, or any word of a line of
such words) and converted to capitals; the second, and a lone "Bé" (Bộ or BỘ), cannot be told from
lowercase text and come out in lowercase, which the search index does not mind.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_TONES = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))

# TCVN 5712:1993 VN3, byte -> letter. Rows as in the standard's chart: capitals, then the lowercase vowels
# with their five tones in the order grave, hook, tilde, acute, dot.
_TCVN3_BYTES: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# What extraction gives for each byte (the code point of the same number) -> the letter it stands for.
TCVN3_TABLE: dict[str, str] = {chr(byte): letter for byte, letter in _TCVN3_BYTES.items()}

# VNI-Win, lowercase bytes; the capital of each is the byte minus 0x20.
_VNI_LETTER_BYTES: dict[int, str] = {
    0xF1: "đ", 0xF4: "ơ", 0xF6: "ư", 0xED: "í", 0xEC: "ì", 0xE6: "ỉ", 0xF3: "ĩ", 0xF2: "ị", 0xEE: "ỵ",
}  # fmt: skip
_VNI_TONE_BYTES: dict[int, str] = {0xF9: _ACUTE, 0xF8: _GRAVE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT}
_VNI_CIRCUMFLEX_BYTES: dict[int, str] = {0xE2: "", 0xE1: _ACUTE, 0xE0: _GRAVE, 0xE5: _HOOK, 0xE3: _TILDE, 0xE4: _DOT}
_VNI_BREVE_BYTES: dict[int, str] = {0xEA: "", 0xE9: _ACUTE, 0xE8: _GRAVE, 0xFA: _HOOK, 0xFC: _TILDE, 0xEB: _DOT}


def _vni_table() -> dict[str, str]:
    """The canonical VNI sequences (a capital base takes the capital mark byte) -> Unicode letters."""
    table: dict[str, str] = {}
    for byte, letter in _VNI_LETTER_BYTES.items():
        table[chr(byte)] = letter
        table[chr(byte - 0x20)] = letter.upper()
    marks: list[tuple[str, dict[int, str], str]] = [
        ("aeouy\u01a1\u01b0", _VNI_TONE_BYTES, ""),  # tones on any vowel but i (i has its own bytes)
        ("aeo", _VNI_CIRCUMFLEX_BYTES, _CIRCUMFLEX),
        ("a", _VNI_BREVE_BYTES, _BREVE),
    ]
    base_codes = {"\u01a1": chr(0xF4), "\u01b0": chr(0xF6)}  # ơ and ư are themselves VNI bytes
    for bases, mark_bytes, modifier in marks:
        for base in bases:
            code = base_codes.get(base, base)
            for byte, tone in mark_bytes.items():
                if base == "y" and tone == _DOT:  # ỵ has its own byte, î
                    continue
                letter = unicodedata.normalize("NFC", base + modifier + tone)
                table[code + chr(byte)] = letter
                upper_code = chr(ord(code) - 0x20) if code in base_codes.values() else code.upper()
                table[upper_code + chr(byte - 0x20)] = letter.upper()
    return table


# VNI sequence as extracted -> letter. Only the combinations VNI defines: a circumflex byte after "u" or a
# breve byte after "o" is left alone, which keeps French "où", "Noël" or "aï" mostly out of it.
VNI_TABLE: dict[str, str] = _vni_table()

# Decoding also accepts a capital base with a lowercase mark byte and the reverse (seen in hand-typed text).
_VNI_DECODE: dict[str, str] = dict(VNI_TABLE)
for _seq, _letter in VNI_TABLE.items():
    if len(_seq) == 2:
        _swapped = _seq[0] + (_seq[1].lower() if _seq[1].isupper() else _seq[1].upper())
        _VNI_DECODE.setdefault(_swapped, _letter)
_VNI_DECODE.update({"y\u00ef": "ỵ", "Y\u00cf": "Ỵ", "y\u00cf": "ỵ", "Y\u00ef": "Ỵ"})  # "y" + dot, not "î"
_VNI_PATTERN = re.compile("|".join(re.escape(seq) for seq in sorted(_VNI_DECODE, key=len, reverse=True)))

# 0x80–0x9F hold punctuation in these fonts; a tool that gives code points leaves them as C1 controls.
_C1_AS_CP1252: dict[int, str] = {}
for _byte in range(0x80, 0xA0):
    try:
        _C1_AS_CP1252[_byte] = bytes([_byte]).decode("cp1252")
    except UnicodeDecodeError:  # five bytes are undefined in Windows-1252 as well: keep them
        pass

_TCVN3_TRANSLATION = {ord(code): letter for code, letter in TCVN3_TABLE.items()} | _C1_AS_CP1252
_TCVN3_LOWER_CODES = frozenset(code for code, letter in TCVN3_TABLE.items() if letter.islower())
_TCVN3_CAPITAL_CODES = frozenset(code for code, letter in TCVN3_TABLE.items() if letter.isupper())

# Letters of correct Unicode Vietnamese that no legacy extraction can contain (all legacy text is <= U+00FF).
_UNICODE_ONLY = frozenset("ăĂđĐĩĨũŨơƠưƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)))
# Every letter of the Vietnamese alphabet, accented or not, as one precomposed code point.
_VIETNAMESE_LETTERS = (
    frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ") | _UNICODE_ONLY
)

# A word: letters, the TCVN3 codes that are symbols in Latin-1 (· ¸ ­ § ...), and combining marks.
_TCVN3_SYMBOLS = "".join(sorted(code for code in TCVN3_TABLE if not code.isalpha()))
_WORD = re.compile(rf"(?:[^\W\d_]|[{re.escape(_TCVN3_SYMBOLS)}]|[\u0300-\u036f])+")
_UNICODE_WORD = re.compile(rf"[^\W\d_]*[{''.join(sorted(_UNICODE_ONLY))}\u0300-\u036f][\w\u0300-\u036f]*")


def to_unicode(text: str, encoding: str) -> str:
    """Convert text extracted from a TCVN3 or VNI font to NFC Unicode; what is not in the table stays as it is.

    Tone marks stay on the letter that carried them in the source ("hoøa" gives "hòa"); the indexer moves
    them to the project's convention.
    """
    if encoding == TCVN3:
        converted = "".join(_tcvn3_line(line) for line in text.splitlines(keepends=True))
    elif encoding == VNI:
        converted = _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text).translate(_C1_AS_CP1252)
    else:
        raise ValueError(f"Unknown legacy encoding {encoding!r}: expected one of {', '.join(ENCODINGS)}.")
    return unicodedata.normalize("NFC", converted)


def _tcvn3_line(line: str) -> str:
    """Convert one TCVN3 line, turning words set in an all-capital font (.VnTimeH) into capitals."""
    words = list(_WORD.finditer(line))
    capital = [_typed_in_capitals(m.group()) for m in words]
    # In a line whose every ASCII letter is a capital and with at least one word plainly in an all-capital
    # font, a short word like "Sè" is in that font too.
    whole_line = any(capital) and not any("a" <= c <= "z" for c in line)
    out, pos = [], 0
    for match, is_capital in zip(words, capital, strict=True):
        word = _tcvn3_word(match.group())
        if is_capital or (whole_line and any(c in _TCVN3_LOWER_CODES for c in match.group())):
            word = word.upper()
        out.append(line[pos : match.start()].translate(_TCVN3_TRANSLATION))
        out.append(word)
        pos = match.end()
    out.append(line[pos:].translate(_TCVN3_TRANSLATION))
    return "".join(out)


# ư is 0xAD, the soft hyphen, which copy-paste and some tools drop ("Kh¬ng" for "Kh\xad¬ng", Khương). A
# syllable never ends in "ơng" or "ơc", so there the lost ư is certain and goes back in.
_LOST_U_HORN = re.compile(r"(?<!ư)(?=[ơờởỡớợ](?:ng|c)$)", re.IGNORECASE)


def _tcvn3_word(word: str) -> str:
    """One TCVN3 word in Unicode, with an ư its soft hyphen lost put back."""
    converted = word.translate(_TCVN3_TRANSLATION)
    return _LOST_U_HORN.sub(lambda m: "Ư" if converted[m.start()].isupper() else "ư", converted)


def _typed_in_capitals(word: str) -> bool:
    """A word like "CéNG" or "§¹I": its ASCII letters all capitals, a lowercase TCVN3 code, a capital after the
    first character.

    The ordinary font has no capital with a tone, so such a word only makes sense in an all-capital font. A
    word like "Bé" could be either ("Bộ" or "BỘ") and stays as the ordinary font reads it.
    """
    ascii_letters = [c for c in word if c.isascii() and c.isalpha()]
    return (
        all(c.isupper() for c in ascii_letters)
        and any(c in _TCVN3_LOWER_CODES for c in word)
        and any((c.isascii() and c.isupper()) or c in _TCVN3_CAPITAL_CODES for c in word[1:])
    )


# ---------------------------------------------------------------------------------------------------------
# Detection


@dataclass
class _Evidence:
    """What converting one text would do to its words."""

    gained: int = 0  # altered words that become Vietnamese syllables and were not before
    gain_points: int = 0  # gained, counting double those that held a character foreign to Vietnamese
    lost: int = 0  # words that were Vietnamese syllables and would no longer be, or hold Unicode-only letters
    distinct_gains: int = 0
    words: int = 0  # all words but all-capital ASCII ones (acronyms: UBND, GAS, CRV)
    syllables: int = 0  # of those, the words that are Vietnamese syllables after the conversion


def _evidence(text: str, encoding: str) -> _Evidence:
    """Count, word by word, what converting text from encoding would gain and lose."""
    evidence = _Evidence()
    gains: set[str] = set()
    for word in _WORD.findall(text):
        outcome = _outcome(word, encoding)
        if outcome is _ACRONYM:
            continue
        evidence.words += 1
        evidence.syllables += outcome in (_GAIN, _GAIN_STRONG, _SYLLABLE)
        if outcome is _LOSS:
            evidence.lost += 1
        elif outcome in (_GAIN, _GAIN_STRONG):
            evidence.gained += 1
            evidence.gain_points += 2 if outcome is _GAIN_STRONG else 1
            gains.add(word.lower())
    evidence.distinct_gains = len(gains)
    return evidence


_ACRONYM, _LOSS, _GAIN, _GAIN_STRONG, _SYLLABLE, _OTHER = "acronym", "loss", "gain", "gain2", "syllable", "other"


@lru_cache(maxsize=131072)
def _outcome(word: str, encoding: str) -> str:
    """What converting one word does (cached: a text repeats the same few thousand syllables)."""
    if word.isascii() and word.isupper() and len(word) > 1:
        return _ACRONYM
    if any(c in _UNICODE_ONLY or "\u0300" <= c <= "\u036f" for c in word):
        return _LOSS
    converted = _convert_word(word, encoding)
    after = _is_syllable(converted)
    if converted != word:
        before = _is_syllable(word)
        if after and not before:
            return _GAIN if all(c in _VIETNAMESE_LETTERS for c in word) else _GAIN_STRONG
        if before and not after:
            return _LOSS
    return _SYLLABLE if after else _OTHER


def _convert_word(word: str, encoding: str) -> str:
    if encoding == TCVN3:
        return _tcvn3_word(word)
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], word)


def _is_legacy(evidence: _Evidence) -> bool:
    """The rule of `detect`, on one encoding's evidence."""
    return (
        evidence.distinct_gains >= 2
        and evidence.gain_points >= 2 * evidence.lost + 2
        and evidence.syllables * 10 >= evidence.words * 6
    )


def detect(text: str) -> str | None:
    """Name the legacy font encoding of a text: "tcvn3", "vni", or None for Unicode, English, numbers.

    Every legacy code is a Latin-1 character, and most of them are also letters or symbols of ordinary text
    ("é", "à", "§", "µ", "«"), so single characters prove nothing. The rule counts words instead: for each
    encoding, convert every word and check the result against Vietnamese spelling (one syllable: onset, vowel
    cluster and final as Vietnamese writes them, one tone, only acute or dot-below before c/ch/p/t).

    - A *gain* is a word that was not a Vietnamese syllable and becomes one ("héi" -> "hội", "hoøa" -> "hòa").
      It scores 2 when the word held a character that is not a Vietnamese letter ("ß", "·", "ä"), else 1.
    - A *loss* is a word that was a syllable and stops being one, or a word with a letter only Unicode has
      (ơ, ư, đ, ạ…, or a combining mark): text that has those is Unicode already.

    The text is legacy when at least two different words gain, gain points are at least twice the losses plus
    two, and at least 60 % of its words (all-capital acronyms aside) are Vietnamese syllables once converted;
    the last keeps out Norwegian "på"/"gå" (TCVN3 "pồ"/"gồ") and the like, whose other words are not Vietnamese.
    French "où" (VNI "ó") is one gain at most; "10 µm" (TCVN3 "àm") is one word; "hoà" (VNI "hồ") is a
    syllable either way, so it is no gain.

    Measured (tests/test_attachments_legacy.py and a one-off script): none of the 5005 bodies and none of the
    126,673 lines of the project's corpus is detected, nor any of 8,912 non-ASCII lines of European-language
    text (the German, French, Spanish, Italian, Norwegian, Hungarian... translations of gnupg, vim and
    systemd). The same corpus typed in TCVN3 / VNI is detected in 4740 / 4741 of the 4751 bodies that have a
    mark to encode; line by line, lines with two marked words are found 79 % / 83 % of the time, three 95 % /
    97 %, five or more 99.9 %. A line with one marked word ("ViÖt Nam") is never enough on its own.
    When both encodings qualify, the one with more gain points wins, then more syllables, then TCVN3.
    """
    if text.isascii():  # every legacy code is above 0x7F
        return None
    # Shortcut for ordinary Unicode Vietnamese: each word with a Unicode-only letter is a loss, and the other
    # words cannot score enough to outweigh them (2 points a word at most).
    words = len(_WORD.findall(text))
    unicode_words = len(_UNICODE_WORD.findall(text))
    if words - unicode_words < unicode_words + 1:
        return None
    best: tuple[tuple[int, int, int], str] | None = None
    for encoding in ENCODINGS:
        evidence = _evidence(text, encoding)
        score = (evidence.gain_points, evidence.syllables, evidence.gained)
        if _is_legacy(evidence) and (best is None or score > best[0]):
            best = (score, encoding)
    return best[1] if best else None


def repair(text: str) -> tuple[str, str | None]:
    """Convert the legacy-font lines of an extracted text, keep the Unicode ones; also say which encoding.

    A document often mixes fonts: a heading in .VnTimeH above a Unicode body, or an old template pasted into a
    new file. Each line is detected on its own. Once some lines of the document are legacy, a line with too
    little to go on ("ViÖt Nam", one gain) is converted too if it gains, loses nothing and 40 % of its words
    are syllables once converted (captions like "NhËt LinhTheo Reuters"). The encoding returned is the one of
    most detected lines, None when no line was detected (and then the text comes back unchanged).
    """
    lines = text.split("\n")
    verdicts = [detect(line) for line in lines]
    counts = Counter(v for v in verdicts if v)
    if not counts:
        return text, None
    main = counts.most_common(1)[0][0]
    out = []
    for line, verdict in zip(lines, verdicts, strict=True):
        if verdict is None:
            evidence = _evidence(line, main)
            if evidence.gained and not evidence.lost and evidence.syllables * 10 >= evidence.words * 4:
                verdict = main
        out.append(to_unicode(line, verdict) if verdict else line)
    return "\n".join(out), main


# ---------------------------------------------------------------------------------------------------------
# Vietnamese spelling: is a word one well-formed syllable?

_ONSETS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
# Rimes, toneless: each vowel cluster with the finals it takes ("" when it may end the syllable). Clusters
# ending in a semivowel (ai, ao, ươi...) take no final.
_FINALS = {
    "a": " c ch m n ng nh p t", "ă": "c m n ng p t", "â": "c m n ng p t", "e": " c m n ng p t",
    "ê": " ch m n nh p t", "i": " ch m n nh p t", "y": " ", "o": " c m n ng p t", "ô": " c m n ng p t",
    "ơ": " m n p t", "u": " c m n ng p t", "ư": " c m n ng t", "oa": " c ch m n ng nh p t", "oă": "c m n ng t",
    "oe": " n t", "oo": "c ng", "uâ": "n ng t", "uê": " ch nh", "uy": " ch n nh p t", "uyê": "n t",
    "iê": "c m n ng p t", "yê": "c m n ng p t", "uô": "c m n ng t", "ươ": "c m n ng p t", "uơ": " ",
    "ai": " ", "ao": " ", "au": " ", "ay": " ", "âu": " ", "ây": " ", "eo": " ", "êu": " ", "ia": " ",
    "iu": " ", "oi": " ", "ôi": " ", "ơi": " ", "ua": " ", "ui": " ", "ưa": " ", "ưi": " ", "ưu": " ",
    "iêu": " ", "yêu": " ", "oai": " ", "oay": " ", "oao": " ", "oeo": " ", "uây": " ", "uôi": " ",
    "ươi": " ", "ươu": " ", "uya": " ", "uyu": " ",
}  # fmt: skip
_RIMES = frozenset(vowels + final for vowels, finals in _FINALS.items() for final in finals.split(" "))
_STOP_CODAS = ("c", "ch", "p", "t")
_FRONT = ("e", "ê", "i", "y")


@lru_cache(maxsize=65536)
def _is_syllable(word: str) -> bool:
    """True when word (any case) is spelled as one Vietnamese syllable, with one tone mark at most and on a
    vowel that carries it in either the old or the new convention ("hòa" and "hoà", not "hoaø"-like "caù")."""
    letters = unicodedata.normalize("NFC", word.lower())
    base, tone, tone_at = [], "", -1
    for i, char in enumerate(letters):
        parts = unicodedata.normalize("NFD", char)
        marks = [c for c in parts if c in _TONES]
        if marks:
            if tone or len(marks) > 1:
                return False
            tone, tone_at = marks[0], i
            char = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        base.append(char)
    syllable = "".join(base)
    for onset in _ONSETS:
        if not syllable.startswith(onset):
            continue
        rime, at = syllable[len(onset) :], tone_at - len(onset)
        if onset == "gi" and rime not in _RIMES:  # gi takes the i of iê: "giếng" is gi + (i)êng
            rime, at = "i" + rime, at + 1
        if rime not in _RIMES or not _onset_fits(onset, rime):
            continue
        if tone and rime.endswith(_STOP_CODAS) and tone not in (_ACUTE, _DOT):
            continue
        if tone and at not in _tone_places(rime):
            continue
        return True
    return False


@lru_cache(maxsize=1024)
def _tone_places(rime: str) -> frozenset[int]:
    """Where in a rime the tone mark may sit: on the last vowel with a hat or horn (ươ, iê, uâ...), else on the
    last vowel before a final consonant, else on the first of two vowels or the middle of three; in oa, oe and
    uy either vowel (the old convention "hòa", the new "hoà")."""
    vowels = _vowel_count(rime)
    cluster = rime[:vowels]
    hatted = [i for i, c in enumerate(cluster) if c in "ăâêôơư"]
    if hatted:
        return frozenset({hatted[-1]})
    if vowels == 1:
        return frozenset({0})
    if vowels < len(rime):
        return frozenset({vowels - 1})
    if cluster in ("oa", "oe", "uy"):
        return frozenset({0, 1})
    return frozenset({0 if vowels == 2 else 1})


def _vowel_count(rime: str) -> int:
    count = 0
    while count < len(rime) and rime[count] in "aăâeêioôơuưy":
        count += 1
    return count


def _onset_fits(onset: str, rime: str) -> bool:
    """Spelling rules for onsets: k/gh/ngh only before e, ê, i, y; c, g, ng never there (but "gì"); qu, no u/o."""
    front = rime.startswith(_FRONT)
    if onset in ("k", "gh", "ngh"):
        return front
    if onset == "g":  # "gì", "gìn": g before i; "gi" before another vowel is the onset gi
        return not front or rime.startswith("i")
    if onset in ("c", "ng"):
        return not front
    if onset == "qu":  # its u is the glide already: not before u, ư or o
        return not rime.startswith(("u", "ư", "o"))
    return True
