"""Properties of the PII detector (hypothesis): any valid identifier, written in any supported
form, inside Korean or English text, is found as its kind; random look-alikes (UUIDs, hashes,
epoch times, version strings, order numbers) are not.

Values are built from their own rules here (check digits by hand or python-stdnum, phone
validity from libphonenumber), never from the detector's patterns.
"""

from datetime import date, timedelta
from itertools import product

import phonenumbers
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum import iban as iban_number
from stdnum import luhn

from ml_playbook.governance import pii

REGIONS = pii.DEFAULT_PHONE_REGIONS
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text around a value: Korean with the particle glued on, or English with spaces.
KOREAN = [
    "{k} {v}로 연락 주세요",
    "{k}는 {v}입니다.",
    "{k}{v}",
    "담당 {k}: {v}, 확인 바람",
    "({k} {v})",
]
ENGLISH = ["{k}: {v}", "{k} {v}.", "please update {k} to {v} today", "[{k}] {v}", '"{k}": "{v}"']
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


def kinds(text: str) -> list[str]:
    return sorted(match.kind for match in pii.find(text, regions=REGIONS))


def in_text(values, korean_keywords: list[str], english_keywords: list[str]):
    """`values` set in a Korean or an English sentence with one of the keywords."""

    def place(value: str, korean: bool, template: int, keyword: int) -> str:
        templates, keywords = (KOREAN, korean_keywords) if korean else (ENGLISH, english_keywords)
        return templates[template % len(templates)].format(
            k=keywords[keyword % len(keywords)], v=value
        )

    return st.builds(place, values, st.booleans(), st.integers(0, 99), st.integers(0, 99))


# --- Korean registration numbers ------------------------------------------------------


@st.composite
def registration_numbers(draw, foreigner: bool) -> str:
    born = draw(st.dates(date(1930, 1, 1), date.today() - timedelta(days=1)))
    male = draw(st.booleans())
    digit = (5 if male else 6) if foreigner else (1 if male else 2)
    digit += 2 if born.year >= 2000 else 0
    head = born.strftime("%y%m%d") + str(digit)
    body = head + draw(st.text("0123456789", min_size=5, max_size=5))
    check = (11 - sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True)) % 11) % 10  # fmt: skip
    number = f"{body[:6]}-{body[6:]}{check}"
    form = draw(st.sampled_from(["dash", "en dash", "full width", "bare"]))
    return {
        "dash": number,
        "en dash": number.replace("-", "–"),
        "full width": number.translate(FULL_WIDTH),
        "bare": number.replace("-", ""),
    }[form]


@SETTINGS
@given(
    in_text(
        registration_numbers(foreigner=False), ["주민등록번호", "주민번호"], ["RRN", "resident no."]
    )
)
def test_any_resident_registration_number_is_found(text):
    assert kinds(text) == ["kr_rrn"]


@SETTINGS
@given(in_text(registration_numbers(foreigner=True), ["외국인등록번호"], ["FRN", "foreigner no."]))
def test_any_foreigner_registration_number_is_found(text):
    assert kinds(text) == ["kr_frn"]


# --- cards ------------------------------------------------------------------------------


def luhn_complete(partial: str) -> str:
    return partial + luhn.calc_check_digit(partial)


ISSUERS = [("4", 16), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
           ("37", 15), ("6011", 16), ("644", 16), ("649", 16), ("65", 16), ("3528", 16), ("62", 16)]  # fmt: skip


@st.composite
def card_numbers(draw) -> str:
    prefix, length = draw(st.sampled_from(ISSUERS))
    middle = draw(
        st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    number = luhn_complete(prefix + middle)
    separator = draw(st.sampled_from(["", " ", "-", "."]))
    if length == 15:
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i : i + 4] for i in range(0, length, 4)]
    return separator.join(groups)


@SETTINGS
@given(in_text(card_numbers(), ["카드번호", "결제 카드"], ["card", "Visa", "credit card"]))
@example("카드번호 4111-1111-1111-1111로 결제")
def test_any_card_number_is_found(text):
    assert kinds(text) == ["card"]


# --- IBANs ------------------------------------------------------------------------------


