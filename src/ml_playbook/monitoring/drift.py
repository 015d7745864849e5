"""Distribution shift between a reference (training) sample and a served sample, per
feature and for the predictions: the population stability index (PSI, the rule), with the
Kolmogorov-Smirnov test (numbers) and the chi-squared test (categories) for context."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Floor for an empty bin's share: PSI takes log(share), and an empty bin must not be -inf.
EMPTY_SHARE = 1e-4


@dataclass(frozen=True)
class Shift:
    name: str
    kind: str  # numeric or categorical
    psi: float
    test: str  # ks or chi2
    statistic: float
    p_value: float


def _psi(expected: np.ndarray, actual: np.ndarray) -> float:
    expected = np.clip(expected, EMPTY_SHARE, None)
    actual = np.clip(actual, EMPTY_SHARE, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def numeric_shift(name: str, reference: pd.Series, current: pd.Series, bins: int) -> Shift:
    ref = reference.dropna().to_numpy(dtype=float)
    cur = current.dropna().to_numpy(dtype=float)
    # Bins at the reference's quantiles (each holds ~1/bins of it); open at both ends.
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    edges = np.concatenate(([-np.inf], inner, [np.inf]))
    expected = np.histogram(ref, edges)[0] / len(ref)
    actual = np.histogram(cur, edges)[0] / len(cur)
    from scipy import stats  # ~0.7 s to import: only where a shift is measured

    result = stats.ks_2samp(ref, cur)
    return Shift(name, "numeric", _psi(expected, actual), "ks", result.statistic, result.pvalue)


def categorical_shift(name: str, reference: pd.Series, current: pd.Series) -> Shift:
    ref = reference.astype("string").fillna("<missing>").value_counts()
    cur = current.astype("string").fillna("<missing>").value_counts()
    categories = ref.index.union(cur.index)
    ref, cur = ref.reindex(categories, fill_value=0), cur.reindex(categories, fill_value=0)
    expected, actual = ref.to_numpy() / ref.sum(), cur.to_numpy() / cur.sum()
    table = np.vstack([ref.to_numpy(), cur.to_numpy()])
    from scipy import stats

    chi2, p_value = stats.chi2_contingency(table)[:2] if len(categories) > 1 else (0.0, 1.0)
    return Shift(name, "categorical", _psi(expected, actual), "chi2", float(chi2), float(p_value))
