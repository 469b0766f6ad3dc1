"""question_bank must stay usable without the web stack."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import sys
import question_bank
bank = question_bank.read_bank(question_bank.build_template_xlsx(examples_marked=False), "t.xlsx")
question_bank.read_bank("题型,题干,答案,分类\\n判断,x,对,y\\n".encode(), "t.csv")
web = sorted(m for m in sys.modules if m.split(".")[0] in {"flask", "sqlalchemy", "werkzeug"})
print(",".join(web))
"""


def test_importing_and_using_question_bank_loads_no_flask_or_sqlalchemy():
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
