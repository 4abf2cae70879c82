"""`make bench`: the warehouse build against the notebook recipe at 100k, 1M and 10M customers, and
clickstream events to features at 5M and 50M events. See docs/performance.md."""
