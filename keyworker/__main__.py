import sys

from keyworker.cli import main

sys.exit(main())
