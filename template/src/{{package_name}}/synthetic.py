"""A seeded, synthetic stand-in for the source systems: customers and their monthly activity.

It holds direct identifiers on purpose (name, email, phone, a Korean resident-registration
number) so the pipeline shows them being pseudonymised or dropped in staging, not described.
Customers churn with a probability that rises with support tickets, late payments and low
use, so a model has something real to learn. Same seed, same rows.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from faker import Faker
from rich.progress import track

# Share of customers by locale: the names, emails and phone numbers follow the locale.
LOCALES = {"ko_KR": 0.6, "en_US": 0.3, "en_GB": 0.1}
COUNTRY = {"ko_KR": "KR", "en_US": "US", "en_GB": "GB"}
PLANS = {"basic": 9.0, "standard": 19.0, "premium": 39.0}
CHANNELS = ["web", "store", "partner"]
FIRST_MONTH = date(2023, 1, 1)


@dataclass(frozen=True)
class SourceTables:
    customers: pd.DataFrame
    activity: pd.DataFrame


def month_start(index: int) -> date:
    year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
    return date(FIRST_MONTH.year + year, month + 1, 1)


def resident_registration_number(birth: date, female: bool, rng: np.random.Generator) -> str:
    """YYMMDD-GNNNNNN with the century/sex digit G; the rest random, as issued since 2020."""
    century_digit = (1 if birth.year < 2000 else 3) + int(female)
    serial = "".join(str(d) for d in rng.integers(0, 10, size=6))
    return f"{birth:%y%m%d}-{century_digit}{serial}"


def generate(customers: int = 2000, months: int = 24, seed: int = 42) -> SourceTables:
    rng = np.random.default_rng(seed)
    faker = Faker(list(LOCALES))
    faker.seed_instance(seed)

    locales = rng.choice(list(LOCALES), size=customers, p=list(LOCALES.values()))
    plans = rng.choice(list(PLANS), size=customers, p=[0.5, 0.35, 0.15])
    signup = rng.integers(0, months - 6, size=customers)
    birth_years = rng.integers(1950, 2005, size=customers)
    female = rng.random(customers) < 0.5
    engagement = rng.gamma(shape=2.0, scale=4.0, size=customers)  # sessions a month, on average

    people = []
    # A progress bar for large samples (Faker makes ~10,000 people a second); none for small ones.
    rows = track(
        enumerate(locales),
        total=customers,
        description="customers",
        disable=customers < 20_000,
        transient=True,
    )
    for i, locale in rows:
        person = faker[locale]
        birth = date(int(birth_years[i]), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
        people.append(
            {
                "customer_id": 100_000 + i,
                "full_name": person.name(),
                "email": person.email(),
                "phone": person.phone_number(),
                "resident_registration_number": (
                    resident_registration_number(birth, bool(female[i]), rng)
                    if locale == "ko_KR"
                    else None
                ),
                "birth_date": birth,
                "country": COUNTRY[locale],
                "acquisition_channel": CHANNELS[int(rng.integers(0, len(CHANNELS)))],
                "plan": plans[i],
                "monthly_fee": PLANS[plans[i]],
                "signup_month": int(signup[i]),
            }
        )

    activity, cancelled = _simulate_activity(rng, plans, signup, engagement, months)
    table = pd.DataFrame(people)
    table["cancelled_month"] = pd.array(cancelled, dtype="Int64")
    return SourceTables(customers=table, activity=activity)


def _simulate_activity(rng, plans, signup, engagement, months):
    """Month by month, vectorised over customers: use, tickets, late payments, spend, churn."""
    n = len(plans)
    fee = np.array([PLANS[p] for p in plans])
    cancelled = np.full(n, None, dtype=object)
    active = np.zeros(n, dtype=bool)
    tickets_recent = np.zeros(n)
    late_recent = np.zeros(n)
    rows = []
    for month in range(months):
        active |= signup == month
        alive = active & (cancelled == None)  # noqa: E711 (element-wise on an object array)
        ids = np.flatnonzero(alive)
        if ids.size == 0:
            continue
        drift = 1.0 - 0.015 * (month - signup[ids])  # use fades with tenure
        sessions = rng.poisson(np.clip(engagement[ids] * drift, 0.2, None))
        tickets = rng.poisson(0.15 + 0.4 * (sessions < 2))
        late = rng.random(ids.size) < 0.04 + 0.05 * (plans[ids] == "premium")
        spend = np.round(fee[ids] + rng.gamma(1.5, 2.0, ids.size) * sessions / 4, 2)
        rows.append(
            pd.DataFrame(
                {
                    "customer_id": 100_000 + ids,
                    "month_index": month,
                    "month_start": month_start(month),
                    "sessions": sessions,
                    "support_tickets": tickets,
                    "late_payment": late,
                    "spend": spend,
                }
            )
        )
        # Recent trouble (decaying memory of tickets and late payments) and low use drive churn.
        tickets_recent[ids] = 0.6 * tickets_recent[ids] + tickets
        late_recent[ids] = 0.6 * late_recent[ids] + late
        logit = -3.2 + 1.2 * tickets_recent[ids] + 2.0 * late_recent[ids]
        logit -= 1.0 * np.log1p(sessions) + 0.03 * (month - signup[ids])
        logit += np.where(plans[ids] == "basic", 0.6, 0.0)
        churns = rng.random(ids.size) < 1 / (1 + np.exp(-logit))
        cancelled[ids[churns]] = month
    return pd.concat(rows, ignore_index=True), cancelled
