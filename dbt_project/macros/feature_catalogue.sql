{#- The feature catalogue, in YAML: the one definition of every feature the warehouse knows. It drives the
    per-input feature models (which features each input yields, in this order), the candidate features
    (macro candidate_feature_specs) with their labels and definitions (int_feature_candidates_listed, which
    segment names, traits, feature_summary and the reports read), and the generated feature documentation
    (docs/features.md, the README's feature list and the dbt docs blocks in
    dbt_project/models/_feature_docs.md: `python -m segwarehouse feature-docs` writes them).

    Per feature: kind: behaviour (a count, amount or number of days: log1p when skewed), ratio (a rate,
    share or average of a ratio: never log-transformed) or flag (1 or 0: whether the input has the
    customer at all; never transformed). fill: the value of a customer the input has no value
    for (absent from the input, or undefined for the customer): zero (no activity: counts, amounts, rates)
    or median (unknown: a number of days, or a customer-table feature). A customer the invoice lines do not
    have has no recency: giving it the largest one would make it look lapsed, so it gets the median and its
    zero orders say that it never bought (absence is information, not an extreme value).
    requires: optional columns (of the same input) or other inputs the feature cannot do without
    ('input:<name>', or 'input:another': any other input, without which every customer has the input).
    label: the feature in words; high_label / low_label: a segment well above / below the mean, used in segment
    names and traits. definition: what the value is.

    The customer table's features are whatever var customer_features names (and var derived_ratios): a
    configured column is a behaviour, a derived ratio a ratio, both filled with the median. The entries
    under 'customers' only label and define the columns of the demo's customer table, used when those names
    are configured. -#}
{% macro feature_catalogue() %}
{%- set catalogue_yaml -%}
transactions:
  - name: recency_days
    kind: behaviour
    fill: median
    label: days since last purchase
    high_label: Lapsed
    low_label: Recent buyers
    definition: Days from the date of the customer's last valid purchase to as_of_date (>= 1 by default).
  - name: frequency
    kind: behaviour
    fill: zero
    label: orders
    high_label: Frequent buyers
    low_label: Rare buyers
    definition: Orders = distinct order_id among the customer's valid purchase lines (>= 1).
  - name: monetary
    kind: behaviour
    fill: zero
    label: spend
    high_label: High spend
    low_label: Low spend
    definition: Sum of quantity x unit_price over the customer's valid purchase lines, currency units (> 0).
  - name: avg_order_value
    kind: behaviour
    fill: zero
    label: order value
    high_label: High order value
    low_label: Low order value
    definition: monetary / frequency, currency units per order.
  - name: tenure_days
    kind: behaviour
    fill: median
    label: customer tenure
    high_label: Long-standing
    low_label: New
    definition: Days from the date of the customer's first valid purchase to as_of_date (>= recency_days).
  - name: returned_value
    kind: behaviour
    fill: zero
    label: returned value
    high_label: High returned value
    low_label: Low returned value
    definition: Sum of |quantity| x unit_price over the customer's accepted return lines, currency units (0 when
      none).
  - name: return_rate
    kind: ratio
    fill: zero
    label: return rate
    high_label: Many returns
    low_label: Few returns
    definition: returned_value / monetary (0 = no returns; above 1 when returns refer to purchases made before
      the data starts).
  - name: distinct_products
    kind: behaviour
    fill: zero
    requires:
      - product_id
    label: distinct products bought
    high_label: Broad assortment
    low_label: Narrow assortment
    definition: Distinct product_id among valid purchase lines; NULL without a product_id column.
  - name: discount_value_share
    kind: ratio
    fill: zero
    requires:
      - discount_amount
    label: discount share of spend
    high_label: Discount-heavy spend
    low_label: Full-price spend
    definition: Sum of discount_amount / monetary over valid purchase lines; NULL without discount_amount.
  - name: has_purchased
    kind: flag
    fill: zero
    requires:
      - input:another
    label: has purchased
    high_label: Buyers
    low_label: Never bought
    definition: '1 for a customer with a valid purchase line before as_of_date, 0 for one the invoice lines do
      not have (known from another input): absence, not an extreme value.'
