"""What to do about a customer: advice that follows from the measures and the domain's rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

PAYMENT_ADVICE = {
    "non_payer": "Stop work and collect what is owed",
    "late_large": "Late by policy, as large companies are: negotiate terms or accept",
    "late_small": "Invoice earlier and more often",
    "late_medium": "Ask why payment is late, then agree terms",
    "late_unknown_size": "Find out the company's size: large pay late by policy, small need "
    "earlier invoices",
    "on_time": "No action",
    "no_invoices_due": "Nothing due in the period",
}


def payment_advice(
    payment: pd.DataFrame, size_band: pd.Series, late_payer_days: float
) -> pd.Series:
    """The payment advice key (see ``PAYMENT_ADVICE``) for each customer, read by company size.

    A non-payer comes first, whatever its size. A late payer pays on average more than
    ``late_payer_days`` days beyond terms; large companies do so by policy, small and micro
    ones usually because they are invoiced too late or too rarely.
    """
    late = payment["avg_days_late"] > late_payer_days
    size = size_band.reindex(payment.index)
    key = np.select(
        [
            payment["non_payer"],
            late & (size == "large"),
            late & size.isin(["small", "micro"]),
            late & (size == "medium"),
            late,
            payment["avg_days_late"].notna(),
        ],
        ["non_payer", "late_large", "late_small", "late_medium", "late_unknown_size", "on_time"],
        default="no_invoices_due",
    )
    return pd.Series(key, index=payment.index, dtype="string")
