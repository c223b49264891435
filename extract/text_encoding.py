"""Which encoding a CSV or TXT file was saved in, and its text in Unicode.

Staff save exports and reports on whatever Windows and Excel they have: UTF-8 (with or
without BOM), Excel's "Unicode text" (UTF-16), the Vietnamese code page Windows-1258 (tones
as separate combining marks), the Western Windows-1252, and still the 8-bit text of the old
VNI and TCVN3 (ABC) fonts (the font's letters saved as bytes, read as Windows-1252). Nothing
in a CSV file says which, and several readings of the same bytes are text. So the first
bytes (`HEAD_BYTES`, never the whole file) decide, in this order:

- a UTF-16 byte-order mark is UTF-16;
- NUL or other control bytes mean no text at all (a workbook or another file renamed .csv);
- bytes that are valid UTF-8 are UTF-8: text in a single-byte code page is valid UTF-8 only
  if every accented letter happens to be followed by exactly the right continuation bytes.
  If that text is 8-bit only and holds a legacy font's characters, its VNI and TCVN3
  readings are scored against it (a legacy-font sheet saved as "CSV UTF-8"); one is taken
  only when it is convincing and clearly the best;
- otherwise every reading that decodes the head is scored, and the best one is taken only
  when it is convincing and no reading giving other text scores as well; else the file is
  rejected with how to re-save it.

A reading's score (`Score`) is measured on its text (`SAMPLE_CHARS` of it): the share of
words holding a letter beyond ASCII that are Vietnamese syllables (`is_syllable`: letters of
the Vietnamese alphabet, at most one tone, an onset, vowel nucleus and final that Vietnamese
spells), then the number of header cells of the first lines that are known headers of the
one-stop export or the report workbook (only those with Vietnamese letters: `STT` says
nothing about the encoding). Convincing is at least `MIN_SHARE` of syllables, over at least
`MIN_WORDS` words or with `MIN_HEADERS` known headers; a legacy reading must also beat the
same bytes unconverted by `LEGACY_GAIN`. A wrong reading turns Vietnamese words into letters
Vietnamese has no use for (`MaÞ hôÌ sõ`, `Tiªm`) or into impossible spellings (`Dă`, `kư`),
so the right one stands out by far on any real file.

Text in a single-byte code page is put in NFC (Windows-1258 writes `ế` as `ê` + a combining
acute); UTF-8 and UTF-16 text is left as written, as DuckDB reads it. DuckDB reads only
UTF-8 and UTF-16 (it cannot load its encodings extension here), so a file in another
encoding is copied to UTF-8 (`utf8_copy`) chunk by chunk, line for line.
"""

from __future__ import annotations

import codecs
import functools
import logging
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from common.text import fold
from extract import legacy_text
from extract.one_stop_vocabulary import HEADERS as ONE_STOP_HEADERS

log = logging.getLogger(__name__)

HEAD_BYTES = 1 << 20  # what detection reads: thousands of rows of an export
SAMPLE_CHARS = 1 << 18  # what is scored: plenty of words, and legacy conversion is slow
CHUNK_BYTES = 1 << 22  # what a copy to UTF-8 holds in memory at once
MIN_SHARE, MIN_WORDS, MIN_HEADERS = 0.8, 20, 2
# A legacy font's reading of text that is no legacy text changes few words, and may spell
# them as well (`ô` is VNI's `ơ`): converting must raise the share of syllables by this
# much (viparse's own margin for the same decision) to be believed at all.
LEGACY_GAIN = 0.15
HEADER_LINES = 20  # the header row is searched for in the first 20 rows

RESAVE = ("Mở tệp bằng Excel, chọn Lưu thành (Save As) → CSV UTF-8 (Comma delimited) "
          "(*.csv), lưu rồi chép tệp mới vào hộp thư.")


class UnreadableFile(ValueError):
    """The bytes are not a spreadsheet or CSV we can read; the message, in Vietnamese, says
    why and what staff can do. (Defined here, below `extract.tabular`, which re-exports it,
    because reading a CSV file's encoding is where most such files are found out.)"""


