"""Detect personal data in text: the one PII detector behind the pre-commit hook, the
pipeline's data-set scan and the `data scan` command.

How a value is found:

1. Percent-escapes are decoded once (`kim%40example.com`, `%2B8210…`; spans are mapped back
   to the text as written, see `pii_context`), then the text is normalised one character for
   one character (full-width digits and letters to ASCII, every dash to `-`, odd spaces to a
   space), so `０１０－１２３４－５６７８` and `900101–1234567` match.
2. Each kind has a candidate pattern. Boundaries are "not an ASCII letter or digit", never
   `\\b`: Python counts Hangul (and every script's letters) as word characters, so
   `010-1234-5678로` must still end the number at `로`. A pattern starts only where a run of
   its characters starts and every repetition is bounded, so each pattern runs in time
   linear in the text (tests/test_pii_linear.py feeds 1 MB runs of every class).
3. A confirmer checks the candidate: phone numbers with `phonenumbers` in the configured
   regions, IBANs and SSNs with `python-stdnum`, cards by issuer prefix, length and Luhn, IP
   addresses with `ipaddress`, Korean registration numbers by a plausible birth date and, where
   no keyword or dash tells them, by the check digit (numbers issued since October 2020 end in
   random digits, so those need the keyword or the dash). Business phone numbers (toll-free,
   shared-cost, premium-rate, 1588-style) are a company's, not a person's: not reported.
4. What a candidate is read with (`Surroundings`) settles ambiguous shapes: a table's column
   name, the header of the CSV, Markdown or HTML column it sits in, then the words just
   before it (a JSON key, `ssn=`, 주민번호). A bare ten-digit number is a phone only after
   전화/Tel/Mobile…; nine spaced or bare digits are an SSN only under SSN/social security (or
   spaced as a whole table cell); a 13-digit number next to 법인/사업자/바코드/epoch/거래, or
   labelled as another number (고객번호, order_no), is not a registration number, and one that
   also reads as epoch milliseconds needs Korean text around it; digit groups inside an
   IBAN's print form are not a card. A minus sign before digits (`-2147483648`) makes a
   number, never an identifier.

Speed: one look at a line (a digit? three in a row? `@`, `.`, `:`?) picks the kinds worth
searching, and a line with no digit and no `@` is skipped at once; patterns refuse a
candidate that runs on into a letter or digit; the phone pattern begins with a lookahead for
its first character, so `re` tries its costlier lookbehinds only there, and a phone
candidate's parentheses bound its cuts before any is read (`(02)(02)…` is refused at once);
keywords are found with one backwards search; the costly library checks (libphonenumber,
python-stdnum) run last, on values that passed every cheap test, and are cached by value.
"""

import ipaddress
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import mul
from pathlib import Path
from typing import NamedTuple

from .pii_context import Columns, RowColumns, decoded

# A line (or cell) that holds this marker is never reported: for true negatives in code
# and docs, e.g. an example email. `.pii-allowlist` (one value per line) does the same for
# values anywhere.
INLINE_MARKER = "pii: allow"
ALLOWLIST_FILE = ".pii-allowlist"

# Kinds that identify a person on their own (name aside, which no pattern finds reliably).
DIRECT_IDENTIFIERS = {"email", "phone", "kr_rrn", "kr_frn", "us_ssn", "card", "iban"}

# Regions whose national phone formats (no `+country`) are tried, in order. Every region
# added finds more national numbers and lets more random digit strings through; the
# project setting `[tool.ml-playbook] pii-phone-regions` in pyproject.toml changes it.
DEFAULT_PHONE_REGIONS = ("KR", "US", "GB", "DE", "JP")
SETTINGS_FILE = "pyproject.toml"

# ---------------------------------------------------------------------------------------
# Normalisation: one character for one character, so spans need no mapping back.

_SAME_WIDTH = {
    **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)},  # full-width ASCII
    0x3000: " ",  # ideographic space
    **dict.fromkeys((0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F), " "),
    # hyphen, non-breaking hyphen, figure dash, en/em dash, bar, minus, small/katakana marks
    **dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63,
                     0x30FC, 0x2043, 0x02D7), "-"),
}  # fmt: skip


def normalise(text: str) -> str:
    """`text` with full-width forms, dashes and spaces made ASCII; same length as `text`."""
    return text if text.isascii() else text.translate(_SAME_WIDTH)


# ---------------------------------------------------------------------------------------
# Context: the words just before a candidate.

CONTEXT_CHARS = 32
_PHONE_WORDS = ("hp", "h.p", "전화", "휴대폰", "핸드폰", "휴대전화", "연락처", "연락", "폰번호", "팩스", "대표번호",
                "고객센터", "콜센터", "tel", "phone", "mobile", "cell", "fax", "call", "contact",
                "whatsapp", "電話", "携帯", "telefon", "handy", "rufnummer", "☎", "📞")  # fmt: skip
# Registration numbers: the words for the number and for the cards and checks that show it
# (주민등록증, 외국인등록증, 본인확인, 실명확인), romanised too (jumin, jumin_no).
_RRN_WORDS = ("주민", "외국인", "등록증", "본인확인", "실명확인", "신분증", "신원확인", "rrn", "frn",
              "jumin", "resident", "foreigner", "alien", "national id", "national_id",
              "nationalid", "registration card", "id card")  # fmt: skip
_SSN_WORDS = ("ssn", "social security", "social_security", "socialsecurity", "soc sec",
              "soc_sec", "socsec", "soc. sec", "ss#", "ss no", "ss num", "사회보장",
              "taxpayer")  # fmt: skip
_CARD_WORDS = ("card", "카드", "visa", "master", "amex", "결제", "credit", "debit")
# Words that make a number something else: a company, a barcode, a time, an order, an account.
_NOT_PERSONAL = ("법인", "사업자", "corporate", "company reg", "business reg",
                 "바코드", "barcode", "ean", "gtin", "upc", "isbn", "sku", "상품코드", "model",
                 "epoch", "timestamp", "unix", "millis", "타임스탬프", "created", "updated",
                 "modified", "_at", "_ms", "ts", "time", "시각", "일시",
                 "order", "주문", "invoice", "송장", "tracking", "운송장", "serial", "일련번호",
                 "account", "계좌", "iban", "bic", "swift", "우편", "zip", "postal")  # fmt: skip
# Records whose numbers are long digit strings, as registration numbers and SSNs are; a phone
# after them (예약 문의 010-…) is still a phone.
_RECORD_WORDS = ("거래", "승인", "접수", "예약", "영수증", "결제번호", "transaction", "txn",
                 "receipt", "booking", "reservation", "ticket", "confirmation")  # fmt: skip
