"""Generator of a shop's detailed data with known personas: invoice lines, clickstream events, coupon
redemptions and the shop's own customer-level export, all for the same customers.

Every customer belongs to one of five RFM personas (Champions, Loyal Customers, At Risk, New Customers,
Dormant) that drive when and how often they order, how much they spend, how they browse and how often
they redeem coupons. The data carries the flaws real exports have: cancellation invoices ("C" prefix,
negative quantity), lines and events without a customer id (guest checkouts, anonymous visits),
zero-price lines, exact duplicate lines, float-written customer ids ("100123.0") and a few values that do
not parse. The ground truth (customer -> persona) goes to a separate file that only tests read.

Vectorised with numpy: 30,000 customers give about 1.5 million transaction lines in about ten seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SHOP_INPUTS = ("transactions", "events", "coupon_redemptions", "customers")


@dataclass(frozen=True)
class ShopPersona:
    """How a persona buys and browses. Day ranges count back from the end of the data."""

    name: str
    share: float
    first_days_ago: tuple[float, float]
    last_days_ago: tuple[float, float]
    orders: float  # median number of orders (log-normal, at least 1)
    order_value: float  # median order value, currency units
    lines_per_order: float
    return_rate: float  # probability that an order is partly cancelled
    coupon_rate: float  # probability that an order uses a coupon
    browse_sessions_per_order: float
    views_per_session: float
    cart_rate: float  # probability that a view is followed by an add to cart


SHOP_PERSONAS: tuple[ShopPersona, ...] = (
    ShopPersona("Champions", 0.12, (420, 720), (1, 10), 30, 190, 6, 0.05, 0.12, 0.5, 4, 0.35),
    ShopPersona("Loyal Customers", 0.23, (300, 720), (8, 45), 10, 60, 4, 0.06, 0.18, 1.0, 4, 0.25),
    ShopPersona("At Risk", 0.17, (450, 720), (180, 360), 14, 130, 5, 0.08, 0.25, 0.8, 4, 0.25),
    ShopPersona("New Customers", 0.18, (4, 45), (1, 45), 1.5, 55, 3, 0.05, 0.55, 3.0, 6, 0.15),
    ShopPersona("Dormant", 0.30, (300, 720), (300, 600), 1.2, 30, 2, 0.04, 0.08, 1.5, 3, 0.10),
)

N_PRODUCTS = 4_000
N_CATEGORIES = 24
COUPON_CODES = np.array(["SAVE10", "SPRING15", "SUMMER20", "AUTUMN15", "BLACKFRIDAY25", "FREESHIP"])
OTHER_EVENT_TYPES = np.array(["search", "wishlist"])
EVENT_TYPES = np.array(["search", "view", "cart", "remove_from_cart", "purchase"])


@dataclass(frozen=True)
class ShopData:
    transactions: pd.DataFrame
    events: pd.DataFrame
    coupon_redemptions: pd.DataFrame
    customers: pd.DataFrame
    truth: pd.DataFrame


@dataclass(frozen=True)
class _Catalogue:
    weights: np.ndarray
    prices: np.ndarray
    categories: np.ndarray
    product_ids: np.ndarray


def _catalogue(rng: np.random.Generator) -> _Catalogue:
    ranks = np.arange(1, N_PRODUCTS + 1)
    weights = 1.0 / ranks**0.8
    return _Catalogue(
        weights=weights / weights.sum(),
        prices=np.round(np.exp(rng.normal(np.log(4.0), 0.9, N_PRODUCTS)) + 0.25, 2),
        categories=np.array([f"cat_{i:02d}" for i in rng.integers(0, N_CATEGORIES, N_PRODUCTS)]),
        product_ids=np.array([f"P{i:05d}" for i in ranks]),
    )


def _lognormal(rng: np.random.Generator, medians: np.ndarray, spread: float) -> np.ndarray:
    return np.exp(np.log(medians) + rng.normal(0.0, spread, size=len(medians)))


def _format_ts(values: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS' text; Arrow's cast writes exactly that, several times faster than numpy."""
    return pc.cast(pa.array(values.astype("datetime64[s]")), pa.string()).to_numpy(zero_copy_only=False)