@dataclass(frozen=True)
class Reading:
    """How a file's bytes become text."""
    name: str  # as staff know it, for messages
    codec: str  # Python codec of the bytes
    legacy: str | None = None  # 'tcvn3' or 'vni': a legacy font's letters, converted
    bulk: str | None = None  # the encoding DuckDB reads the file in as it is, if any

    @property
    def by_lines(self) -> bool:
        """Whether every b'\\n' byte of the file is a line break (not so in UTF-16), so
        that it can be cut into lines before decoding."""
        return not self.codec.startswith("utf-16")


UTF8 = Reading("UTF-8", "utf-8-sig", bulk="utf-8")
UTF16 = Reading("UTF-16", "utf-16", bulk="utf-16")  # little-endian, with BOM
UTF16_BE = Reading("UTF-16", "utf-16")  # DuckDB reads only the little-endian kind
CP1258 = Reading("Windows-1258", "cp1258")
CP1252 = Reading("Windows-1252", "cp1252")
# In order of preference when two readings give the same text (a head without a byte on
# which they differ): the Vietnamese Windows' own code page first, converting nothing
# before converting.
SINGLE_BYTE = (CP1258, CP1252, Reading("TCVN3 (ABC)", "cp1252", "tcvn3"),
               Reading("VNI", "cp1252", "vni"))
LEGACY_IN_UTF8 = (UTF8, Reading("TCVN3 (ABC) + UTF-8", "utf-8-sig", "tcvn3"),
                  Reading("VNI + UTF-8", "utf-8-sig", "vni"))


# ---------------------------------------------------------------- Vietnamese plausibility

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = "aăâeêioôơuưy"
# Every letter of the alphabet (lower case, NFC) → (its letter without tone, has a tone).
_LETTERS = {**{c: (c, False) for c in "bcdđghklmnpqrstvx"},
            **{v: (v, False) for v in _VOWELS},
            **{unicodedata.normalize("NFC", v + t): (v, True) for v in _VOWELS for t in _TONES}}
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           *"bcdđghklmnprstvx", "")
_FINALS = ("ch", "ng", "nh", *"cmnpt")
# Vowel nuclei that may end a syllable, and those that may take a final consonant
# (ă, â and the diphthongs iê/yê/uô/ươ never end one: `Dă` is not Vietnamese, `Dã` is).
_OPEN = {*"aeêioôơuưy", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oa",
         "oe", "oi", "ôi", "ơi", "ua", "uê", "ui", "uơ", "uy", "ưa", "ưi", "ưu", "iêu", "yêu",
         "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyu"}
_CLOSED = {*"aăâeêioôơuưy", "iê", "yê", "uô", "ươ", "oa", "oă", "oe", "oo", "uâ", "uê", "uy",
           "uyê"}
# Open nuclei whose last vowel may carry the tone (`hoà`/`hòa`, `thuế`, `thuở`); in every
# other open one it never does (`hồi`, never `hôì`), in a closed one it always does.
_TONE_ON_LAST = {"oa", "oe", "uy", "uê", "uơ"}
_FRONT = set("ieêy")  # k, gh, ngh come only before these; c and ng never
# Words are cut at ASCII punctuation, digits stay in them: a reading that turns a letter
# into a symbol (`s¬`) keeps the word, and fails it.
_WORD_BREAK = re.compile(r"[\s!-/:-@\[-`{-~]+")


@functools.lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """Whether a word is spelled as a Vietnamese syllable can be: `hồ`, `Nguyễn`, `khuya`,
    not `hôÌ`, `Tiªm`, `Dă`, `kư` or `Größe`."""
    letters = [_LETTERS.get(c) for c in unicodedata.normalize("NFC", word.lower())]
    if None in letters or sum(toned for _, toned in letters) > 1:
        return False
    bare = "".join(letter for letter, _ in letters)
    tone = next((i for i, (_, toned) in enumerate(letters) if toned), None)
    return any(_rhyme(onset, bare[len(onset):], None if tone is None else tone - len(onset))
               for onset in _ONSETS if bare.startswith(onset))