# Words after a bare number that make it a time.
_TIME_WORDS = ("epoch", "timestamp", "unix", "ms", "millis", "msec", "밀리초", "타임스탬프")
# Words before a dotted quad that make it a version, a mask or a section number, not an address.
_VERSION_WORDS = ("version", "ver", "release", "build", "버전", "릴리스", "v", "==", ">=", "<=",
                  "~=", "since", "bump", "upgrade", "upgraded", "patch", "firmware", "kernel",
                  "windows", "업데이트", "업그레이드", "패치", "netmask", "mask", "subnet",
                  "넷마스크", "서브넷", "oid", "section", "§", "chapter", "table", "figure",
                  "그림", "표", "절")  # fmt: skip


def _before(text: str, start: int) -> str:
    return text[max(0, start - CONTEXT_CHARS) : start].lower()


class Surroundings:
    """What a candidate is read with: the caller's context (a table's column name), the
    header of the table column it sits in (a CSV, Markdown or HTML table in the text), then
    the words just before it (a JSON key, `ssn=`, `주민번호`) — nearest last."""

    def __init__(self, text: str, column: str = "", above: str = "") -> None:
        self.column = column.lower() + " " if column else ""
        # A table has a header only above its rows (or in HTML cells); `above` is the header
        # line of a row scanned on its own (find_lines).
        if above:
            self._columns = RowColumns(above, text)
        else:
            tabular = "\n" in text or "<t" in text
            self._columns = Columns(text) if tabular else None

    def before(self, text: str, start: int) -> str:
        return self.label(text, start) + _before(text, start)

    def label(self, text: str, start: int) -> str:
        """The column name and the header of the column the candidate sits in."""
        columns = self._columns
        header = columns.header_at(start) if columns is not None else ""
        return self.column + (header + " " if header else "")


class Keywords:
    """Keywords with a sign each (+1 positive, -1 negative), found nearest the end of a window.

    An ASCII word matches only where a word starts (`tel`, not the `tel` of hotel); Korean
    words, symbols and phrases match anywhere, as particles and compounds attach to them
    (연락처는, 주민등록번호). The window is searched backwards (reversed text, reversed words),
    so one `search` finds the keyword that ends nearest the candidate; at one end, the longest
    keyword wins. Every branch starts with a literal, which `re` checks before trying it."""

    def __init__(self, positive: tuple[str, ...], negative: tuple[str, ...] = ()) -> None:
        self.signs = {**dict.fromkeys(positive, 1), **dict.fromkeys(negative, -1)}
        ordered = sorted(self.signs, key=len, reverse=True)
        self._pattern = re.compile(
            "|".join(
                re.escape(word[::-1]) + (r"(?![a-z])" if word.isascii() and word.isalpha() else "")
                for word in ordered
            )
        )

    def nearest(self, window: str) -> int:
        """+1 if the keyword nearest the end of `window` is positive, -1 if negative, 0 if none."""
        found = self._pattern.search(window[::-1])
        return 0 if found is None else self.signs[found.group()[::-1]]


_RRN_KEYS = Keywords(_RRN_WORDS)
_RRN_OR_NOT = Keywords(_RRN_WORDS, _NOT_PERSONAL + _RECORD_WORDS)
_TIME_KEYS = Keywords(_TIME_WORDS)
_CARD_KEYS = Keywords(_CARD_WORDS)
_CARD_OR_NOT = Keywords(_CARD_WORDS, _NOT_PERSONAL)
_SSN_KEYS = Keywords(_SSN_WORDS)
_SSN_OR_NOT = Keywords(_SSN_WORDS, _NOT_PERSONAL + _RECORD_WORDS)


# ---------------------------------------------------------------------------------------
# Boundaries, checked on the normalised text around a span.

_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_NOT_AFTER_NUMBER = r"(?<![0-9A-Za-z])(?<![0-9][.\-])"  # not inside a dotted/dashed digit chain
# Ends before no ASCII letter or digit: the first 9 of 16 digits is no SSN, and `re` says so
# itself instead of handing every such prefix to a confirmer (which checks the rest).
_NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"


def _ends_cleanly(text: str, end: int) -> bool:
    """No ASCII letter or digit next, and not `-x` / `.5` continuing a longer token."""
    following = text[end : end + 2]
    if not following:
        return True
    if following[0] in _ALNUM:
        return False
    if len(following) == 2 and following[1] in _ALNUM:
        return not (following[0] == "-" or (following[0] == "." and following[1] in _DIGITS))
    return True


def _after_minus(text: str, start: int) -> bool:
    """`-2147483648`: a minus sign (a dash after no letter or digit of any script) makes the
    digits a negative number, not a phone, card or registration number. `연락처-010-…` keeps
    its dash as a separator."""
    return text[start - 1 : start] == "-" and (start < 2 or not text[start - 2].isalnum())


def _digits(value: str) -> str:
    return _NON_DIGIT.sub("", value)


# ---------------------------------------------------------------------------------------
# Confirmers: (normalised text, regex match, context) -> confirmed span or None.

Span = tuple[int, int]


def _confirm_email(text: str, found: re.Match, context: Surroundings) -> Span | None:
    local, domain = found.group("local"), found.group("domain")
    start, end = found.span()
    if local is None:
        local = ""  # "john smith"@…: a quoted local part, whole
    else:
        cut = _local_start(local)
        start, local = start + cut, local[cut:]
        if not local:
            return None
    if not local.isascii():
        # 이메일은kim@…: a Korean, Japanese or Chinese word glued before an ASCII address is
        # not part of it. An address wholly (홍길동@…) or partly (müller@…, 名.0@…) in
        # another script stays whole.
        glued = _GLUED_BEFORE_ASCII.match(local)
        if glued and local[glued.end() :].isascii():
            start += glued.end()
            local = local[glued.end() :]
    if local and (local.startswith(".") or local.endswith(".") or ".." in local):
        return None
    labels = domain.lower().split(".")
    if labels[-1] in _FILE_EXTENSIONS or re.fullmatch(r"[0-9]+x", labels[0]):
        return None  # icon@2x.png, not an address
    if labels[-1] in ("invalid", "localhost"):
        return None  # reserved names that never deliver mail (RFC 2606)
    if text[end : end + 1] == ":" and text[end + 1 : end + 2] not in ("", " "):
        return None  # git@github.com:owner/repo, an SSH remote
    return start, end


def _local_start(local: str) -> int:
    """Where the address starts in a run of the characters a local part may hold (RFC 5322:
    o'connor, first.last=dept, ops#1, tom&jerry, q?r, dept/unit): after a path that starts
    the run (`/users/kim@…`), after a query's or log's key (`?email=`, `&field=`, `user=`,
    `data=`; `first.last=` is no key), and after quotes or markup (`'kim@…'`, `**kim@…`)."""
    cut = _after_leading(local, local.rfind("/") + 1 if local.startswith("/") else 0)
    query_key = None
    for query_key in _QUERY_KEY.finditer(local, cut):  # noqa: B007 (the last one)
        pass
    if query_key is not None:
        cut = query_key.end()
    else:
        key = _RUN_KEY.match(local, cut)
        if key and (len(key.group(1)) <= 2 or key.group(1).lower().endswith(_ADDRESS_KEYS)):
            cut = key.end()
    return _after_leading(local, cut)


