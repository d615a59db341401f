"""Text fields of the codebook editor and the audit log (manage/codebook, manage/audit), for
the hostile-strings test.
"""

from sqlalchemy import func, select

from observations import text
from observations.models import Category, Code
from tests.access.hostile_fields import (
    Field,
    Outcome,
    judge_page,
    judge_refusal,
    judge_shown,
    judge_stored,
)

CODE_FIELDS = {"label_nl": "wachten", "label_en": "waiting", "position": "10"}


def _base(bench) -> str:
    """The codebook editor of study A."""
    return f"/studies/{bench.world['study a']}/manage/codebook"


def _code_text(bench, hostile, target: str) -> Outcome:
    """Edit study A's code with the hostile string in one of its text fields."""
    outcome = Outcome()
    code_id = bench.world["code of study a"]
    number = bench.next_number()
    fields = {**CODE_FIELDS, "label_nl": f"wachten {number}", "description_en": f"kept {number}"}
    fields[target] = hostile.value
    answer = bench.post("coordinator_a", f"{_base(bench)}/codes/{code_id}", fields)
    if answer.status_code != 302:
        kept = tuple(v for k, v in fields.items() if k != target and k != "position")
        judge_refusal(outcome, answer, hostile, kept=kept)
        return outcome
    judge_stored(
        outcome, bench.scalar(select(getattr(Code, target)).filter_by(id=code_id)), hostile, True
    )
    page = judge_page(outcome, bench.get("coordinator_a", f"{_base(bench)}/codes/{code_id}"))
    judge_shown(outcome, page, "the code's page")
    if target.startswith("label"):
        judge_shown(
            outcome, judge_page(outcome, bench.get("coordinator_a", _base(bench))), "the codebook"
        )
    return outcome


def _category_label(bench, hostile) -> Outcome:
    """Edit study A's category with the hostile string as its Dutch label."""
    outcome = Outcome()
    category_id = bench.world["category of study a"]
    fields = {"label_nl": hostile.value, "label_en": "Activity", "position": "6"}
    answer = bench.post("coordinator_a", f"{_base(bench)}/categories/{category_id}", fields)
    if answer.status_code != 302:
        judge_refusal(outcome, answer, hostile, kept=("Activity",))
        return outcome
    stored = bench.scalar(select(Category.label_nl).filter_by(id=category_id))
    judge_stored(outcome, stored, hostile, True)
    judge_shown(
        outcome, judge_page(outcome, bench.get("coordinator_a", _base(bench))), "the codebook"
    )
    return outcome


def _new_code_key(bench, hostile) -> Outcome:
    """A new code whose key is the hostile string: only a–z, 0–9 and _ are taken."""
    outcome = Outcome()
    category_id = bench.world["category of study a"]
    before = bench.scalar(select(func.count()).select_from(Code))
    fields = {"code": hostile.value, "label_nl": "nieuw", "label_en": "new", "position": "20"}
    answer = bench.post(
        "coordinator_a", f"{_base(bench)}/categories/{category_id}/codes/new", fields
    )
    if answer.status_code == 302:
        outcome.kind = "stored"
        outcome.fail("a code key outside a–z, 0–9 and _ was taken")
        return outcome
    judge_refusal(outcome, answer, hostile, kept=("nieuw",))
    if bench.scalar(select(func.count()).select_from(Code)) != before:
        outcome.fail("refused, yet a code was added")
    return outcome


def fields(tmp) -> list:
    """This area's text fields (hostile_fields.Field), each with how to set it."""
    longest = text.rule_of(Code.label_nl).longest
    return [
        Field("codebook: code label (Dutch)", lambda b, h: _code_text(b, h, "label_nl"), longest),
        Field("codebook: code label (English)", lambda b, h: _code_text(b, h, "label_en"), longest),
        Field(
            "codebook: code description (Dutch)",
            lambda b, h: _code_text(b, h, "description_nl"),
            text.rule_of(Code.description_nl).longest,
            multiline=True,
        ),
        Field(
            "codebook: category label (Dutch)",
            _category_label,
            text.rule_of(Category.label_nl).longest,
        ),
        Field("codebook: new code's key", _new_code_key, always_refused=True),
    ]
