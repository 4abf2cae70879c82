select * from values ('a', 2, 10.0), ('a', 1, 5.5), ('b', 4, 1.25), ('c', 1, 100.0)
    as orders(customer_id, quantity, unit_price)