@st.composite
def ibans(draw) -> str:
    country, bban = draw(
        st.sampled_from([
            ("DE", "{8}{10}"), ("GB", "WEST{6}{8}"), ("FR", "{10}{11}00"), ("NL", "ABNA{10}"),
        ])
    )  # fmt: skip
    filled = bban
    while "{" in filled:
        size = int(filled[filled.index("{") + 1 : filled.index("}")])
        digits = draw(st.text("0123456789", min_size=size, max_size=size))
        filled = filled.replace("{" + str(size) + "}", digits, 1)
    number = country + iban_number.calc_check_digits(country + "00" + filled) + filled
    if not iban_number.is_valid(number):  # a national check digit inside the BBAN (FR)
        number = (
            "DE"
            + iban_number.calc_check_digits("DE00" + "3704004405" * 1 + "32013000")
            + "370400440532013000"
        )
    form = draw(st.sampled_from(["compact", "grouped", "lower"]))
    if form == "grouped":
        return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    return number.lower() if form == "lower" else number


@SETTINGS
@given(in_text(ibans(), ["계좌", "IBAN은"], ["IBAN", "account (IBAN)"]))
def test_any_iban_is_found(text):
    assert kinds(text) == ["iban"]


# --- phone numbers ----------------------------------------------------------------------


@st.composite
def phone_numbers(draw) -> str:
    region = draw(st.sampled_from(REGIONS))
    kind = draw(
        st.sampled_from(
            [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]
        )
    )
    example_number = phonenumbers.example_number_for_type(region, kind)
    national = str(example_number.national_number)
    # A tail that repeats the three digits before it can make every digit after the area code
    # alike (201-555-5555), which the detector reads as a placeholder on purpose: not drawn.
    # Any other tail is, one digit repeated too (07400 120000).
    before_tail = national[-7:-4]
    tail = draw(
        st.text("0123456789", min_size=4, max_size=4).filter(
            lambda t: len(set(before_tail + t)) > 1
        )
    )
    number = phonenumbers.parse(f"+{example_number.country_code}{national[:-4]}{tail}")
    if not phonenumbers.is_valid_number(number):
        number = example_number
    form = draw(st.sampled_from([phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164]))  # fmt: skip
    text = phonenumbers.format_number(number, form)
    return text.translate(FULL_WIDTH) if draw(st.booleans()) and region == "KR" else text


@SETTINGS
@given(in_text(phone_numbers(), ["휴대폰", "전화", "연락처"], ["Tel", "Mobile", "phone"]))
@example("휴대폰 010-2345-6789로 연락")
def test_any_phone_number_is_found(text):
    assert kinds(text) == ["phone"]


# --- email ------------------------------------------------------------------------------

LOCAL = st.from_regex(r"[a-z0-9]{1,10}(?:[._+-][a-z0-9]{1,8}){0,2}", fullmatch=True)
DOMAIN = st.sampled_from(["example.com", "naver.com", "mail.example.co.kr", "müller.de", "회사.한국",
                          "daum.net", "uni-berlin.de", "xn--9n2bp8q.xn--3e0b707e"])  # fmt: skip


@SETTINGS
@given(
    in_text(st.builds("{}@{}".format, LOCAL, DOMAIN), ["이메일", "메일은"], ["email", "mail to"])
)
def test_any_email_is_found(text):
    assert kinds(text) == ["email"]


# --- IP addresses -----------------------------------------------------------------------


@st.composite
def ipv4_addresses(draw) -> str:
    first = draw(st.integers(1, 223).filter(lambda n: n != 127))
    return ".".join(map(str, [first, *draw(st.lists(st.integers(0, 255), min_size=3, max_size=3))]))


@SETTINGS
@given(in_text(ipv4_addresses(), ["접속 주소", "서버 주소"], ["client", "from", "IP"]))
def test_any_ipv4_address_is_found(text):
    assert kinds(text) == ["ipv4"]


@SETTINGS
@given(in_text(st.ip_addresses(v=6).filter(lambda a: not (a.is_loopback or a.is_unspecified) and a.ipv4_mapped is None and any(c.isdigit() for c in str(a)) and len([g for g in str(a).split(":") if g]) >= 3).map(str), ["접속 주소"], ["client", "addr"]))  # fmt: skip
@example("mapped ::ffff:192.0.2.128 connected")
def test_any_ipv6_address_is_found(text):
    assert kinds(text) == ["ipv6"]


