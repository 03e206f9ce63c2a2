"""Entry point of the Python language host: the `pulumi-language-python` launcher runs this file.

Run as a script, it has its own directory first on sys.path, and `pachca_langhost` lives there (in
langhost/ of the repo, and beside `pulumi` once scripts/ensure-pulumi-cli installed it). Importing
it does nothing.
"""

from __future__ import annotations

import os
import sys

from pachca_langhost.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], home=os.path.dirname(os.path.abspath(__file__))))
