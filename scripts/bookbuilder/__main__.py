import gc
import sys

from bookbuilder import bug

try:
    from bookbuilder.cli import main
except KeyboardInterrupt:  # Ctrl-C while the builder loads (about a second), before main() can
    print(bug.stopped(" ".join(sys.argv[1:])), flush=True)  # `make`'s arguments: `build html`
    sys.exit(bug.EX_INTERRUPTED)

status = main()
# The process ends: Python's last cycle collection, at exit, need not go through everything
# the command made (a build's environment: about 0.3 s at 1,000 reports, measured).
gc.freeze()
sys.exit(status)