events:
  - name: event_count
    kind: behaviour
    fill: zero
    label: events
    high_label: Very active online
    low_label: Rarely online
    definition: Accepted events.
  - name: view_count
    kind: behaviour
    fill: zero
    label: product views
    high_label: Many views
    low_label: Few views
    definition: Events of type view.
  - name: cart_count
    kind: behaviour
    fill: zero
    label: add-to-cart events
    high_label: Many cart adds
    low_label: Few cart adds
    definition: Events of type cart (add to cart).
  - name: remove_from_cart_count
    kind: behaviour
    fill: zero
    label: cart removals
    high_label: Many cart removals
    low_label: Few cart removals
    definition: Events of type remove_from_cart.
  - name: purchase_count
    kind: behaviour
    fill: zero
    label: purchase events
    high_label: Many purchases
    low_label: Few purchases
    definition: Events of type purchase.
  - name: other_event_count
    kind: behaviour
    fill: zero
    label: other events
    high_label: Many other events
    low_label: Few other events
    definition: Events of any other type (not in var event_type_map).
  - name: view_to_cart_rate
    kind: ratio
    fill: zero
    label: view-to-cart conversion
    high_label: Adds views to cart
    low_label: Views without adding
    definition: cart_count / view_count (0 without views).
  - name: cart_to_purchase_rate
    kind: ratio
    fill: zero
    label: cart-to-purchase conversion
    high_label: Converts carts
    low_label: Abandons carts
    definition: purchase_count / cart_count (0 without carts; a purchase needs no logged cart event, so it can
      exceed 1).
  - name: view_to_purchase_rate
    kind: ratio
    fill: zero
    label: view-to-purchase conversion
    high_label: Converts views
    low_label: Rarely converts views
    definition: purchase_count / view_count (0 without views; can exceed 1).
  - name: cart_removal_rate
    kind: ratio
    fill: zero
    label: cart removal rate
    high_label: Often empties carts
    low_label: Keeps carts
    definition: remove_from_cart_count / cart_count (0 without carts).
  - name: session_count
    kind: behaviour
    fill: zero
    label: sessions
    high_label: Many sessions
    low_label: Few sessions
    definition: 'Sessions: events with one session_id, or without one, events less than var session_timeout_minutes
      apart (int_events_sessionized).'
  - name: purchase_session_count
    kind: behaviour
    fill: zero
    label: sessions with a purchase
    high_label: Many buying sessions
    low_label: Few buying sessions
    definition: Sessions with at least one purchase event.
  - name: events_per_session
    kind: behaviour
    fill: zero
    label: events per session
    high_label: Long sessions (events)
    low_label: Short sessions (events)
    definition: event_count / session_count.
  - name: views_per_session
    kind: behaviour
    fill: zero
    label: views per session
    high_label: Many views per session
    low_label: Few views per session
    definition: view_count / session_count.
  - name: avg_session_minutes
    kind: behaviour
    fill: zero
    label: session length
    high_label: Long sessions
    low_label: Short sessions
    definition: Mean session duration (first to last event), minutes.
  - name: max_session_minutes
    kind: behaviour
    fill: zero
    label: longest session
    high_label: Very long longest session
    low_label: Short longest session
    definition: Longest session, minutes.
  - name: bounce_session_share
    kind: ratio
    fill: zero
    label: bounce share
    high_label: Often bounces
    low_label: Rarely bounces
    definition: Share of sessions with a single event.
  - name: cart_session_share
    kind: ratio
    fill: zero
    label: sessions with a cart add
    high_label: Often adds to cart
    low_label: Rarely adds to cart
    definition: Share of sessions with an add to cart.
  - name: purchase_session_share
    kind: ratio
    fill: zero
    label: sessions with a purchase
    high_label: Often buys when visiting
    low_label: Rarely buys when visiting
    definition: Share of sessions with a purchase.
  - name: active_days
    kind: behaviour
    fill: zero
    label: active days
    high_label: Many active days
    low_label: Few active days
    definition: Distinct dates with an event.
  - name: events_per_active_day
    kind: behaviour
    fill: zero
    label: events per active day
    high_label: Intense days
    low_label: Light days
    definition: event_count / active_days.
  - name: sessions_per_active_day
    kind: ratio
    fill: zero
    label: sessions per active day
    high_label: Several visits a day
    low_label: One visit a day
    definition: session_count / active_days.
  - name: days_since_last_event
    kind: behaviour
    fill: median
    label: days since last visit
    high_label: Lapsed visitors
    low_label: Recent visitors
    definition: Days from the date of the last event to as_of_date (>= 0).
  - name: days_since_first_event
    kind: behaviour
    fill: median
    label: days since first visit
    high_label: Long-time visitors
    low_label: New visitors
    definition: Days from the date of the first event to as_of_date.
  - name: avg_days_between_sessions
    kind: behaviour
    fill: zero
    label: days between visits
    high_label: Infrequent visits
    low_label: Frequent visits
    definition: (last session start - first session start) / (sessions - 1), days; 0 with one session.
  - name: night_share
    kind: ratio
    fill: zero
    label: share of events at night
    high_label: Night owls
    low_label: Rarely at night
    definition: Share of events between 00:00 and 05:59, by the wall-clock time written.
  - name: morning_share
    kind: ratio
    fill: zero
    label: share of events in the morning
    high_label: Morning visitors
    low_label: Rarely mornings
    definition: Share of events between 06:00 and 11:59, by the wall-clock time written.
  - name: afternoon_share
    kind: ratio
    fill: zero
    label: share of events in the afternoon
    high_label: Afternoon visitors
    low_label: Rarely afternoons
    definition: Share of events between 12:00 and 17:59, by the wall-clock time written.
  - name: evening_share
    kind: ratio
    fill: zero
    label: share of events in the evening
    high_label: Evening visitors
    low_label: Rarely evenings
    definition: Share of events between 18:00 and 23:59, by the wall-clock time written.
  - name: weekend_share
    kind: ratio
    fill: zero
    label: share of events at weekends
    high_label: Weekend visitors
    low_label: Weekday visitors
    definition: Share of events on Saturdays and Sundays.
  - name: distinct_products_viewed
    kind: behaviour
    fill: zero
    requires:
      - product_id
    label: distinct products viewed
    high_label: Browses widely
    low_label: Browses narrowly
    definition: Distinct product_id viewed.
  - name: distinct_products_purchased
    kind: behaviour
    fill: zero
    requires:
      - product_id
    label: distinct products bought online
    high_label: Buys widely
    low_label: Buys narrowly
    definition: Distinct product_id purchased.
  - name: distinct_event_products
    kind: behaviour
    fill: zero
    requires:
      - product_id
    label: distinct products seen
    high_label: Sees many products
    low_label: Sees few products
    definition: Distinct product_id over all events.
  - name: distinct_categories
    kind: behaviour
    fill: zero
    requires:
      - category
    label: distinct categories
    high_label: Many categories
    low_label: Few categories
    definition: Distinct categories over all events.
  - name: purchase_value
    kind: behaviour
    fill: zero
    requires:
      - price
    label: online purchase value
    high_label: High online spend
    low_label: Low online spend
    definition: Sum of price over purchase events.
  - name: cart_value
    kind: behaviour
    fill: zero
    requires:
      - price
    label: value added to cart
    high_label: High cart adds
    low_label: Low cart adds
    definition: Sum of price over cart events.
  - name: avg_purchase_price
    kind: behaviour
    fill: zero
    requires:
      - price
    label: price of items bought
    high_label: Buys pricey items
    low_label: Buys cheap items
    definition: Mean price over purchase events (0 without purchases).
  - name: avg_viewed_price
    kind: behaviour
    fill: zero
    requires:
      - price
    label: price of items viewed
    high_label: Views pricey items
    low_label: Views cheap items
    definition: Mean price over view events (0 without views).
  - name: has_browsed
    kind: flag
    fill: zero
    requires:
      - input:another
    label: has visited online
    high_label: Online visitors
    low_label: Never online
    definition: 1 for a customer with an accepted event before as_of_date, 0 for one the events do not have (known
      from another input).
