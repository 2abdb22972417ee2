import sys

from bookbuilder.cli import main

sys.exit(main())