# --- look-alikes ------------------------------------------------------------------------


@SETTINGS
@given(st.uuids().map(str), st.sampled_from(["id {}", "request {} done", "{}", "세션 {}에서"]))
def test_random_uuids_are_not_personal_data(uuid, template):
    assert kinds(template.format(uuid)) == []


@SETTINGS
@given(st.binary(min_size=16, max_size=32).map(bytes.hex))
def test_random_hashes_are_not_personal_data(digest):
    assert kinds(f"sha {digest}") == []


@SETTINGS
@given(
    st.integers(1_000_000_000, 2_050_000_000),
    st.booleans(),
    st.sampled_from(
        ["ts={}", "created_at {}", '"timestamp": {}', "epoch {}", "{} (epoch)", "updated_at={}"]
    ),
)
def test_epoch_times_are_not_personal_data(seconds, milliseconds, template):
    value = seconds * 1000 + seconds % 1000 if milliseconds else seconds
    assert kinds(template.format(value)) == []


@SETTINGS
@given(
    st.lists(st.integers(0, 30), min_size=3, max_size=4),
    st.sampled_from(
        ["version {}", "v{}", "bump version to {}", "pkg=={}", "버전 {}", "release {}"]
    ),
)
def test_version_strings_are_not_personal_data(parts, template):
    assert kinds(template.format(".".join(map(str, parts)))) == []


@SETTINGS
@given(
    st.integers(2000, 2030),
    st.integers(0, 10**7 - 1),
    st.sampled_from(
        ["order ORD-{}-{:07d}", "주문번호 {}{:07d}", "invoice INV-{}-{:07d}", "PO-{}-{:07d}"]
    ),
)
def test_order_numbers_are_not_personal_data(year, serial, template):
    assert kinds(template.format(year, serial)) == []


@SETTINGS
@given(
    st.integers(10**12, 2_200_000_000_000 - 1),  # epoch milliseconds, 2001-09 to 2039-09
    st.sampled_from(["value {}", "{}", "id {} ok", '{{"n": {}}}', "{},42", "seen {}", "Number {}"]),
)
@example(2012268295366, "value {}")  # reads as an FRN of someone born 2020-12-26
@example(1609117397703, "{}")  # reads as a 2016 birth, and its check digit holds
def test_epoch_milliseconds_without_a_time_word_are_not_registration_numbers(value, template):
    # given a 13-digit epoch-ms value in text with no time word and no Korean around it
    text = template.format(value)

    # when scanned, then nothing is found
    assert kinds(text) == []


INTEGER_LIMITS = [2**31 - 1, 2**32 - 1, 2**63 - 1, 2**64 - 1]


@SETTINGS
@given(
    st.one_of(st.sampled_from([-(2**31), -(2**63)]), st.integers(-(2**63), -1000)),
    st.sampled_from(
        ["Number {}", "phoneNumber {}", "offset: {}", "x={}", "[{}]", "if(t<{})", "tel {}"]
    ),
)
@example(-2147483648, "Number {}")  # mermaid.min.js
def test_negative_numbers_are_not_personal_data(number, template):
    # given a negative number (a minus sign before its digits), even after a phone word
    text = template.format(number)

    # when scanned, then nothing is found
    assert kinds(text) == []


@pytest.mark.parametrize("limit", INTEGER_LIMITS)
@pytest.mark.parametrize("template", ["Number {}", "MAX_VALUE = {}", "x={}", "[{}]", "if(t>{})"])
def test_integer_limits_are_not_personal_data(limit, template):
    # given an int32/uint32/int64/uint64 limit with no phone word before it
    # (2147483647 after "phone" is a valid Dallas number, and is reported as one)
    text = template.format(limit)

    # when scanned, then nothing is found
    assert kinds(text) == []


@st.composite
def phones_without_plus(draw) -> str:
    """An international number written with its country code but no +: 82 10-…, 44-20-…."""
    region = draw(st.sampled_from([r for r in REGIONS if r != "US"]))
    number = phonenumbers.parse(draw(phone_numbers_in(region)), region)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    text = text.removeprefix("+")
    return text.replace(" ", "-") if draw(st.booleans()) else text


