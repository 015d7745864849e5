"""The detector on data it had not seen (issue 26): identifiers told by the structure around
them — a JSON key, a log's key, a table's header or column — or by their check digit; values
percent-encoded in URLs and logs; whole e-mail local parts; UnionPay's groupings; and look-
alikes suppressed by structure (a label naming another number, an IBAN's print form).

Values are built from their own rules here (check digits by hand), not from the patterns.
"""

import urllib.parse
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn as stdnum_luhn
from stdnum.kr import rrn as korean_rrn

from ml_playbook.governance import pii

REGIONS = pii.DEFAULT_PHONE_REGIONS
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def found(text: str, column: str = "") -> list[tuple[str, str]]:
    return [(m.kind, m.value) for m in pii.find(text, context=column, regions=REGIONS)]


def rrn(born: date, sex: int, serial: str = "12345") -> str:
    """A registration number issued before October 2020, with its check digit."""
    body = born.strftime("%y%m%d") + str(sex) + serial
    return body + korean_rrn.calc_check_digit(body)


def luhn(partial: str) -> str:
    return partial + stdnum_luhn.calc_check_digit(partial)


RRN = rrn(date(1990, 1, 1), 1)  # 9001011123455-like, with a valid check digit
SPACED_RRN = f"{RRN[:6]} {RRN[6:]}"


# 1. Spaced registration numbers and SSNs, told by structure or by the check digit.


@pytest.mark.parametrize(
    "text",
    [
        '{"jumin": "123 45 6789 placeholder"}'.replace("123 45 6789 placeholder", SPACED_RRN),
        f"등록증 번호는 {SPACED_RRN} 이고",
        f"본인확인 {SPACED_RRN}",
        f"외국인등록 {SPACED_RRN}",
        f"name,jumin\nKim,{SPACED_RRN}",
        f"{SPACED_RRN}",  # no keyword: the check digit holds
    ],
)
def test_a_spaced_registration_number_is_found(text):
    assert found(text) == [("kr_rrn", SPACED_RRN)]


def test_a_spaced_number_issued_since_2020_needs_a_keyword_or_a_column():
    # given a child's number, issued since October 2020 with random last digits
    number = "230415 3" + "998877"

    assert found(number) == []
    assert found(f"주민번호 {number}") == [("kr_rrn", number)]
    assert found(number, column="resident_no") == [("kr_rrn", number)]


@pytest.mark.parametrize(
    "text",
    [
        '{"ssn": "123 45 6789"}',
        "2026-12-07 INFO soc_sec_no=123 45 6789 status=200",
        "name,ssn\nKim,123 45 6789",
        "| name | SSN |\n|---|---|\n| Kim | 123 45 6789 |",
        "<tr><th>Name</th><th>SSN</th></tr><tr><td>Kim</td><td>123 45 6789</td></tr>",
    ],
)
def test_a_spaced_ssn_is_found_under_a_key_or_header_that_names_it(text):
    assert found(text) == [("us_ssn", "123 45 6789")]


def test_a_spaced_ssn_needs_a_name_in_text_but_not_as_a_whole_table_cell():
    assert found("parts 123 45 6789 in stock") == []
    assert found("name,qty\nKim,123 45 6789") == []
    assert found("123 45 6789", column="c17") == [("us_ssn", "123 45 6789")]


def test_rows_are_read_with_their_header_line_by_line():
    # given a CSV read as the hook reads it, one line at a time
    text = "id,name,ssn\n1,Kim,123 45 6789\n2,Lee,234 56 7890\n\nnote,qty\n3,345 67 8901\n"

    lines = [(number, m.kind) for number, m in pii.find_lines(text, regions=REGIONS)]

    assert lines == [(2, "us_ssn"), (3, "us_ssn")]


# 2. Bare 13-digit numbers of people born 2000-2009.


@SETTINGS
@given(
    st.dates(date(2000, 1, 1), date(2009, 12, 31)),
    st.sampled_from([3, 4, 7, 8]),
    st.integers(0, 96),  # the place-of-registration code
    st.from_regex(r"[0-9]{3}", fullmatch=True),
)
def test_a_bare_number_of_someone_born_2000_2009_is_found_in_a_table_cell(born, sex, place, serial):
    number = rrn(born, sex, f"{place:02d}{serial}")
    kind = "kr_frn" if sex in (7, 8) else "kr_rrn"

    assert found(number, column="c17") == [(kind, number)]


def test_thirteen_bare_digits_without_the_check_digit_or_a_keyword_are_not_a_number():
    wrong = RRN[:-1] + str((int(RRN[-1]) + 1) % 10)

    assert found(wrong, column="c17") == []
    assert found(wrong, column="rrn") == [("kr_rrn", wrong)]


# 3. Percent-encoded values, decoded once, reported as written.


@SETTINGS
@given(
    st.sampled_from(["kim", "o'connor", "first.last=dept", "lee+news"]),
    st.sampled_from(["example.com", "mail.example.co.kr"]),
)
def test_a_percent_encoded_address_is_found_as_written(local, domain):
    encoded = urllib.parse.quote(f"{local}@{domain}", safe="")
    text = f"GET /v1/users?page=2&email={encoded}&lang=ko HTTP/1.1"

    assert found(text) == [("email", encoded)]
    assert [m.start for m in pii.find(text, regions=REGIONS)] == [text.index(encoded)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("GET /v1/users?ssn=123+45+6789&page=2", "123+45+6789"),  # a form's `+` for a space
        ("GET /v1/users?jumin=900101+1234567", "900101+1234567"),
        ("<td>o&#x27;connor@example.com</td>", "o&#x27;connor@example.com"),
        ("mail kim&#64;example.com", "kim&#64;example.com"),
    ],
)
def test_form_spaces_and_character_references_are_decoded_and_reported_as_written(text, value):
    assert [match.value for match in pii.find(text, regions=REGIONS)] == [value]


