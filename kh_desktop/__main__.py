import sys

from kh_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
