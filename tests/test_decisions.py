import pandas as pd

from helpers.decisions import PAYMENT_ADVICE, payment_advice


def test_payment_advice_reads_lateness_by_company_size():
    payment = pd.DataFrame(
        {
            "avg_days_late": [40.0, 40.0, 40.0, 40.0, 40.0, 15.0, 200.0, None],
            "non_payer": [False, False, False, False, False, False, True, False],
        },
        index=list("abcdefgh"),
    )
    size = pd.Series(
        ["large", "small", "micro", "medium", "unknown", "large", "large", "small"],
        index=list("abcdefgh"),
    )
    advice = payment_advice(payment, size, late_payer_days=15)
    # 15 days on average is not more than 15: on time. A large non-payer is still a non-payer.
    assert advice.tolist() == [
        "late_large",
        "late_small",
        "late_small",
        "late_medium",
        "late_unknown_size",
        "on_time",
        "non_payer",
        "no_invoices_due",
    ]
    assert set(advice) <= set(PAYMENT_ADVICE)