def _rhyme(onset: str, rest: str, tone: int | None) -> bool:
    """Whether `rest` is a nucleus and final that may follow `onset`, with the tone on its
    letter number `tone` (None: no tone)."""
    for final in ("", *_FINALS):
        nucleus = rest[:len(rest) - len(final)]
        if (rest.endswith(final) and nucleus in (_CLOSED if final else _OPEN)
                and _tone_fits(nucleus, final, tone) and _onset_fits(onset, nucleus)):
            return True
    return False


def _onset_fits(onset: str, nucleus: str) -> bool:
    if onset in ("k", "gh", "ngh"):
        return nucleus[0] in _FRONT
    return onset not in ("c", "ng") or nucleus[0] not in _FRONT


def _tone_fits(nucleus: str, final: str, tone: int | None) -> bool:
    last = len(nucleus) - 1
    if tone is None:
        return True
    if not 0 <= tone <= last:  # on the onset's `u` of `qu` or `i` of `gi`
        return False
    if final:
        return tone == last
    return tone < last or last == 0 or nucleus in _TONE_ON_LAST


@functools.cache
def _known_headers() -> frozenset[str]:
    """Folded header texts of the one-stop export and the report workbook that hold
    Vietnamese letters. (`extract.workbook` reads through this module: imported on use.)"""
    from extract.workbook import HEADERS as WORKBOOK_HEADERS

    return frozenset(fold(text) for vocabulary in (ONE_STOP_HEADERS, WORKBOOK_HEADERS)
                     for texts in vocabulary.values() for text in texts if not text.isascii())


@dataclass(frozen=True)
class Score:
    words: int  # words holding a letter beyond ASCII
    syllables: int  # of them, Vietnamese syllables
    headers: int  # cells of the first lines that are known headers

    @property
    def share(self) -> float:
        return self.syllables / self.words if self.words else 1.0

    @property
    def convincing(self) -> bool:
        return self.share >= MIN_SHARE and (self.words >= MIN_WORDS
                                            or self.headers >= MIN_HEADERS)

    def __str__(self) -> str:
        return f"{self.syllables}/{self.words} syllables, {self.headers} headers"


def score(text: str) -> Score:
    words = [w for w in _WORD_BREAK.split(text) if not w.isascii()]
    lines = text.split("\n", HEADER_LINES)[:HEADER_LINES]
    known = _known_headers()
    headers = sum(fold(cell.strip(' "\r')) in known
                  for line in lines for cell in re.split("[,;\t]", line))
    return Score(len(words), sum(map(is_syllable, words)), headers)


# ---------------------------------------------------------------- detection


def detect(head: bytes, complete: bool) -> tuple[Reading, str]:
    """The reading of a file whose first bytes are `head` (`complete`: the whole file),
    and the text of those bytes. Raises UnreadableFile when no reading is convincing."""
    if head.startswith(codecs.BOM_UTF16_LE):
        return UTF16, decode(head, UTF16, final=complete)
    if head.startswith(codecs.BOM_UTF16_BE):
        return UTF16_BE, decode(head, UTF16_BE, final=complete)
    if _binary(head):
        raise UnreadableFile(
            "tệp không phải văn bản CSV (có thể là tệp Excel hay tệp khác được đổi tên đuôi "
            "thành .csv/.txt). " + RESAVE)
    try:
        text = codecs.getincrementaldecoder(UTF8.codec)().decode(head, final=complete)
    except UnicodeDecodeError:
        decoded = {r: text for r in SINGLE_BYTE if (text := _decodes(head, r)) is not None}
        best, rival = _choose(decoded)
        if best is None:
            raise UnreadableFile(
                "không nhận ra bảng mã chữ của tệp: đọc theo UTF-8, UTF-16, Windows-1258, "
                "Windows-1252, VNI hay TCVN3 đều không ra chữ tiếng Việt. " + RESAVE) from None
        if rival is not None:
            raise UnreadableFile(
                f"không xác định chắc chắn được bảng mã chữ của tệp: đọc theo {best.name} hay "
                f"{rival.name} đều ra chữ tiếng Việt. " + RESAVE) from None
        return best, _text(decoded[best], best)
    if legacy_text.could_be_legacy_text(text):
        best, rival = _choose({r: text for r in LEGACY_IN_UTF8})
        if best is not None and rival is None:  # else UTF-8 as written, as ever
            return best, _text(text, best)
    return UTF8, text