coupon_redemptions:
  - name: coupon_redemptions
    kind: behaviour
    fill: zero
    label: coupon redemptions
    high_label: Many coupons
    low_label: Few coupons
    definition: Accepted redemptions before the as-of date.
  - name: days_since_last_redemption
    kind: behaviour
    fill: median
    label: days since last coupon
    high_label: Coupon lapsed
    low_label: Recent coupon use
    definition: Days from the date of the last redemption to as_of_date.
  - name: distinct_coupons
    kind: behaviour
    fill: zero
    requires:
      - coupon_id
    label: distinct coupons
    high_label: Many different coupons
    low_label: Few different coupons
    definition: Distinct coupon_id redeemed (NULL without coupon_id).
  - name: coupon_discount_amount
    kind: behaviour
    fill: zero
    requires:
      - discount_amount
    label: coupon discount value
    high_label: High coupon savings
    low_label: Low coupon savings
    definition: Sum of discount_amount, currency units (NULL without discount_amount).
  - name: coupon_redemptions_per_order
    kind: ratio
    fill: zero
    requires:
      - input:transactions
    label: coupon redemptions per order
    high_label: Coupon-driven
    low_label: Rarely uses coupons
    definition: coupon_redemptions / frequency (orders from the transactions input); NULL when the customer has
      no valid purchase.
  - name: coupon_discount_share
    kind: ratio
    fill: zero
    requires:
      - discount_amount
      - input:transactions
    label: coupon discount share of spend
    high_label: Coupon-heavy spend
    low_label: Little coupon spend
    definition: 'coupon_discount_amount / monetary (spend from the transactions input): discount value per unit
      of spend; NULL without either.'
customers:
  - name: total_purchases
    label: purchases
    high_label: Many purchases
    low_label: Few purchases
    definition: Purchases of the customer, as the customer table gives them.
  - name: avg_cart_value
    label: cart value
    high_label: High cart value
    low_label: Low cart value
    definition: Mean cart value of the customer, as the customer table gives it, currency units.
  - name: total_time_spent
    label: time on site
    high_label: Much time on site
    low_label: Little time on site
    definition: Time the customer spent on the site, as the customer table gives it.
  - name: product_click
    label: product clicks
    high_label: Many clicks
    low_label: Few clicks
    definition: Product clicks of the customer, as the customer table gives them.
  - name: discount_count
    label: discounts used
    high_label: Many discounts
    low_label: Few discounts
    definition: Purchases made with a discount, as the customer table gives them.
  - name: discount_share
    label: discount share of purchases
    high_label: Discount-driven
    low_label: Rarely discounted
    definition: discount_count / total_purchases (a derived ratio, var derived_ratios).
{%- endset -%}
    {{ return(fromyaml(catalogue_yaml)) }}
{% endmacro %}
