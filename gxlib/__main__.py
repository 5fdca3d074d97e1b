import sys

from gxlib.cli import main

sys.exit(main())
