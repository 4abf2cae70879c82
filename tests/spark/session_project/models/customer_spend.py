"""Spend per customer, computed in pandas on the driver from a Spark DataFrame: the round trip a project
Python model makes (ref -> pyspark DataFrame -> pandas -> table)."""


def model(dbt, session):
    orders = dbt.ref("orders").toPandas()
    orders["spend"] = orders["quantity"] * orders["unit_price"]
    spend = orders.groupby("customer_id", as_index=False).agg(
        orders=("spend", "size"), spend=("spend", "sum")
    )
    # The session is the build's own: a table the SQL model wrote is visible to it.
    spend["orders_in_session"] = session.table("session_check.orders").count()
    return spend.sort_values("customer_id")