def _after_leading(local: str, cut: int) -> int:
    """`cut` moved past quotes and markup (`'`, a backtick, `**`) that open the value."""
    while cut < len(local) and local[cut] in _NOT_LEADING:
        cut += 1
    return cut


# `&field=`, `?email=`, `;to=` inside a run; `user=`, `data=` at its start.
_QUERY_KEY = re.compile(r"[?&;][^\W\d][\w.\-]{0,30}=")
_RUN_KEY = re.compile(r"([^\W\d][\w\-]{0,30})=")
# Keys whose value is an address or a generic value (a key of two letters or fewer too).
_ADDRESS_KEYS = ("mail", "user", "username", "login", "to", "from", "cc", "bcc", "sender",
                 "recipient", "rcpt", "addr", "address", "contact", "id", "account", "query",
                 "search", "value", "val", "name", "data", "field", "attr", "param", "arg",
                 "text", "input", "payload", "메일", "주소", "계정")  # fmt: skip
_NOT_LEADING = frozenset("'`*=&#{|")


# Hangul, kana and CJK: scripts written without spaces, whose words and particles run into a
# following ASCII address (이메일은kim@…). A Latin word never does: é in élodie@… is hers.
_GLUED_BEFORE_ASCII = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]"
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\\-]*(?=[A-Za-z0-9])"
)
_FILE_EXTENSIONS = frozenset(
    ("png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "pdf", "js", "mjs",
     "ts", "tsx", "jsx", "css", "scss", "json", "yaml", "yml", "toml", "txt", "html", "htm", "xml",
     "csv", "tsv", "parquet", "ipynb", "gz", "tgz", "whl", "lock", "log", "mp3", "mp4", "wav"),
)  # fmt: skip

# Century of a Korean registration number by its 7th digit: residents 1-4, foreigners 5-8.
# 9 and 0 (born in the 1800s) identify nobody alive: a 13-digit epoch in milliseconds has 0 there.
_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000, "8": 2000}
OLDEST_AGE = 110
OLDEST_AGE_BARE = 100  # for 13 bare digits with no keyword, where epoch times are likelier


def _birth_date(digits: str) -> date | None:
    century = _CENTURY.get(digits[6])
    if century is None:
        return None
    try:
        born = date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None
    today = date.today()
    return born if today.year - OLDEST_AGE <= born.year and born <= today else None


# Thirteen digits below this are also epoch milliseconds (up to 2039-09-18).
EPOCH_MS_UNTIL = 2_200_000_000_000
CHECK_DIGIT_DROPPED = date(2020, 10, 1)  # numbers issued since end in random digits
_HANGUL = re.compile("[가-힣]")


def _issued_with_check(digits: str, born: date) -> bool:
    """The check digit and place-of-birth code of a number issued before October 2020."""
    return born < CHECK_DIGIT_DROPPED and int(digits[7:9]) <= 96 and _rrn_check_digit_holds(digits)


def _corporate_check_digit_holds(digits: str) -> bool:
    """The check digit of a Korean corporate registration number (weights 1, 2, 1, 2, …)."""
    total = sum(map(mul, map(int, digits[:12]), (1, 2) * 6))
    return (10 - total % 10) % 10 == int(digits[12])


_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def _rrn_check_digit_holds(digits: str) -> bool:
    total = sum(map(mul, map(int, digits[:12]), _RRN_WEIGHTS))  # a candidate each: no genexpr
    return (11 - total % 11) % 10 == int(digits[12])