def _ids_as_written(ids: np.ndarray, float_written: np.ndarray) -> np.ndarray:
    """Customer ids as the export writes them: some as floats ('100123.0'), as Excel round trips do."""
    written = ids.astype(object).copy()
    written[float_written] = np.char.add(ids[float_written].astype(str), ".0")
    return written


def _within_group_rank(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, ... within each consecutive group of the given sizes."""
    starts = np.repeat(np.cumsum(group_sizes) - group_sizes, group_sizes)
    return np.arange(group_sizes.sum()) - starts


def generate_shop(
    n_customers: int = 5_000,
    seed: int = 42,
    end_date: str = "2025-01-01",
    guest_share: float = 0.15,
    duplicate_rate: float = 0.01,
    zero_price_rate: float = 0.003,
    float_id_share: float = 0.25,
    unparseable_rate: float = 0.0002,
    inputs: tuple[str, ...] = SHOP_INPUTS,
    first_customer_id: int = 100_001,
) -> ShopData:
    """Draw `n_customers` customers of the five SHOP_PERSONAS and their data up to the day before
    `end_date` (which is then the default as-of date). Frames of inputs not asked for are empty.
    Customer ids run from `first_customer_id`, so that blocks drawn separately do not share ids."""
    unknown = set(inputs) - set(SHOP_INPUTS)
    if unknown:
        raise ValueError(f"unknown input(s) {sorted(unknown)}; choose among {', '.join(SHOP_INPUTS)}")
    if n_customers < 10:
        raise ValueError(f"n_customers must be at least 10, got {n_customers}")
    rng = np.random.default_rng(seed)
    end = np.datetime64(end_date, "s")
    catalogue = _catalogue(rng)
    personas = SHOP_PERSONAS
    shares = np.array([p.share for p in personas])
    persona_index = rng.choice(len(personas), size=n_customers, p=shares / shares.sum())

    def pick(attribute: str) -> np.ndarray:
        return np.array([getattr(p, attribute) for p in personas], dtype=float)[persona_index]

    def pick_range(attribute: str) -> np.ndarray:
        bounds = np.array([getattr(p, attribute) for p in personas], dtype=float)[persona_index]
        return rng.uniform(bounds[:, 0], bounds[:, 1])

    customer_ids = np.arange(first_customer_id, first_customer_id + n_customers).astype(str)
    first_ago = pick_range("first_days_ago")
    last_ago = np.minimum(pick_range("last_days_ago"), first_ago)
    n_orders = np.maximum(1, np.round(_lognormal(rng, pick("orders"), 0.35))).astype(int)
    n_orders[first_ago - last_ago < 1] = 1
    last_ago[n_orders == 1] = first_ago[n_orders == 1]
    order_value_median = _lognormal(rng, pick("order_value"), 0.3)

    # --- Orders: the first at first_ago, the last at last_ago, the others in between ------------------
    order_customer = np.repeat(np.arange(n_customers), n_orders)
    rank = _within_group_rank(n_orders)
    span = first_ago[order_customer] - last_ago[order_customer]
    days_ago = last_ago[order_customer] + span * rng.uniform(0, 1, len(order_customer))
    days_ago[rank == 0] = first_ago[order_customer][rank == 0]
    is_last = rank == n_orders[order_customer] - 1
    days_ago[is_last & (rank > 0)] = last_ago[order_customer][is_last & (rank > 0)]
    order_ts = _timestamps(rng, end, days_ago)
    order_value = _lognormal(rng, order_value_median[order_customer], 0.35)
    has_coupon = rng.random(len(order_customer)) < pick("coupon_rate")[order_customer]

    # Guest checkouts: orders without a customer id, spread over the whole period.
    n_guest_orders = int(guest_share * len(order_customer))
    guest_ts = _timestamps(rng, end, rng.uniform(1, 720, n_guest_orders))
    all_order_ts = np.concatenate([order_ts, guest_ts])
    all_order_customer = np.concatenate([order_customer, np.full(n_guest_orders, -1)])
    all_order_value = np.concatenate([order_value, _lognormal(rng, np.full(n_guest_orders, 30.0), 0.5)])
    all_lines_per_order = np.concatenate(
        [pick("lines_per_order")[order_customer], np.full(n_guest_orders, 2.0)]
    )
    order_numbers = 500_000 + np.argsort(np.argsort(all_order_ts, kind="stable"), kind="stable")

    float_written = rng.random(n_customers) < float_id_share
    written_ids = _ids_as_written(customer_ids, float_written)
    written_of = np.append(written_ids, "")  # index -1: a guest (empty id)

    frames: dict[str, pd.DataFrame] = {}
    if "transactions" in inputs or "customers" in inputs:
        frames["transactions"] = _transaction_lines(
            rng,
            catalogue,
            end,
            all_order_customer,
            all_order_ts,
            all_order_value,
            all_lines_per_order,
            order_numbers,
            np.concatenate([has_coupon, np.zeros(n_guest_orders, bool)]),
            np.concatenate([pick("return_rate")[order_customer], np.full(n_guest_orders, 0.03)]),
            written_of,
            zero_price_rate,
            unparseable_rate,
        )
    if "events" in inputs or "customers" in inputs:
        frames["events"] = _events(
            rng,
            catalogue,
            end,
            first_ago,
            last_ago,
            n_orders,
            order_customer,
            order_ts,
            guest_ts,
            {name: pick(name) for name in ("browse_sessions_per_order", "views_per_session", "cart_rate")},
            written_of,
            unparseable_rate,
        )
    if "coupon_redemptions" in inputs or "customers" in inputs:
        frames["coupon_redemptions"] = _coupon_redemptions(
            rng, persona_index, order_customer, order_ts, order_value, has_coupon, rank, written_of, personas
        )

    result = {}
    for name in ("transactions", "events", "coupon_redemptions"):
        frame = frames.get(name)
        if name in inputs and frame is not None:
            result[name] = _with_duplicates(rng, frame, duplicate_rate)
        else:
            result[name] = pd.DataFrame()
    if "customers" in inputs:
        result["customers"] = _customer_table(
            rng,
            customer_ids,
            n_orders,
            order_customer,
            order_value,
            has_coupon,
            frames["events"],
            written_of,
            duplicate_rate,
        )
    else:
        result["customers"] = pd.DataFrame()
    truth = pd.DataFrame({"customer_id": customer_ids, "persona": [personas[i].name for i in persona_index]})
    return ShopData(truth=truth, **result)


def _timestamps(rng: np.random.Generator, end: np.datetime64, days_ago: np.ndarray) -> np.ndarray:
    """Timestamps on the day `days_ago` (rounded up, so strictly before `end`) at a daytime-heavy hour."""
    day = np.ceil(np.maximum(days_ago, 1e-9)).astype(np.int64)
    seconds = np.clip(rng.normal(14.5 * 3600, 3.5 * 3600, len(days_ago)), 0, 86_399).astype(np.int64)
    return end - day * 86_400 + seconds


def _transaction_lines(
    rng: np.random.Generator,
    catalogue: _Catalogue,
    end: np.datetime64,
    order_customer: np.ndarray,
    order_ts: np.ndarray,
    order_value: np.ndarray,
    lines_per_order: np.ndarray,
    order_numbers: np.ndarray,
    has_coupon: np.ndarray,
    return_rate: np.ndarray,
    written_of: np.ndarray,
    zero_price_rate: float,
    unparseable_rate: float,
) -> pd.DataFrame:
    n_lines = 1 + rng.poisson(np.maximum(lines_per_order - 1, 0))
    line_order = np.repeat(np.arange(len(order_customer)), n_lines)
    product = rng.choice(N_PRODUCTS, size=len(line_order), p=catalogue.weights)
    price = catalogue.prices[product]
    target = order_value[line_order] / n_lines[line_order]
    quantity = np.maximum(1, np.round(target / price * rng.uniform(0.6, 1.4, len(line_order)))).astype(int)
    quantity = np.minimum(quantity, 480)
    line_value = quantity * price
    discount_rate = np.where(has_coupon, rng.choice([0.10, 0.15, 0.20], len(order_customer)), 0.0)
    discount = np.round(line_value * discount_rate[line_order], 2)

    # Cancellations: one line of a returned order, partly or fully, a few days later (before the end).
    returned = rng.random(len(order_customer)) < return_rate
    first_line = np.cumsum(n_lines) - n_lines
    cancelled_line = first_line[returned] + rng.integers(0, n_lines[returned])
    cancelled_quantity = -rng.integers(1, quantity[cancelled_line] + 1)
    cancel_ts = np.minimum(
        order_ts[returned] + (rng.uniform(0.2, 6, returned.sum()) * 86_400).astype(np.int64),
        end - 60,
    )

    ids = np.concatenate([line_order, line_order[cancelled_line]])
    lines = pd.DataFrame(
        {
            "InvoiceNo": np.concatenate(
                [order_numbers[line_order].astype(str), np.char.add("C", order_numbers[returned].astype(str))]
            ),
            "StockCode": catalogue.product_ids[np.concatenate([product, product[cancelled_line]])],
            "Quantity": np.concatenate([quantity, cancelled_quantity]).astype(object),
            "InvoiceDate": _format_ts(np.concatenate([order_ts[line_order], cancel_ts])),
            "UnitPrice": np.concatenate([price, price[cancelled_line]]),
            "CustomerID": written_of[order_customer[ids]],
            "Country": _countries(rng, order_customer)[ids],
            "discount_amount": np.concatenate([discount, np.zeros(len(cancelled_line))]),
        }
    )
    zero_price = rng.random(len(lines)) < zero_price_rate
    lines.loc[zero_price, "UnitPrice"] = 0.0
    unparseable = rng.random(len(lines)) < unparseable_rate
    lines.loc[unparseable, "Quantity"] = "n/a"
    return lines.sort_values(["InvoiceDate", "InvoiceNo"], kind="stable").reset_index(drop=True)


def _countries(rng: np.random.Generator, order_customer: np.ndarray) -> np.ndarray:
    """One country per customer (mostly the home market), guests anywhere; indexed by order."""
    n_customers = int(order_customer.max()) + 2
    names = np.array(["United Kingdom", "Germany", "France", "Netherlands", "Spain", "Ireland"])
    home = rng.choice(len(names), size=n_customers, p=[0.82, 0.06, 0.05, 0.03, 0.02, 0.02])
    return names[home[order_customer]]


def _events(
    rng: np.random.Generator,
    catalogue: _Catalogue,
    end: np.datetime64,
    first_ago: np.ndarray,
    last_ago: np.ndarray,
    n_orders: np.ndarray,
    order_customer: np.ndarray,
    order_ts: np.ndarray,
    guest_ts: np.ndarray,
    behaviour: dict[str, np.ndarray],
    written_of: np.ndarray,
    unparseable_rate: float,
) -> pd.DataFrame:
    """Sessions: one ending in a purchase per order, browse-only ones between the customer's first and
    last activity, and anonymous ones (no customer id) around guest orders and beyond."""
    n_customers = len(first_ago)
    n_browse = rng.poisson(n_orders * behaviour["browse_sessions_per_order"])
    browse_customer = np.repeat(np.arange(n_customers), n_browse)
    # Browsing spans the buying period and a few weeks either side of it.
    window_start = np.maximum(last_ago - 20, 0.5)[browse_customer]
    window_end = np.minimum(first_ago + 20, 730)[browse_customer]
    browse_days = window_start + (window_end - window_start) * rng.uniform(0, 1, len(browse_customer))
    browse_ts = _timestamps(rng, end, browse_days)
    n_anonymous = len(guest_ts) + int(0.05 * (len(order_customer) + len(browse_customer)))
    anonymous_ts = np.concatenate(
        [guest_ts, _timestamps(rng, end, rng.uniform(1, 720, n_anonymous - len(guest_ts)))]
    )

    session_customer = np.concatenate([order_customer, browse_customer, np.full(n_anonymous, -1)])
    is_purchase_session = np.concatenate(
        [np.ones(len(order_customer), bool), np.zeros(len(browse_customer) + n_anonymous, bool)]
    )
    anchor_ts = np.concatenate([order_ts, browse_ts, anonymous_ts])
    n_sessions = len(session_customer)
    known = session_customer >= 0
    views_mean = np.where(known, behaviour["views_per_session"][np.maximum(session_customer, 0)], 3.0)
    cart_rate = np.where(known, behaviour["cart_rate"][np.maximum(session_customer, 0)], 0.1)

    views = 1 + rng.poisson(np.maximum(views_mean - 1, 0))
    carts = rng.binomial(views, cart_rate)
    carts[is_purchase_session] = np.maximum(carts[is_purchase_session], 1)
    removes = rng.binomial(carts, 0.15)
    purchases = np.where(is_purchase_session, np.maximum(carts - removes, 1), 0)
    others = rng.poisson(0.4, n_sessions)
    counts = np.column_stack([others, views, carts, removes, purchases])

    per_session = counts.sum(axis=1)
    event_session = np.repeat(np.arange(n_sessions), per_session)
    event_type = np.repeat(np.tile(np.arange(len(EVENT_TYPES)), n_sessions), counts.ravel())
    gaps = rng.exponential(50.0, len(event_session)).astype(np.int64) + 2
    cumulative = np.cumsum(gaps)
    session_start_cum = np.repeat(cumulative[np.cumsum(per_session) - per_session], per_session)
    offset = cumulative - session_start_cum
    duration = np.maximum.reduceat(offset, np.cumsum(per_session) - per_session)
    # A purchase session ends at the order; a browse session starts at its anchor.
    start = np.where(is_purchase_session, anchor_ts - duration.astype(np.int64), anchor_ts)
    event_ts = np.minimum(start[event_session] + offset, end - 1)

    product = rng.choice(N_PRODUCTS, size=len(event_session), p=catalogue.weights)
    type_names = EVENT_TYPES[event_type].astype(object)
    is_other = event_type == 0
    type_names[is_other] = rng.choice(OTHER_EVENT_TYPES, is_other.sum())
    events = pd.DataFrame(
        {
            "user_id": written_of[session_customer[event_session]],
            "event_time": _format_ts(event_ts),
            "event_type": type_names,
            "user_session": pc.binary_join_element_wise(
                "S", pc.cast(pa.array(1_000_000 + event_session), pa.string()), ""
            ).to_numpy(zero_copy_only=False),
            "product_id": np.where(is_other, "", catalogue.product_ids[product]),
            "category_code": np.where(is_other, "", catalogue.categories[product]),
            "price": np.where(is_other, np.nan, catalogue.prices[product]),
        }
    )
    unparseable = rng.random(len(events)) < unparseable_rate
    events.loc[unparseable, "event_time"] = "not a time"
    # Ordered as the text sorts (ISO timestamps, then the unparseable ones), by the numbers: much faster.
    sort_key = np.where(unparseable, np.iinfo(np.int64).max, event_ts.astype(np.int64))
    return events.iloc[np.argsort(sort_key, kind="stable")].reset_index(drop=True)


def _coupon_redemptions(
    rng: np.random.Generator,
    persona_index: np.ndarray,
    order_customer: np.ndarray,
    order_ts: np.ndarray,
    order_value: np.ndarray,
    has_coupon: np.ndarray,
    rank: np.ndarray,
    written_of: np.ndarray,
    personas: tuple[ShopPersona, ...],
) -> pd.DataFrame:
    coupon_orders = np.flatnonzero(has_coupon)
    codes = rng.choice(COUPON_CODES, len(coupon_orders)).astype(object)
    new_index = [p.name for p in personas].index("New Customers")
    welcome = (rank[coupon_orders] == 0) & (persona_index[order_customer[coupon_orders]] == new_index)
    codes[welcome] = "WELCOME10"
    rate = rng.choice([0.10, 0.15, 0.20], len(coupon_orders))
    customer = written_of[order_customer[coupon_orders]].copy()
    missing = rng.random(len(coupon_orders)) < 0.02
    customer[missing] = ""
    return (
        pd.DataFrame(
            {
                "customer_id": customer,
                "redeemed_at": _format_ts(order_ts[coupon_orders]),
                "coupon_code": codes,
                "discount_amount": np.round(order_value[coupon_orders] * rate, 2),
            }
        )
        .sort_values("redeemed_at", kind="stable")
        .reset_index(drop=True)
    )


def _customer_table(
    rng: np.random.Generator,
    customer_ids: np.ndarray,
    n_orders: np.ndarray,
    order_customer: np.ndarray,
    order_value: np.ndarray,
    has_coupon: np.ndarray,
    events: pd.DataFrame,
    written_of: np.ndarray,
    duplicate_rate: float,
) -> pd.DataFrame:
    """The shop's customer-level export (the foundation's columns) for the same customers: orders, mean
    order value, minutes on site, product views and coupon orders, with missing cells and duplicates."""
    n_customers = len(customer_ids)
    known = events["user_id"] != ""
    position = {written: index for index, written in enumerate(written_of[:-1])}
    event_customer = events.loc[known, "user_id"].map(position).to_numpy()
    views = np.bincount(
        event_customer[(events.loc[known, "event_type"] == "view").to_numpy()], minlength=n_customers
    )
    time_spent = np.round(
        np.bincount(event_customer, minlength=n_customers) * 0.9 + rng.gamma(2, 5, n_customers), 1
    )
    table = pd.DataFrame(
        {
            "customer_id": customer_ids,
            "total_purchases": n_orders.astype(float),
            "avg_cart_value": np.round(
                np.bincount(order_customer, weights=order_value, minlength=n_customers) / n_orders, 2
            ),
            "total_time_spent": time_spent,
            "product_click": views.astype(float),
            "discount_count": np.bincount(order_customer, weights=has_coupon, minlength=n_customers),
        }
    )
    missing = rng.random((n_customers, 5)) < 0.02
    for column_index, column in enumerate(table.columns[1:]):
        table.loc[missing[:, column_index], column] = np.nan
    return _with_duplicates(rng, table, duplicate_rate)


def _with_duplicates(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Append exact copies of a random `rate` of the rows, each right after its original."""
    if frame.empty or rate <= 0:
        return frame
    copies = np.flatnonzero(rng.random(len(frame)) < rate)
    order = np.sort(np.concatenate([np.arange(len(frame)), copies]), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as CSV (gzipped when the name ends in .gz) through DuckDB, several times faster than
    pandas for millions of rows. Missing values are written as empty fields."""
    text_columns = {column: "string" for column in frame.columns if frame[column].dtype == object}
    frame = frame.astype(text_columns)
    with duckdb.connect() as connection:
        connection.execute("set enable_progress_bar = false")
        compression = "gzip" if str(path).endswith(".gz") else "none"
        connection.from_df(frame).write_csv(str(path), compression=compression)


SHOP_FILES = {
    "transactions": "transactions.csv.gz",
    "events": "events.csv.gz",
    "coupon_redemptions": "coupon_redemptions.csv.gz",
    "customers": "customers.csv",
}

# The column names of the UCI Online Retail file (canonical name -> file column), which the generated
# invoice lines use too.
ONLINE_RETAIL_COLUMNS: dict[str, str] = {
    "customer_id": "CustomerID",
    "order_id": "InvoiceNo",
    "order_ts": "InvoiceDate",
    "quantity": "Quantity",
    "unit_price": "UnitPrice",
    "product_id": "StockCode",
    "country": "Country",
}

# The dbt column maps of the generated files (canonical name -> file column).
SHOP_COLUMN_MAPS: dict[str, dict[str, str]] = {
    "transactions": ONLINE_RETAIL_COLUMNS,
    "events": {
        "customer_id": "user_id",
        "event_ts": "event_time",
        "session_id": "user_session",
        "category": "category_code",
    },
    "coupon_redemptions": {"coupon_id": "coupon_code"},
    "customers": {},
}


def write_shop(
    directory: Path | str,
    n_customers: int = 5_000,
    seed: int = 42,
    inputs: tuple[str, ...] = SHOP_INPUTS,
    compress: bool = True,
) -> dict[str, Path]:
    """Write the asked inputs and `truth.csv` (customer_id, persona) into `directory`; returns the paths
    by input name (and 'truth'). With compress=False the CSV files are written uncompressed."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = generate_shop(n_customers=n_customers, seed=seed, inputs=inputs)
    paths: dict[str, Path] = {}
    for name in inputs:
        filename = SHOP_FILES[name] if compress else SHOP_FILES[name].removesuffix(".gz")
        paths[name] = directory / filename
        write_csv(getattr(data, name), paths[name])
    paths["truth"] = directory / "truth.csv"
    data.truth.to_csv(paths["truth"], index=False)
    return paths


def shop_dbt_vars(paths: dict[str, Path]) -> dict[str, object]:
    """The dbt vars that point the warehouse at written shop files: `<input>_path` and `<input>_columns`."""
    variables: dict[str, object] = {}
    for name in SHOP_INPUTS:
        if name in paths:
            variables[f"{name}_path"] = str(paths[name])
            if SHOP_COLUMN_MAPS[name]:
                variables[f"{name}_columns"] = SHOP_COLUMN_MAPS[name]
    return variables
