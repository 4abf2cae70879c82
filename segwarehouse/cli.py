"""Command line: `python -m segwarehouse demo [--customers N] [--personas 3|4|5] [--seed S] [--out DIR]`."""

from __future__ import annotations

import argparse
import sys

from segwarehouse.demo_data import PERSONA_SHARES, write_demo_customers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="segwarehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="write the demo customer table and its ground truth")
    demo.add_argument("--customers", type=int, default=20_000, help="number of customers (default 20000)")
    demo.add_argument("--personas", type=int, default=3, choices=sorted(PERSONA_SHARES))
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--out", default="data/demo", help="output directory (default data/demo)")
    args = parser.parse_args(argv)

    if args.command == "demo":
        customers, truth = write_demo_customers(args.out, args.customers, args.personas, args.seed)
        print(f"wrote {customers} ({args.customers} customers, {args.personas} personas) and {truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