def _confirm_registration(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start, end = found.span()
    if not _ends_cleanly(text, end) or _after_minus(text, start):
        return None
    digits = _digits(found.group(0))
    born = _birth_date(digits)
    if born is None:
        return None
    window = context.before(text, start)
    verdict = _RRN_OR_NOT.nearest(window)
    if verdict < 0:
        return None  # 법인등록번호, 바코드, epoch, 거래번호 …
    separator = found.group("sep")
    if separator == "-":
        # The dashed form is the registration number's own; a company's registration number
        # (법인등록번호) is written so too: one that should carry a person's check digit
        # (read as born before October 2020) but carries a company's is a company's.
        corporate = (
            born < CHECK_DIGIT_DROPPED
            and not _rrn_check_digit_holds(digits)
            and _corporate_check_digit_holds(digits)
        )
        return None if verdict == 0 and corporate else (start, end)
    if separator:
        # `900101 1234567` reads as two numbers unless a keyword, a column or the check digit
        # of numbers issued before October 2020 says otherwise (those since need a keyword).
        return (start, end) if verdict > 0 or _issued_with_check(digits, born) else None
    if verdict > 0:
        return start, end
    if _TIME_KEYS.nearest(text[end : end + 16].lower()) > 0 or _CARD_KEYS.nearest(window) > 0:
        return None  # 1612154473473ms (epoch), a 13-digit card number
    if date.today().year - born.year > OLDEST_AGE_BARE:
        return None  # 1717… : epoch milliseconds, not someone born in 1917
    if not _issued_with_check(digits, born):
        # 13 bare digits with no keyword: one order, customer or transaction number in ~35
        # starts with a date and a sex digit, so the check digit decides (one in ten passes,
        # whatever the label: 고객번호 or registration_no). A child's number issued since
        # October 2020 (random last digits) needs a keyword, a column name or the dash; so
        # does a barcode's look-alike (EAN check digit).
        return None
    # 13 bare digits from 1e12 to 2.2e12 read both as epoch milliseconds (2001-09 to 2039-09)
    # and as someone born in 2010-2021 (1910-1921 is too old, above): one time in 700 has a
    # valid date, sex digit and check digit, so a column of epoch times would not stay quiet.
    # With Korean text around it is a registration number. People born 2000-2009 start with
    # 0, which no epoch time written as a number does.
    korean = _HANGUL.search(window) or _HANGUL.search(text, end, end + CONTEXT_CHARS)
    if digits[0] != "0" and int(digits) < EPOCH_MS_UNTIL and not korean:
        return None
    return start, end


def _registration_kind(value: str) -> str:
    return "kr_frn" if _digits(value)[6] in "5678" else "kr_rrn"


def _confirm_ssn(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start, end = found.span()
    if not _ends_cleanly(text, end) or _after_minus(text, start):
        return None
    window = context.before(text, start)
    separator = found.group("sep")
    alone = context.column and separator == " " and len(text.strip()) == end - start
    if separator != "-" and not alone and _SSN_KEYS.nearest(window) <= 0:
        # Nine bare or spaced digits are an SSN only after SSN / social security (in a key,
        # a column or the words before), or spaced 3-2-4 as a whole table cell.
        return None
    if _SSN_OR_NOT.nearest(window) < 0:
        return None
    return (start, end) if _ssn_holds(_digits(found.group(0))) else None


@lru_cache(maxsize=4096)
def _ssn_holds(digits: str) -> bool:
    """python-stdnum's rules (no area 000, 666 or 9xx, no group 00, no serial 0000, not a
    number known from advertising), by value: the check costs ~12 µs."""
    from stdnum.us import ssn

    return ssn.is_valid(digits)


# (prefixes, valid lengths): Amex; Visa; Mastercard 51-55 and 2221-2720; Discover 6011, 644-649,
# 65; JCB 3528-3589; UnionPay 62; Diners 300-305, 36, 38-39; Mir 2200-2204; Maestro.
_CARD_RANGES = (
    (("34", "37"), (15,)),
    (("4",), (13, 16, 19)),
    ((*map(str, range(51, 56)), *map(str, range(2221, 2721))), (16,)),
    (("6011", *map(str, range(644, 650)), "65"), (16, 17, 18, 19)),
    (tuple(map(str, range(3528, 3590))), (16, 17, 18, 19)),
    (("62",), (16, 17, 18, 19)),
    ((*map(str, range(300, 306)), "36", "38", "39"), (14, 15, 16, 17, 18, 19)),
    (tuple(map(str, range(2200, 2205))), (16, 17, 18, 19)),
    (("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763"), (12, 13, 14, 15, 16, 17, 18, 19)),
)  # fmt: skip


# Issuer prefix (1 to 4 digits) -> valid lengths, for one lookup per prefix length.
_CARD_LENGTHS = {
    prefix: frozenset(lengths) for prefixes, lengths in _CARD_RANGES for prefix in prefixes
}


def _card_number_holds(digits: str) -> bool:
    # Issuer prefix and length first: a random number passes Luhn one time in ten.
    length = len(digits)
    for size in (1, 2, 3, 4):
        if length in _CARD_LENGTHS.get(digits[:size], ()):
            return _luhn_holds(digits)
    return False


# Each digit doubled, its two digits summed (Luhn): 0->0, 1->2, …, 5->1 (10), …, 9->9 (18).
_LUHN_DOUBLED = str.maketrans("0123456789", "0246813579")


def _luhn_holds(digits: str) -> bool:
    """The Luhn check (as stdnum.luhn, without its generality: this runs on every candidate).
    From the right, every second digit is doubled; the byte sum of ASCII digits less 48 each
    is their digit sum."""
    kept, doubled = digits[-1::-2], digits[-2::-2].translate(_LUHN_DOUBLED)
    return (sum(kept.encode()) + sum(doubled.encode()) - 48 * len(digits)) % 10 == 0


def _confirm_card(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start, end = found.span()
    if not _ends_cleanly(text, end) or _after_minus(text, start):
        return None
    if not _card_number_holds(_digits(found.group(0))):
        return None
    if text[max(0, start - 2) : start - 1] in _ALNUM and text[start - 1 : start] == "-":
        return None  # a segment of a dashed id (a UUID's digits), not a card
    if _IBAN_HEAD.search(text, max(0, start - 48), start):
        return None  # groups of an IBAN written in print form (one that failed its check)
    window = context.before(text, start)
    if _CARD_OR_NOT.nearest(window) < 0:
        return None
    if end - start == 13 and _RRN_KEYS.nearest(window) > 0:
        return None  # 13 bare digits after 주민/RRN: a registration number
    return start, end


# The start of an IBAN in print form up to a candidate: `DE89 3704 ` before `0044 0532 …`.
_IBAN_HEAD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[ \-][A-Za-z0-9]{4}){0,8}[ \-]\Z")


@lru_cache(maxsize=256)
def _iban_of_country(country: str) -> re.Pattern | None:
    """An IBAN of `country` as the candidate pattern finds it: as many letters and digits as
    the country's IBANs hold (python-stdnum's registry copy), each after at most one space;
    None if the country has no IBANs."""
    from stdnum import numdb

    structure = numdb.get("iban").info(country)[0][1].get("bban")
    if not structure:
        return None
    length = 4 + sum(int(n) for n in re.findall(r"[0-9]+", structure))
    return re.compile(rf"[A-Za-z0-9](?:[ ]?[A-Za-z0-9]){{{length - 1}}}")


@lru_cache(maxsize=4096)
def _iban_holds(compact: str) -> bool:
    """The ISO 7064 check (mod 97) first, cheap and failed by 96 look-alikes in 97; then
    python-stdnum's full check (the country's BBAN structure and national check digits)."""
    from stdnum import iban

    rearranged = compact[4:] + compact[:4]
    as_number = "".join(str(int(char, 36)) for char in rearranged)
    return int(as_number) % 97 == 1 and iban.is_valid(compact)


def _confirm_iban(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start = found.start()
    of_country = _iban_of_country(text[start : start + 2].upper())
    if of_country is None:
        return None
    # The pattern runs on into following words: the country's length says where it ends.
    whole = of_country.match(text, start, found.end())
    if whole is None or not _ends_cleanly(text, whole.end()):
        return None
    end = whole.end()
    if not _iban_holds(text[start:end].replace(" ", "").upper()):
        return None
    return start, end


def _ip_address(value: str):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _ipv4_value(dotted: str) -> int | None:
    """The 32-bit value of a dotted quad, or None (an octet above 255, or a leading zero,
    which `ipaddress` also refuses as ambiguous octal)."""
    value = 0
    for octet in dotted.split("."):
        if (len(octet) > 1 and octet[0] == "0") or int(octet) > 255:
            return None
        value = value << 8 | int(octet)
    return value


def _confirm_ipv4(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start, end = found.span()
    value = _ipv4_value(found.group(0))
    if value is None or not _ends_cleanly(text, end) or _is_network(text, end, value, 32):
        return None
    if value == 0 or value >> 24 == 127 or _is_netmask(value):
        return None  # 0.0.0.0 (unspecified), 127.x.x.x (loopback), 255.255.255.0
    window = _before(text, start).rstrip()
    if window.endswith(("@", "==", ">=", "<=", "~=")) or _VERSION_WORD.search(window[-24:]):
        return None  # version 1.2.3.4, v2.10.1.0, pkg==1.2.3.4, section 3.2.1.4
    if _VERSION_WORD.search(context.label(text, start)):
        return None  # under a column or key named version, build, firmware …
    return start, end


def _whole_words(words: tuple[str, ...]) -> re.Pattern:
    """Any of `words` as a whole word (`v` alone, not the `v` of `server`); words longer than
    three characters anywhere (`upgraded`, `버전이`)."""
    word_char = "[0-9a-z가-힣§=<>~]"
    # Each branch starts with its word (the look back at the character before comes after
    # it), so `re` tries a branch only where its first letter is.
    short = "|".join(
        f"{re.escape(word)}(?<!{word_char}{re.escape(word)})(?!{word_char})"
        for word in words
        if len(word) <= 3
    )
    long = "|".join(re.escape(word) for word in words if len(word) > 3)
    return re.compile(f"{short}|{long}")


_VERSION_WORD = _whole_words(_VERSION_WORDS)


_PREFIX = re.compile(r"/([0-9]{1,3})(?![0-9])")


def _is_network(text: str, end: int, value: int, bits: int) -> bool:
    """192.168.0.0/16, 2001:db8::/32: a network (host bits all zero, or a prefix no address
    has), not someone's address. `inet 192.168.1.5/24` is an interface's address with its
    prefix: host bits set, so an address like any other (the address alone is reported)."""
    prefix = _PREFIX.match(text, end)
    if prefix is None:
        return False
    length = int(prefix.group(1))
    return length > bits or value & ((1 << (bits - length)) - 1) == 0


def _is_netmask(value: int) -> bool:
    """255.255.255.0, 255.255.0.0 …: ones then zeros, starting with 255."""
    inverted = ~value & 0xFFFFFFFF
    return value >> 24 == 0xFF and inverted & (inverted + 1) == 0


_V4_TAIL = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _confirm_ipv6(text: str, found: re.Match, context: Surroundings) -> Span | None:
    start, end = found.span()
    if text[end : end + 1] == "." and text[end + 1 : end + 2] in _DIGITS:
        # ::ffff:192.0.2.1: the pattern stopped inside the dotted tail; take the whole tail.
        tail = _V4_TAIL.match(text, text.rfind(":", start, end) + 1)
        if not tail:
            return None
        end = tail.end()
    value = text[start:end]
    if text[end : end + 1] == ":" or not _ends_cleanly(text, end):
        return None
    address = _ip_address(value)
    if address is not None and _is_network(text, end, int(address), 128):
        return None
    if address is None or address.version != 6 or address.is_unspecified or address.is_loopback:
        return None
    groups = [group for group in value.split(":") if group]
    if not any(c in _DIGITS for c in value) or (len(groups) < 3 and max(map(len, groups)) < 3):
        return None  # Foo::Bar, a::b in code
    return start, end


# ---------------------------------------------------------------------------------------
# Phone numbers.


@lru_cache(maxsize=8)
def phone_regions(settings: str = SETTINGS_FILE) -> tuple[str, ...]:
    """The regions from `[tool.ml-playbook] pii-phone-regions` in `settings`, else the default.

    A malformed setting is reported on stderr (one line) and the default is used, so a typo
    never turns the scan off.
    """
    path = Path(settings)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_PHONE_REGIONS
    value = data.get("tool", {}).get("ml-playbook", {}).get("pii-phone-regions")
    if value is None:
        return DEFAULT_PHONE_REGIONS
    import phonenumbers

    if (
        isinstance(value, list)
        and value
        and all(isinstance(r, str) and r.upper() in phonenumbers.SUPPORTED_REGIONS for r in value)
    ):
        return tuple(region.upper() for region in value)
    print(
        f"{settings}: [tool.ml-playbook] pii-phone-regions must be a list of region codes "
        f'such as ["KR", "US"]; using {list(DEFAULT_PHONE_REGIONS)}.',
        file=sys.stderr,
    )
    return DEFAULT_PHONE_REGIONS


@lru_cache(maxsize=4096)
def _valid_in(candidate: str, region: str | None, possible: bool = False) -> bool:
    import phonenumbers

    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(number):
        return True
    return possible and phonenumbers.is_possible_number(number)


_DATE_SHAPE = re.compile(
    r"(?:[0-9]{4}[./\-](?:0?[1-9]|1[0-2])[./\-][0-9]{1,2}"
    r"|[0-9]{1,2}[./\-][0-9]{1,2}[./\-](?:19|20)?[0-9]{2})(?![0-9])"
)
_GROUP_END = re.compile(r"[0-9)](?=[^0-9)]|$)")


def _cut_points(text: str, start: int, end: int, reach: int) -> Iterator[int]:
    """Where the candidate may end, longest first: after each digit group, none past `reach`.
    The whole candidate (it ends with a digit) comes first; the shorter cuts are found only
    if needed."""
    if end <= reach:
        yield end
    shorter = [m.end() for m in _GROUP_END.finditer(text, start, end)][-2::-1]
    yield from (cut for cut in shorter if cut <= reach) if reach < end else shorter


def _brackets_pass(value: str) -> bool:
    """The parentheses a phone may hold: one pair around the area code (`(02) 123-4567`,
    `1 (212) 555-0100`), or one `)` within its first five characters (`02)123-4567`)."""
    if "(" not in value and ")" not in value:
        return True
    opened, closed = value.find("("), value.find(")")
    if value.count(")") != 1 or value.count("(") > 1 or opened > 4 or closed < opened:
        return False
    return opened >= 0 or closed <= 4


def _bracket_reach(text: str, start: int, end: int) -> int:
    """How far a phone starting at `start` may run before its parentheses can never pass
    `_brackets_pass`: to a second `(` or `)`, a `(` past the fifth character or after the
    `)`, a `)` past the fifth with no `(` before it. Every longer cut holds that character
    and fails too, so `(02)(02)(02)…` is refused at once instead of cut by cut (a code file
    or log of bracketed digits makes a candidate at every `(`)."""
    close = text.find(")", start, end)
    opened = text.find("(", start, end)
    if close < 0 and opened < 0:
        return end
    reach = end
    if close >= 0:
        second = text.find(")", close + 1, end)
        if second >= 0:
            reach = second
        if (opened < 0 or opened > close) and close - start > 4:
            reach = min(reach, close)
    if opened >= 0:
        if opened - start > 4 or 0 <= close < opened:
            reach = min(reach, opened)
        second = text.find("(", opened + 1, end)
        if second >= 0:
            reach = min(reach, second)
    return reach


def _confirm_phone(
    text: str, found: re.Match, context: Surroundings, regions: tuple[str, ...]
) -> Span | None:
    """A phone of a person: a business's number (toll-free 080/0800/1-800, shared-cost,
    premium-rate, Korea's 1588-style numbers) identifies a company and is not reported."""
    span = _phone_span(text, found, context, regions)
    if span is None:
        return None
    value = text[span[0] : span[1]]
    if found.start("cc") >= 0:
        value = "+" + value
    return None if _for_businesses(value, regions) else span


_BUSINESS_TYPES = frozenset((3, 4, 5, 9))  # TOLL_FREE, PREMIUM_RATE, SHARED_COST, UAN


@lru_cache(maxsize=4096)
def _for_businesses(value: str, regions: tuple[str, ...]) -> bool:
    """The number is of a type only businesses have: in the region whose national format
    groups its digits as written (030 12345678 as Germany does: a Berlin line, though a
    shared-cost number in Britain), else wherever it is valid (1-800-…)."""
    import phonenumbers

    written = _DIGIT_GROUP.findall(value)
    types = []
    for region in (None,) if value.lstrip().startswith("+") else regions:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        kind = phonenumbers.number_type(number)
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if region is not None and _DIGIT_GROUP.findall(national) == written:
            return kind in _BUSINESS_TYPES  # 080-777-7553 is grouped as Korea groups it
        types.append(kind)
    return bool(types) and set(types) <= _BUSINESS_TYPES


def _phone_span(
    text: str, found: re.Match, context: Surroundings, regions: tuple[str, ...]
) -> Span | None:
    start = found.start()
    reach = _bracket_reach(text, start, found.end())
    if reach < found.end() and len(_NON_DIGIT.sub("", text[start:reach])) < 7:
        return None  # no cut the parentheses allow holds the seven digits a phone needs
    if text[start - 1 : start] == " " and _IBAN_HEAD.search(text, max(0, start - 48), start):
        return None  # groups of an IBAN written in print form (one that failed its check)
    international = text[start] == "+"
    # After `1234 `: the tail of a number grouped by spaces (an IBAN, a card), unless it is
    # a phone written with its own punctuation (a list of phones).
    if (
        text[start - 2 : start - 1] in _DIGITS
        and text[start - 1 : start] == " "
        and _OWN_PUNCTUATION.isdisjoint(text[start : found.end()])
    ):
        return None
    # After `+.`, `-.` or ` .`: the digits of a decimal fraction (`(t+.055)/1.055` in minified
    # code), not a phone; `Tel.010-…` (a word, then a dot) still is one.
    if text[start - 1 : start] == "." and not text[max(0, start - 2) : start - 1].isalpha():
        return None
    if _after_minus(text, start):
        return None
    previous = text[start - 1 : start]
    if (
        previous.isascii()
        and previous.isalpha()
        and not _GLUED_PHONE.search(text[max(0, start - 8) : start].lower())
    ):
        return None  # letters glued on that are not a phone word: an id, a hash
    verdict = None  # the words before, read only when the shape alone does not settle it

    def keyword() -> int:
        nonlocal verdict
        if verdict is None:
            verdict = _PHONE_OR_NOT.nearest(context.before(text, start))
        return verdict

    whole = found.start("whole") >= 0
    country_code = found.start("cc") >= 0
    cuts = (found.end(),) if whole else _cut_points(text, start, found.end(), reach)
    for end in cuts:
        value = text[start:end]
        digits = _NON_DIGIT.sub("", value)
        if not 7 <= len(digits) <= 15 or not _ends_cleanly(text, end):
            continue
        if "(" in value or ")" in value:
            if not _brackets_pass(value):
                continue
            if "(" not in value:
                value = value.replace(")", "-")  # 02)123-4567 reads as 02-123-4567
        # Written with a phone's punctuation (+, -, /, brackets), a valid number needs no
        # keyword; spaces, dots and bare digits are read with the words before them.
        punctuated = international or not _PHONE_PUNCTUATION.isdisjoint(value)
        if not punctuated and keyword() < 0:
            return None
        if country_code:
            # 82-10-1234-5678: a country code without its +. Read with the words before,
            # unless hyphens group it as a phone (three short groups after the code).
            if keyword() < 0:
                return None
            groups = _DIGIT_GROUP.findall(value)
            grouped = "-" in value and len(groups) >= 4 and max(map(len, groups[1:])) <= 4
            if (grouped and _valid_in("+" + value, None)) or (
                keyword() > 0 and _valid_in("+" + value, None, True)
            ):
                return start, end
            continue
        if international:
            if _valid_in(value, None) or (keyword() > 0 and _valid_in(value, None, True)):
                return start, end
            continue
        groups = _DIGIT_GROUP.findall(value)
        if len(groups) >= 3 and max(map(len, groups[1:])) > 4:
            continue  # 02-2024-000123: national numbers in three groups keep them short
        if len(set("".join(groups[1:]))) == 1:
            return None  # 010-0000-0000, a placeholder
        if _DATE_SHAPE.match(value) and keyword() <= 0:
            return None
        if value.isdigit() and not _KOREAN_MOBILE.fullmatch(value) and keyword() <= 0:
            continue  # bare digits are a phone only after a phone keyword (Korean mobiles aside)
        if _RRN_SHAPE.fullmatch(value):
            return None  # 6-7 digits: a registration number's shape (one with no such date)
        leading_zero = digits.startswith("0")
        if _KOREAN_SERVICE.fullmatch(value):
            return None  # 1588-1234: a company's number (대표번호), never a person's
        if not leading_zero and not _NANP_SHAPE.fullmatch(value):
            continue  # North American numbers are written 3-3-4 (after an optional 1)
        candidates = _regions_for(regions, leading_zero)
        if any(_valid_in(value, region) for region in candidates):
            if punctuated and keyword() < 0:
                return None
            return start, end
        # A keyword, a bracketed area code or a range kept for fiction ((555) 123-4567,
        # 07700 900123) lets a number that is merely possible in a region through.
        possible = (
            value.lstrip("1 ").startswith("(")
            or bool("GB" in regions and _GB_FICTION.fullmatch(digits))
            or keyword() > 0
        )
        if (
            possible
            and keyword() >= 0
            and any(_valid_in(value, region, True) for region in candidates)
        ):
            return start, end
    return None


@lru_cache(maxsize=16)
def _regions_for(regions: tuple[str, ...], leading_zero: bool) -> tuple[str, ...]:
    """National formats outside North America start with the trunk prefix 0."""
    return tuple(region for region in regions if (region in _NANP) != leading_zero)


# Ofcom's numbers for drama, which libphonenumber calls invalid but people use as examples.
_GB_FICTION = re.compile(
    r"(?:011[3-8]|01[2-6]1)4960[0-9]{3}|01914980[0-9]{3}|020794[0-9]{5}|02896496[0-9]{3}"
    r"|02920180[0-9]{3}|01632960[0-9]{3}|07700900[0-9]{3}|08081570[0-9]{3}|09098790[0-9]{3}"
    r"|03069990[0-9]{3}"
)


_NOT_A_PHONE = _NOT_PERSONAL + _SSN_WORDS
_PHONE_OR_NOT = Keywords(_PHONE_WORDS, _NOT_A_PHONE)
_PHONE_PUNCTUATION = frozenset("-/(")
_OWN_PUNCTUATION = frozenset("-().")
_NON_DIGIT = re.compile(r"[^0-9]")
_DIGIT_GROUP = re.compile(r"[0-9]+")
_KOREAN_MOBILE = re.compile(r"01[016789][0-9]{7,8}")
_RRN_SHAPE = re.compile(r"[0-9]{6}-[0-9]{7}")
_KOREAN_SERVICE = re.compile(r"1[5-9][0-9]{2}-[0-9]{4}")
_NANP_SHAPE = re.compile(
    r"(?:1[ .\-]?)?(?:\([0-9]{3}\)[ ]?[0-9]{3}[ .\-]?|[0-9]{3}(?P<s>[ .\-]?)[0-9]{3}(?P=s))[0-9]{4}"
)
# Phone words written glued to the number (Tel010-1234-5678, HP010-…, Phone+82…).
_GLUED_PHONE_WORDS = ("tel", "fax", "hp", "cell", "call", "phone", "handy", "mobile", "telefon")
_GLUED_PHONE_LAST = "".join(sorted({w[-1] + w[-1].upper() for w in _GLUED_PHONE_WORDS}))
_GLUED_PHONE = re.compile(
    r"(?<![a-z])(?:" + "|".join(sorted(_GLUED_PHONE_WORDS, key=len, reverse=True)) + r")\Z"
)
_NANP = {"US", "CA", "AG", "AI", "AS", "BB", "BM", "BS", "DM", "DO", "GD", "GU", "JM", "KN",
         "KY", "LC", "MP", "MS", "PR", "SX", "TC", "TT", "VC", "VG", "VI"}  # fmt: skip


# ---------------------------------------------------------------------------------------
# The kinds.


@dataclass(frozen=True)
class Kind:
    name: str
    pattern: str  # Python; finds candidates, linear in the text
    confirm: Callable[[str, re.Match, str], Span | None]
    description: str
    needs: tuple[str, ...]  # of _FEATURES, held by every candidate: a line without skips it


_EMAIL_DOMAIN_TLD = (
    # A punycode TLD first: `xn` alone would end the address at xn--3e0b707e's dashes.
    r"(?:xn--[A-Za-z0-9\-]{1,59}|[A-Za-z]{2,24}(?![A-Za-z0-9])"
    r"|한국|닷컴|닷넷|中国|中國|公司|网络|台灣|台湾|香港|日本|みんな|コム|рф|бел|укр|срб|қаз|ελ"
    r"|[^\W\d_A-Za-z]{2,24}(?![^\W_]))"
)

KINDS = (
    Kind(
        "email",
        # The local part may be in any script (홍길동@…, müller@…, RFC 6531) and hold RFC
        # 5322's specials; it starts at a run's start or after a URL's or a query's separator
        # (the confirmer trims keys and quotes). A quoted local part ("john smith"@…) is whole.
        r"(?:(?<![\w.!$%'*+\-^`~])(?P<local>[\w.!#$%&'*+/=?^`{|}~\-]{1,64})"
        r"|(?<![\w\\])(?P<quoted>\"(?:[^\"\\\r\n]|\\[^\r\n]){1,62}\"))@"
        r"(?P<domain>(?:[^\W_][\w\-]{0,62}\.){1,8}" + _EMAIL_DOMAIN_TLD + ")",
        _confirm_email,
        "email address",
        ("@",),
    ),
    Kind(
        "kr_rrn",  # and kr_frn: one pattern, the 7th digit decides
        _NOT_AFTER_NUMBER
        + r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?P<sep>-|[ ]-[ ]|[ ])?[1-8][0-9]{6}"
        + _NOT_BEFORE_ALNUM,
        _confirm_registration,
        "Korean resident registration number",
        ("0", "000"),
    ),
    Kind(
        "us_ssn",
        _NOT_AFTER_NUMBER + r"[0-9]{3}(?P<sep>[\- ]?)[0-9]{2}(?P=sep)[0-9]{4}" + _NOT_BEFORE_ALNUM,
        _confirm_ssn,
        "US social security number",
        ("0", "000"),
    ),
    Kind(
        "card",
        _NOT_AFTER_NUMBER + r"(?:[0-9]{12,19}"
        # 4-4-4-4(-3), and UnionPay's 4-4-4-5 … 4-4-4-7; Amex 4-6-5, Diners 4-6-4;
        # UnionPay 6-12 and 6-13 (and 6-10, 6-11).
        r"|[0-9]{4}(?P<s>[ .\-])[0-9]{4}(?P=s)[0-9]{4}(?P=s)[0-9]{1,7}(?:(?P=s)[0-9]{3})?"
        r"|[0-9]{4}(?P<t>[ .\-])[0-9]{6}(?P=t)[0-9]{4,5}"
        r"|[0-9]{6}(?P<u>[ .\-])[0-9]{10,13})" + _NOT_BEFORE_ALNUM,
        _confirm_card,
        "payment card number",
        ("0", "000"),
    ),
    Kind(
        "iban",
        r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}",
        _confirm_iban,
        "IBAN (bank account)",
        ("0",),  # letters may break every run of digits (LC02 XHZW K0CS …)
    ),
    Kind(
        "phone",
        # + international or a national number with its trunk 0 ((0xx) / 0x…), or a country
        # code without its + (82-10-…, for the configured regions): a bounded run, from which
        # the confirmer drops trailing groups until a region accepts it. Without a 0 or +, only
        # North America's 3-3-4 shape (after an optional 1) and Korean company numbers
        # (1588-1234) are national formats: those are matched whole. A letter may come just
        # before only when it ends a phone word glued on (Tel010-…); the confirmer checks it.
        # The lookahead first lets `re` skip positions that cannot start a number.
        r"(?=[+(0-9])(?:(?<![0-9A-Za-z+])|(?<=[" + _GLUED_PHONE_LAST + r"]))"
        r"(?<![0-9][.\-/])(?<![A-Za-z]-)"
        r"(?:(?:\+[ ]?[0-9]|\(0[0-9]{1,4}\)|0[0-9])[0-9 .\-/()]{3,20}[0-9]"
        r"|(?P<cc>{country_codes})[ \-][0-9 .\-/()]{3,20}[0-9]"
        r"|(?P<whole>(?:1[ .\-]?)?(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}[ .\-]?)[0-9]{3}[ .\-]?[0-9]{4}"
        r"|1[5-9][0-9]{2}-[0-9]{4}))" + _NOT_BEFORE_ALNUM,
        None,  # bound to the phone regions in _plans()
        "phone number",
        ("0",),
    ),
    Kind(
        "ipv4",
        _NOT_AFTER_NUMBER + r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}" + _NOT_BEFORE_ALNUM,
        _confirm_ipv4,
        "IPv4 address",
        ("0", "."),
    ),
    Kind(
        "ipv6",
        r"(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]{1,38}",
        _confirm_ipv6,
        "IPv6 address",
        ("0", ":"),
    ),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
KINDS_BY_NAME["kr_frn"] = Kind(
    "kr_frn", KINDS_BY_NAME["kr_rrn"].pattern, _confirm_registration,
    "Korean foreigner registration number", ("0", "000"),
)  # fmt: skip


@lru_cache(maxsize=8)
def _plans(regions: tuple[str, ...]) -> tuple[tuple[tuple[int, str, Callable, Callable], ...], ...]:
    """The kinds worth searching in a line, by what the line holds (`_features`): each as
    (priority, name, its compiled pattern's search, its confirmer (phones bound to `regions`))."""

    def phone(text: str, found: re.Match, context: Surroundings) -> Span | None:
        return _confirm_phone(text, found, context, regions)

    codes = _country_codes(regions)
    compiled = [
        (priority, kind, re.compile(kind.pattern.replace("{country_codes}", codes)).search,
         kind.confirm or phone)
        for priority, kind in enumerate(KINDS)
    ]  # fmt: skip
    plans = []
    for features in range(1 << len(_FEATURES)):
        holds = {need for bit, need in enumerate(_FEATURES) if features >> bit & 1}
        plans.append(tuple(
            (priority, kind.name, search, confirm)
            for priority, kind, search, confirm in compiled
            if all(need in holds for need in kind.needs)
        ))  # fmt: skip
    return tuple(plans)


# What a kind's every candidate holds: "0" a digit, "000" three digits in a row.
_FEATURES = ("0", "000", "@", ".", ":")
_DIGIT_RUN = re.compile(r"[0-9][0-9][0-9]")
_HAS_DIGIT = re.compile(r"[0-9]")


def _features(normal: str) -> int:
    """Which of `_FEATURES` the line holds, as bits (0: nothing any kind needs)."""
    digits = 0b11 if _DIGIT_RUN.search(normal) else 0b01 if _HAS_DIGIT.search(normal) else 0
    return digits | ("@" in normal) << 2 | ("." in normal) << 3 | (":" in normal) << 4


def _country_codes(regions: tuple[str, ...]) -> str:
    """The calling codes of `regions` outside North America (whose 1-… shape is matched whole),
    as an alternation for the phone pattern; one that never matches if there are none."""
    import phonenumbers

    codes = {str(phonenumbers.country_code_for_region(region)) for region in regions}
    return "|".join(sorted(codes - {"1", "0"}, key=len, reverse=True)) or "(?!)"


class Match(NamedTuple):
    kind: str
    value: str
    start: int


def find(
    text: str,
    allowlist: frozenset[str] = frozenset(),
    *,
    context: str = "",
    regions: tuple[str, ...] | None = None,
    above: str = "",
) -> Iterator[Match]:
    """Every piece of personal data in `text`, each span reported once (the longest wins).

    `context` is read like words just before every candidate (a table's column name: the
    text is then one cell); `regions` are the phone regions for national formats (default:
    the project setting); `above` is the header line of the table `text` is a row of.
    Percent-escapes (`kim%40example.com`, `%2B82…`) are decoded once
    before matching; a match reports the value and offset as written in `text`.
    """
    unescaped = decoded(text)
    plain, origin = unescaped if unescaped is not None else (text, None)
    normal = normalise(plain)
    # One cheap look at the line first: what it holds decides which kinds are searched (a
    # line without a digit or an `@` none at all).
    features = _features(normal)
    if not features & 0b101:
        return
    regions = phone_regions() if regions is None else regions
    surroundings = Surroundings(normal, context, normalise(above))
    confirmed: list[tuple[int, int, int, str]] = []
    for priority, name, search, confirm in _plans(regions)[features]:
        found = search(normal)
        while found is not None:
            span = confirm(normal, found, surroundings)
            if span is None:
                found = search(normal, found.start() + 1)
            else:
                confirmed.append((*span, priority, name))
                found = search(normal, span[1])
    for start, end, _, name in _without_overlaps(confirmed) if len(confirmed) > 1 else confirmed:
        written = (start, end) if origin is None else (origin[start], origin[end])
        value = text[written[0] : written[1]]
        if value not in allowlist and plain[start:end] not in allowlist:
            kind = _registration_kind(normal[start:end]) if name == "kr_rrn" else name
            yield Match(kind, value, written[0])


def find_lines(
    text: str, allowlist: frozenset[str] = frozenset(), *, regions: tuple[str, ...] | None = None
) -> Iterator[tuple[int, Match]]:
    """`find` on each line of `text` (numbered from 1), as the hook and `data scan` read text
    files: a row of a CSV, TSV or Markdown table is read with its header line (the first line
    of the block of lines holding the row's delimiter), an HTML cell with the last line of
    `<th>` cells; a line holding `INLINE_MARKER` is skipped."""
    header, delimiter = "", None
    for number, line in enumerate(text.splitlines(), 1):
        if delimiter is None or delimiter not in line:
            delimiter = next((d for d in _DELIMITERS if d in line), None)
            header = line if delimiter is not None else ""
            above = ""
        else:
            above = header
        if "<th" in line.lower():
            header, delimiter = line, "<td"
        if INLINE_MARKER in line:
            continue
        for match in find(line, allowlist, regions=regions, above=above):
            yield number, match


_DELIMITERS = ("|", "\t", ",", ";")


def _without_overlaps(
    spans: list[tuple[int, int, int, str]],
) -> list[tuple[int, int, int, str]]:
    """Where spans overlap, the longest wins (then the kind listed first). Sweeps clusters of overlapping spans, so the
    cost stays linear in the number of spans (a file of 100,000 phone numbers)."""
    kept: list[tuple[int, int, int, str]] = []
    cluster: list[tuple[int, int, int, str]] = []
    cluster_end = -1

    def settle() -> None:
        chosen: list[tuple[int, int, int, str]] = []
        for span in sorted(cluster, key=lambda c: (c[0] - c[1], c[2], c[0])):
            if not any(s < span[1] and span[0] < e for s, e, *_ in chosen):
                chosen.append(span)
        kept.extend(sorted(chosen))

    for span in sorted(spans):
        if span[0] >= cluster_end and cluster:
            settle()
            cluster = []
        cluster.append(span)
        cluster_end = max(cluster_end, span[1]) if len(cluster) > 1 else span[1]
    if cluster:
        settle()
    return kept


def clear_caches() -> None:
    """Forget the validity checks cached by value (libphonenumber, python-stdnum), so a
    benchmark can time values seen for the first time."""
    for cached in (_valid_in, _iban_holds, _ssn_holds, _for_businesses):
        cached.cache_clear()


def mask(value: str) -> str:
    """Enough of a value to recognise it, not to use it: a***@example.com, 010-****-5678
    (a percent-encoded value is masked decoded: `kim%40example.com` as k***@example.com)."""
    unescaped = decoded(value)
    if unescaped is not None:
        value = unescaped[0]
    if "@" in value:
        user, domain = value.split("@", 1)
        return f"{user[:1]}***@{domain}"
    keep = 2 if len(value) > 8 else 1
    middle = re.sub(r"[A-Za-z0-9]", "*", value[keep:-keep])
    return value[:keep] + middle + value[-keep:]


def load_allowlist(path: str = ALLOWLIST_FILE) -> frozenset[str]:
    """Values never reported, one per line (`#` starts a comment); none if the file is absent."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.split("#", 1)[0].strip() for line in handle]
    except FileNotFoundError:
        return frozenset()
    return frozenset(line for line in lines if line)
