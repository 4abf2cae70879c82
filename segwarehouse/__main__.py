import sys

from segwarehouse.cli import main

sys.exit(main())
