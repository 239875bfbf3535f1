"""Entry point. Pulumi runs `infra/` as the program directory, so put the repo root on sys.path first."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra.program import main

main()