def test_a_plus_outside_a_form_value_is_a_plus():
    assert found("+82 10 1234 5678, kim+news@example.com") == [
        ("phone", "+82 10 1234 5678"),
        ("email", "kim+news@example.com"),
    ]


def test_escapes_are_decoded_once_and_only_when_they_spell_text():
    assert found("phone=%2B82%2010-1234-5678") == [("phone", "%2B82%2010-1234-5678")]
    assert found("email=kim%2540example.com") == []  # %25 is `%`: `kim%40…`, not an address
    assert found("q=%E%ZZ%C3%28 010-1234-5678") == [("phone", "010-1234-5678")]


# 4. E-mail addresses from their true start.


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("mail o'connor@example.com", "o'connor@example.com"),
        ("to: first.last=dept@example.com", "first.last=dept@example.com"),
        ("ops#1@example.com is the pager", "ops#1@example.com"),
        ('write to "john smith"@example.com', '"john smith"@example.com'),
        ("email=kim@example.com", "kim@example.com"),
        ("GET /a?x=1&field=tom&jerry@example.com", "tom&jerry@example.com"),
        ("'kim@example.com'", "kim@example.com"),
        ("`email=kim@example.com`", "kim@example.com"),
        ("이메일=lee@example.com", "lee@example.com"),
        ("see /users/kim@example.com", "kim@example.com"),
    ],
)
def test_an_address_is_reported_from_its_true_start(text, address):
    assert found(text) == [("email", address)]


# 5. Card numbers in UnionPay's groupings.


@SETTINGS
@given(st.integers(17, 19), st.from_regex(r"[0-9]{17}", fullmatch=True), st.booleans())
def test_a_unionpay_number_is_found_in_its_groupings(length, body, six_first):
    number = luhn("62" + body[: length - 3])
    groups = (
        [number[:6], number[6:]]
        if six_first
        else [number[:4], number[4:8], number[8:12], number[12:]]
    )
    written = " ".join(groups)

    assert found(f"card {written}") == [("card", written)]


# 7. False alarms suppressed by structure.


@pytest.mark.parametrize(
    ("label", "a_record"),
    [("거래번호", True), ("승인번호", True), ('"txn_id": "', True), ("order_no:", True),
     ("고객번호", False), ("registration_no", False)],
)  # fmt: skip
def test_thirteen_digits_under_another_numbers_label_need_the_check_digit(label, a_record):
    # given 13 digits that start like a registration number (a date and a sex digit)
    wrong = RRN[:-1] + str((int(RRN[-1]) + 1) % 10)

    # then under a label, only the check digit makes them one; under a transaction's, order's
    # or approval's label not even that
    assert found(f"{label} {wrong}") == []
    assert found(f"{label} {RRN}") == ([] if a_record else [("kr_rrn", RRN)])


def test_digit_groups_of_an_iban_that_fails_its_check_are_not_a_card():
    # given an IBAN in print form with its check digits broken, holding a Luhn-valid Visa
    visa = luhn("4" + "1" * 14)
    text = f"IBAN DE00 {visa[:4]} {visa[4:8]} {visa[8:12]} {visa[12:]} 00"

    assert found(text) == []
    assert found(f"card {visa[:4]} {visa[4:8]} {visa[8:12]} {visa[12:]}") != []


def test_a_dashed_number_with_a_companys_check_digit_is_a_companys():
    # given 110111-… : a date (2011-01-11) and a sex digit, but the check digit of a
    # corporate registration number (weights 1, 2, 1, 2, …), not a person's
    body = "110111" + "8" + "50630"
    check = (10 - sum(int(d) * w for d, w in zip(body, (1, 2) * 6, strict=True)) % 10) % 10
    number = f"{body[:6]}-{body[6:]}{check}"

    assert found(number, column="c17") == []
    assert found(f"주민번호 {number}") == [("kr_frn", number)]


def test_groups_of_an_iban_that_fails_its_check_are_not_a_phone():
    assert found("IE59 HEYP 0655 1644 1975 26", column="c17") == []


# 9. Decided: interface addresses are addresses; business numbers are not personal data.


def test_an_interface_address_is_reported_without_its_prefix_and_a_network_is_not():
    assert found("inet 192.168.1.5/24 brd 192.168.1.255") == [
        ("ipv4", "192.168.1.5"),
        ("ipv4", "192.168.1.255"),
    ]
    assert found("route 10.0.0.0/8 via gw") == []
    assert found("inet6 2001:db8::5/64") == [("ipv6", "2001:db8::5")]


@pytest.mark.parametrize(
    "text", ["대표번호 1588-1234", "toll free 1-800-555-0199", "080-123-4567", "0120-123-456"]
)
def test_business_numbers_are_not_reported(text):
    assert found(text) == []


def test_a_personal_number_next_to_a_business_one_is_still_reported():
    assert found("고객센터 1588-1234, 담당자 010-1234-5678") == [("phone", "010-1234-5678")]


def test_an_rrn_born_after_today_is_not_one():
    tomorrow = date.today() + timedelta(days=400)
    assert found(rrn(tomorrow, 3), column="jumin") == []
