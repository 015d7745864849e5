"""Detect personal data in text: the one PII detector behind the pre-commit hook, the
pipeline's data-set scan and the `data scan` command.

Each kind has a candidate pattern (a regular expression, also usable by DuckDB for data
sets) and, where a format can be checked, a validator: phone numbers with `phonenumbers`,
IBANs, card numbers (Luhn) and US SSNs with `python-stdnum`, IP addresses with `ipaddress`,
Korean registration numbers by format and a plausible birth date (not the check digit:
numbers issued since October 2020 end in random digits).
"""

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

# A line (or cell) that holds this marker is never reported: for true negatives in code
# and docs, e.g. an example email. `.pii-allowlist` (one value per line) does the same for
# values anywhere.
INLINE_MARKER = "pii: allow"
ALLOWLIST_FILE = ".pii-allowlist"

# Kinds that identify a person on their own (name aside, which no pattern finds reliably).
DIRECT_IDENTIFIERS = {"email", "phone", "kr_rrn", "kr_frn", "us_ssn", "card", "iban"}


@dataclass(frozen=True)
class Kind:
    name: str
    pattern: str  # RE2-compatible, so DuckDB can run it too
    validate: Callable[[str], bool]
    description: str


def _phone(candidate: str) -> bool:
    import phonenumbers  # imported on first use: a hook run without phones never pays for it

    digits = re.sub(r"\D", "", candidate)
    region = None if candidate.startswith("+") else ("KR" if digits.startswith("0") else "US")
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _card(candidate: str) -> bool:
    from stdnum import luhn

    digits = re.sub(r"\D", "", candidate)
    # Issuer prefix and length, then Luhn: a random 16-digit number passes Luhn one time in
    # ten, so prefix and length do most of the work.
    lengths = next((n for prefix, n in _CARD_LENGTHS if digits.startswith(prefix)), ())
    return len(digits) in lengths and luhn.is_valid(digits)


# (prefix, valid lengths): Amex, Visa, Mastercard (51-55, 2221-2720), Discover, JCB, UnionPay
_CARD_LENGTHS = (
    ("34", (15,)), ("37", (15,)), ("4", (13, 16, 19)),
    *((str(p), (16,)) for p in range(51, 56)), *((str(p), (16,)) for p in range(22, 28)),
    ("6011", range(16, 20)), ("65", range(16, 20)), ("35", range(16, 20)), ("62", range(16, 20)),
)  # fmt: skip


def _iban(candidate: str) -> bool:
    from stdnum import iban

    return iban.is_valid(candidate)


def _us_ssn(candidate: str) -> bool:
    from stdnum.us import ssn

    return ssn.is_valid(candidate)


def _ip(candidate: str) -> bool:
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return False
    # Unspecified and loopback addresses identify nobody.
    return not (address.is_unspecified or address.is_loopback)


# Century by the 7th digit: residents 1-4 (and 9, 0 for the 1800s), foreigners 5-8.
_CENTURY = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900, "7": 2000,
            "8": 2000, "9": 1800, "0": 1800}  # fmt: skip


def _registration_date_is_plausible(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    century = _CENTURY[digits[6]]
    try:
        born = date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return born <= date.today()


KINDS = (
    Kind(
        "email",
        r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
        lambda _: True,
        "email address",
    ),
    Kind(
        "kr_rrn",
        r"\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[1-490]\d{6}\b",
        _registration_date_is_plausible,
        "Korean resident registration number",
    ),
    Kind(
        "kr_frn",
        r"\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])-?[5-8]\d{6}\b",
        _registration_date_is_plausible,
        "Korean foreigner registration number",
    ),
    Kind("us_ssn", r"\b\d{3}-\d{2}-\d{4}\b", _us_ssn, "US social security number"),
    Kind("card", r"\b\d(?:[ -]?\d){12,18}\b", _card, "payment card number"),
    Kind(
        "iban",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b",
        _iban,
        "IBAN (bank account)",
    ),
    Kind(
        "phone",
        r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}"
        r"|\b0\d{1,2}[ .-]?\d{3,4}[ .-]?\d{4}\b"
        r"|\(\d{3}\) ?\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b",
        _phone,
        "phone number",
    ),
    Kind(
        "ipv4",
        r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b",
        _ip,
        "IPv4 address",
    ),
    Kind(
        "ipv6",
        r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
        r"|\b(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}\b",
        _ip,
        "IPv6 address",
    ),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}
_COMPILED = [(kind, re.compile(kind.pattern)) for kind in KINDS]
# What comes just before a number that is a version, not an address: v1.2.3.4, version 1.2.3.4
_VERSION_PREFIX = re.compile(r"(?:\bv|version\W{0,4}|==|>=|<=|~=)$", re.IGNORECASE)


def _looks_like_a_version(text: str, start: int, end: int) -> bool:
    """v1.2.3.4, version 1.2.3.4, ==1.2.3.4, or four numbers inside a longer dotted run."""
    before, after = text[max(0, start - 12) : start], text[end : end + 2]
    return bool(_VERSION_PREFIX.search(before) or re.match(r"\.\d", after) or before.endswith("."))


@dataclass(frozen=True)
class Match:
    kind: str
    value: str
    start: int


def find(text: str, allowlist: frozenset[str] = frozenset()) -> Iterator[Match]:
    """Every piece of personal data in `text`, each span reported once (first kind wins)."""
    taken: list[tuple[int, int]] = []
    for kind, pattern in _COMPILED:
        for found in pattern.finditer(text):
            start, end = found.span()
            value = found.group(0)
            if value in allowlist or any(s < end and start < e for s, e in taken):
                continue
            if kind.name.startswith("ip") and _looks_like_a_version(text, start, end):
                continue
            if kind.validate(value):
                taken.append((start, end))
                yield Match(kind.name, value, start)


def mask(value: str) -> str:
    """Enough of a value to recognise it, not to use it: a***@example.com, 010-****-5678."""
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
