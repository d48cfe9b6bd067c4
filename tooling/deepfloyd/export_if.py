#!/usr/bin/env python3
"""Entry point: `python tooling/deepfloyd/export_if.py --help`."""

import sys

from if_export.cli import main

if __name__ == "__main__":
    sys.exit(main())
