"""The bundle's entry point: the same ``assetdesk`` command as the installed console script."""

import sys

from ui.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