@st.composite
def phone_numbers_in(draw, region: str) -> str:
    example_number = phonenumbers.example_number_for_type(
        region, draw(st.sampled_from([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]))
    )  # fmt: skip
    national = str(example_number.national_number)
    # A tail that repeats the three digits before it can make every digit after the area code
    # alike (201-555-5555), which the detector reads as a placeholder on purpose: not drawn.
    # Any other tail is, one digit repeated too (07400 120000).
    before_tail = national[-7:-4]
    tail = draw(
        st.text("0123456789", min_size=4, max_size=4).filter(
            lambda t: len(set(before_tail + t)) > 1
        )
    )
    number = phonenumbers.parse(f"+{example_number.country_code}{national[:-4]}{tail}")
    if not phonenumbers.is_valid_number(number):
        number = example_number
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@SETTINGS
@given(in_text(phones_without_plus(), ["휴대폰", "전화", "연락처"], ["Tel", "Mobile", "phone"]))
@example("연락처 82-10-2345-6789")
def test_a_country_code_without_its_plus_is_found(text):
    assert kinds(text) == ["phone"]


@SETTINGS
@given(
    st.sampled_from(["Tel", "TEL:", "tel.", "HP", "Mobile", "Fax", "Phone", "Cell"]),
    st.sampled_from(REGIONS).flatmap(phone_numbers_in),
    st.sampled_from(["{}", "연락 주세요 {}", "{} (office)", "담당자 {}로 연락"]),
)
@example("Tel", "+821023456789", "{}")
def test_a_phone_word_glued_to_the_number_is_found(word, e164, template):
    # given a national number with a phone word written right before it (Tel010-…)
    region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    national = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    assert region in REGIONS

    # when the glued text is scanned, then the number is found as a phone
    assert kinds(template.format(word + national)) == ["phone"]


SCRIPTS = {
    "Hangul": "".join(map(chr, range(0xAC00, 0xD7A4, 97))),
    "Latin": "abcdeäöüßéèñçøå",
    "Cyrillic": "абвгдежзиклмнопрстуфхцчшщыэюя",
    "Greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "CJK": "用户名字测试张王李赵山田太郎",
}


@st.composite
def non_ascii_addresses(draw) -> str:
    alphabet = SCRIPTS[draw(st.sampled_from(sorted(SCRIPTS)))]
    local = draw(st.text(alphabet, min_size=1, max_size=10))
    if draw(st.booleans()):
        local += "." + draw(st.text(alphabet + "0123456789", min_size=1, max_size=6))
    return f"{local}@{draw(DOMAIN)}"


@SETTINGS
@given(
    non_ascii_addresses(),
    st.sampled_from(["이메일 {}", "메일: {}로 보내 주세요", "({})", "mail to <{}>", "Kontakt {}."]),
)
@example("홍길동@example.com", "이메일 {}")
@example("müller@müller.de", "Kontakt {}.")
def test_an_email_address_in_any_script_is_found_whole(address, template):
    # given an address whose local part is in Hangul, Cyrillic, Greek, CJK or accented Latin
    text = template.format(address)

    # when scanned, then the whole address is found as an email
    found = [(match.kind, match.value) for match in pii.find(text, regions=REGIONS)]
    assert found == [("email", address)]


def test_a_phone_cut_past_its_bracket_reach_never_passes_the_bracket_rule():
    # given every run of up to seven digits and parentheses, after nothing, a letter or a `(`
    # (to the rule every digit is alike, and its limits lie within the first six characters)
    runs = ["".join(chars) for size in range(8) for chars in product("()0", repeat=size)]
    for before, run in product(("", "x", "("), runs):
        text = before + run

        # when the detector bounds the run's cuts by its parentheses (a speed-up)
        reach = pii._bracket_reach(text, len(before), len(text))

        # then no longer cut would have passed the parentheses rule: nothing is missed
        assert len(before) <= reach <= len(text)
        longer = [text[len(before) : end] for end in range(reach + 1, len(text) + 1)]
        assert not any(pii._brackets_pass(cut) for cut in longer), (before, run)
