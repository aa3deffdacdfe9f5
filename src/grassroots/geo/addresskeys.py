"""Address text → the key the address library is searched by. Pure functions, no database.

Two ways of writing the same address should give the same key:

- **Latin script** (`"1416 New York Ave., Brooklyn"`): Unicode NFKC, case-folded; apostrophes
  dropped (`St. John's` → `st johns`), other punctuation and runs of whitespace become one
  space, a hyphen between digits stays (Queens house numbers: `88-10 86 street`); ordinal
  suffixes go (`95th` → `95`); standard abbreviations are spelled out, as whole words only
  (`ave` → `avenue`, `st` → `street`, `e` → `east`: `ABBREVIATIONS`).
- **Chinese** (any CJK character in the text): NFKC (full-width digits, letters and
  punctuation become half-width), no whitespace or punctuation at all, and the leading
  province, city and district are dropped (`北京市朝阳区建国路1号` → `建国路1号`): a
  deployment's library covers one city, and road names are unique within a city.

The trailing city / borough / state / zip of a Latin address is not dropped from the key:
`key_candidates` offers the key with each of them stripped as further keys, which match only
when the library knows the shorter address (see docs/domain/geo.md, "Addresses").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_TEXT = 500  # characters of an address looked at; the rest cannot change the key much

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_APOSTROPHES = re.compile(r"['’`´]")
_PUNCTUATION = re.compile(r"[^\w\s-]|_")
_LONE_HYPHEN = re.compile(r"(?<!\d)-|-(?!\d)")
_SPACES = re.compile(r"\s+")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")

ABBREVIATIONS = {
    "ave": "avenue",
    "av": "avenue",
    "st": "street",
    "str": "street",
    "rd": "road",
    "blvd": "boulevard",
    "pl": "place",
    "dr": "drive",
    "ln": "lane",
    "ct": "court",
    "ter": "terrace",
    "pkwy": "parkway",
    "hwy": "highway",
    "expy": "expressway",
    "tpke": "turnpike",
    "sq": "square",
    "plz": "plaza",
    "cir": "circle",
    "e": "east",
    "w": "west",
    "n": "north",
    "s": "south",
    "ne": "northeast",
    "nw": "northwest",
    "se": "southeast",
    "sw": "southwest",
    "mt": "mount",
    "ft": "fort",
    "apt": "apartment",
    "fl": "floor",
}

# Trailing words that name no more than the country, state or city, whatever the deployment;
# `key_candidates` also takes the names of the deployment's city and district units.
STATIC_LOCALITIES = ("usa", "us", "united states", "ny", "new york", "nyc", "new york city")

# Province, city and district prefixes of a Chinese address. Kept conservative: 2–3 characters
# before 省, 2–4 before 市 (not 市场, 市政), 1–4 before 区/县/旗 but not a 小区, 社区, 园区 …
_ZH_PROVINCE = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,3}省|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区"
    r"|新疆维吾尔自治区|香港特别行政区|澳门特别行政区)"
)
_ZH_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?市(?![场政民区])")
_ZH_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:区|县|旗)")
_ZH_NOT_DISTRICT = ("小区", "社区", "园区", "校区", "厂区", "景区", "街区", "营区")


def is_chinese(text: str) -> bool:
    """Whether the text holds any CJK ideograph (and so is normalized the Chinese way)."""
    return _CJK.search(text) is not None


def clean(text: str) -> str:
    """The text normalized but nothing stripped: what unit names are searched in."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _LONE_HYPHEN.sub(" ", _PUNCTUATION.sub(" ", text))
    if is_chinese(text):
        return _SPACES.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in text.split())


def strip_chinese_prefix(text: str) -> str:
    """`北京市朝阳区建国路1号` → `建国路1号`: province, city, then the district when more
    follows it. `text` is already `clean`."""
    for pattern in (_ZH_PROVINCE, _ZH_CITY):
        match = pattern.match(text)
        if match and match.end() < len(text):
            text = text[match.end() :]
    match = _ZH_DISTRICT.match(text)
    if match and match.end() < len(text) and not match.group().endswith(_ZH_NOT_DISTRICT):
        text = text[match.end() :]
    return text


def address_key(text: str) -> str:
    """The library key of an address as given (`""` when nothing is left of it)."""
    cleaned = clean(text)
    return strip_chinese_prefix(cleaned) if is_chinese(cleaned) else cleaned


def locality_phrases(names: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Names of places (city, borough, state …) as word tuples, for `key_candidates`."""
    phrases = {tuple(clean(name).split()) for name in (*STATIC_LOCALITIES, *names)}
    return tuple(sorted((p for p in phrases if p), key=len, reverse=True))


def key_candidates(cleaned: str, localities: tuple[tuple[str, ...], ...] = ()) -> list[str]:
    """The keys to look an address up by, most specific first: the key itself, then the key
    with trailing localities and zip codes stripped one at a time (`1416 new york avenue
    brooklyn ny 11203` → … `1416 new york avenue`). At least two words are always kept.
    `cleaned` is the output of `clean`."""
    if is_chinese(cleaned):
        key = strip_chinese_prefix(cleaned)
        return [key] if key else []
    words = cleaned.split()
    candidates = [" ".join(words)] if words else []
    while len(words) > 2:
        cut = _trailing_locality(words, localities)
        if not cut or len(words) - cut < 2:
            break
        words = words[:-cut]
        candidates.append(" ".join(words))
    return candidates


def _trailing_locality(words: list[str], localities: tuple[tuple[str, ...], ...]) -> int:
    """How many trailing words name a locality (the longest phrase), 0 if none."""
    if _ZIP.match(words[-1]):
        return 1
    for phrase in localities:
        if len(phrase) < len(words) and tuple(words[-len(phrase) :]) == phrase:
            return len(phrase)
    return 0