def _binary(head: bytes) -> bool:
    """NUL bytes, or more than a few other control bytes (not tab, line breaks, form feed
    or the end-of-file mark that old DOS programs write)."""
    controls = len(re.findall(rb"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]", head))
    return b"\x00" in head or controls > len(head) // 100


def _decodes(head: bytes, reading: Reading) -> str | None:
    try:
        return head.decode(reading.codec)
    except UnicodeDecodeError:
        return None


def _choose(decoded: dict[Reading, str]) -> tuple[Reading | None, Reading | None]:
    """The best-scoring reading (the first of equals) if it is convincing, else None; and
    a reading giving other text that scores as well, if there is one (then neither can be
    trusted). A legacy reading competes only if converting raised the share of syllables
    of the same bytes unconverted by `LEGACY_GAIN`."""
    samples = {r: _text(text[:SAMPLE_CHARS], r) for r, text in decoded.items()}
    scores = {r: score(sample) for r, sample in samples.items()}
    log.info("encoding scores: %s", "; ".join(f"{r.name}: {s}" for r, s in scores.items()))
    unconverted = {r.codec: s.share for r, s in scores.items() if not r.legacy}
    rank = {r: (s.share, s.headers) for r, s in scores.items()
            if not r.legacy or s.share - unconverted.get(r.codec, 0) >= LEGACY_GAIN}
    if not rank:
        return None, None
    best = max(rank, key=rank.__getitem__)
    if not scores[best].convincing:
        return None, None
    rival = next((r for r in rank if rank[r] == rank[best] and samples[r] != samples[best]),
                 None)
    return best, rival


def _text(text: str, reading: Reading) -> str:
    """Decoded text in Unicode: legacy letters converted, a code page's text in NFC."""
    if reading.legacy:
        return legacy_text.convert_text(text, reading.legacy)
    if reading.codec.startswith("cp"):
        return unicodedata.normalize("NFC", text)
    return text


# ---------------------------------------------------------------- decoding, copying


def decode(data: bytes, reading: Reading, final: bool = True, first_line: int = 1,
           decoder: codecs.IncrementalDecoder | None = None) -> str:
    """Bytes of a file (from line `first_line`) as Unicode text in `reading`; bytes the
    reading cannot decode (the file's tail in another encoding than its head) reject the
    file, naming the line."""
    decoder = decoder or codecs.getincrementaldecoder(reading.codec)()
    try:
        return _text(decoder.decode(data, final=final), reading)
    except UnicodeDecodeError as exc:
        line = first_line + data[:exc.start].decode(reading.codec, "replace").count("\n")
        raise UnreadableFile(
            f"dòng {line} có ký tự không đọc được theo bảng mã {reading.name} của phần đầu "
            "tệp (tệp lẫn nhiều bảng mã). " + RESAVE) from exc


@contextmanager
def utf8_copy(path: Path, reading: Reading) -> Iterator[Path]:
    """A temporary UTF-8 copy of a file saved in another encoding (`reading.by_lines`),
    written chunk by chunk and cut only at line breaks, so that memory stays bounded, no
    letter and its tone mark are ever apart, and every line keeps its number."""
    decoder = codecs.getincrementaldecoder(reading.codec)()
    with tempfile.TemporaryDirectory(prefix="baocao-csv-") as folder:
        copy = Path(folder) / "utf8.csv"
        with path.open("rb") as source, copy.open("w", encoding="utf-8", newline="") as target:
            line, rest = 1, b""
            while True:
                chunk = source.read(CHUNK_BYTES)
                data = rest + chunk
                cut = data.rfind(b"\n") + 1 if chunk else len(data)
                target.write(decode(data[:cut], reading, final=not chunk, first_line=line,
                                    decoder=decoder))
                line += data.count(b"\n", 0, cut)
                rest = data[cut:]
                if not chunk:
                    break
        log.info("copied %s (%s) to UTF-8 for the bulk reader", path.name, reading.name)
        yield copy
