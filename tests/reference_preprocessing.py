"""An independent pandas version of the SQL feature pipeline, for testing the clustering package on
generated data without dbt: dedupe, median imputation, log1p, IQR clipping, ratio, standardization."""

from __future__ import annotations

import numpy as np
import pandas as pd

from segwarehouse.demo_data import FEATURES


def standardized_features(raw: pd.DataFrame, iqr_multiplier: float = 3.0) -> pd.DataFrame:
    customers = raw.drop_duplicates().drop_duplicates("customer_id", keep="last").set_index("customer_id")
    filled = customers[list(FEATURES)].fillna(customers[list(FEATURES)].median())
    columns = {}
    for feature in FEATURES:
        values = np.log1p(filled[feature])
        q1, q3 = values.quantile([0.25, 0.75])
        columns[feature] = values.clip(q1 - iqr_multiplier * (q3 - q1), q3 + iqr_multiplier * (q3 - q1))
    share = (filled["discount_count"] / filled["total_purchases"].replace(0, np.nan)).fillna(0)
    q1, q3 = share.quantile([0.25, 0.75])
    columns["discount_share"] = share.clip(q1 - iqr_multiplier * (q3 - q1), q3 + iqr_multiplier * (q3 - q1))
    frame = pd.DataFrame(columns)
    return (frame - frame.mean()) / frame.std(ddof=0)
