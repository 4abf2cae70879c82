"""Command line:
`python -m segwarehouse demo [--customers N] [--personas 3|4|5] [--seed S] [--out DIR]` writes the demo
customer table; `python -m segwarehouse shop [--customers N] [--seed S] [--out DIR] [--inputs ...]` writes
a shop's transactions, clickstream events, coupon redemptions and customer table with known personas;
`python -m segwarehouse feature-docs [--check]` rewrites (or checks) the documentation generated from the
feature catalogue."""

from __future__ import annotations

import argparse
import json
import sys

from segwarehouse.demo_data import PERSONA_SHARES, write_demo_customers
from segwarehouse.demo_transactions import SHOP_INPUTS, shop_dbt_vars, write_shop
from segwarehouse.feature_catalogue import stale_files, write_generated_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="segwarehouse", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="write the demo customer table and its ground truth")
    demo.add_argument("--customers", type=int, default=20_000, help="number of customers (default 20000)")
    demo.add_argument("--personas", type=int, default=3, choices=sorted(PERSONA_SHARES))
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--out", default="data/demo", help="output directory (default data/demo)")
    shop = commands.add_parser(
        "shop",
        help="write a shop's transactions, events, coupon redemptions and customer table, and the truth",
        description="About 50 transaction lines per customer: 30000 customers give ~1.5 million lines.",
    )
    shop.add_argument("--customers", type=int, default=5_000, help="number of customers (default 5000)")
    shop.add_argument("--seed", type=int, default=42)
    shop.add_argument("--out", default="data/demo/shop", help="output directory (default data/demo/shop)")
    shop.add_argument(
        "--inputs",
        default=",".join(SHOP_INPUTS),
        help=f"comma-separated inputs to write (default all: {','.join(SHOP_INPUTS)})",
    )
    shop.add_argument("--no-compress", action="store_true", help="write plain CSV instead of gzipped CSV")
    feature_docs = commands.add_parser(
        "feature-docs",
        help="write docs/features.md, the dbt docs blocks and the README's feature list from the catalogue",
    )
    feature_docs.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)

    if args.command == "demo":
        customers, truth = write_demo_customers(args.out, args.customers, args.personas, args.seed)
        print(f"wrote {customers} ({args.customers} customers, {args.personas} personas) and {truth}")
    elif args.command == "shop":
        inputs = tuple(name.strip() for name in args.inputs.split(",") if name.strip())
        unknown = sorted(set(inputs) - set(SHOP_INPUTS))
        if unknown:
            parser.error(f"unknown input(s) {', '.join(unknown)}; choose among {', '.join(SHOP_INPUTS)}")
        paths = write_shop(args.out, args.customers, args.seed, inputs, compress=not args.no_compress)
        for name, path in paths.items():
            print(f"wrote {name}: {path}")
        print("build with: .venv/bin/dbt build --vars '" + json.dumps(shop_dbt_vars(paths)) + "'")
    elif args.command == "feature-docs":
        if args.check:
            stale = stale_files()
            for path in stale:
                print(f"stale: {path} (run `python -m segwarehouse feature-docs`)", file=sys.stderr)
            return 1 if stale else 0
        for path in write_generated_files():
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
