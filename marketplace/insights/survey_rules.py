"""Pure rules of the annual survey (no Django): checking one organisation's answers and aggregating a year.

Answers arrive as {key: [raw strings]} (what a form posts). `answers_check` returns the stored values:
single → "choice", multiple → ["choice", ...], scale → 1..5, number → Decimal as string, text → "text".

`aggregate` never lets an organisation be picked out (MIN_GROUP = 3):
- a question with fewer than 3 answers shows only that it is suppressed;
- a cell (a choice or a scale step) counted by 1 or 2 organisations is shown as suppressed; when exactly one cell
  of a single-choice or scale question is suppressed, the next-smallest non-zero cell is suppressed too, so the
  hidden count cannot be worked out from the total;
- free text goes only into `texts`, which the pages show to MPS staff alone.
Comparison with last year matches questions by key (and kind): shares per choice, means for scale and number.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MIN_GROUP = 3
SCALE = (1, 2, 3, 4, 5)
MAX_TEXT = 2000
MAX_NUMBER = Decimal("1000000000000")

SINGLE, MULTIPLE, SCALE_KIND, NUMBER, TEXT = "single", "multiple", "scale", "number", "text"
CHOICE_KINDS = frozenset({SINGLE, MULTIPLE})


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    text: str
    choices: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class AnswerError:
    key: str
    code: str  # "required", "choice", "scale", "number", "too_long", "one_only"


def answers_check(
    questions: list[QuestionSpec], raw: dict[str, list[str]]
) -> tuple[dict[str, object], list[AnswerError]]:
    """(values by key, errors). Keys not among the questions are ignored."""
    values: dict[str, object] = {}
    errors: list[AnswerError] = []
    for question in questions:
        given = [value.strip() for value in raw.get(question.key, []) if value is not None and value.strip()]
        if not given:
            if question.required:
                errors.append(AnswerError(question.key, "required"))
            continue
        if question.kind == SINGLE:
            if len(given) > 1:
                errors.append(AnswerError(question.key, "one_only"))
            elif given[0] not in question.choices:
                errors.append(AnswerError(question.key, "choice"))
            else:
                values[question.key] = given[0]
        elif question.kind == MULTIPLE:
            if any(value not in question.choices for value in given):
                errors.append(AnswerError(question.key, "choice"))
            else:
                values[question.key] = [choice for choice in question.choices if choice in given]
        elif question.kind == SCALE_KIND:
            if len(given) > 1 or given[0] not in {str(step) for step in SCALE}:
                errors.append(AnswerError(question.key, "scale"))
            else:
                values[question.key] = int(given[0])
        elif question.kind == NUMBER:
            text = given[0].replace(" ", "").replace("\u00a0", "").replace(",", ".")
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if len(given) > 1 or number is None or not number.is_finite() or abs(number) > MAX_NUMBER:
                errors.append(AnswerError(question.key, "number"))
            else:
                values[question.key] = format(number.normalize(), "f")
        elif question.kind == TEXT:
            if len(given[0]) > MAX_TEXT:
                errors.append(AnswerError(question.key, "too_long"))
            else:
                values[question.key] = given[0]
    return values, errors


# --- aggregation --------------------------------------------------------------------------------------------------


@dataclass
class ResultRow:
    label: str
    count: int | None  # None = suppressed
    share: Decimal | None  # percent of answers, one decimal; None = suppressed
    previous_share: Decimal | None = None


@dataclass
class QuestionResult:
    key: str
    kind: str
    text: str
    n: int
    suppressed: bool
    rows: list[ResultRow] = field(default_factory=list)
    mean: Decimal | None = None
    median: Decimal | None = None
    previous_n: int | None = None
    previous_mean: Decimal | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def mean_change(self) -> Decimal | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean


def _percent(count: int, n: int) -> Decimal:
    return (Decimal(count) * 100 / Decimal(n)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _cells(labels: list[str], counts: dict[str, int], n: int, *, exclusive: bool) -> list[ResultRow]:
    hidden = {label for label in labels if 0 < counts.get(label, 0) < MIN_GROUP}
    if exclusive and len(hidden) == 1:
        others = sorted(
            (counts[label], index, label)
            for index, label in enumerate(labels)
            if label not in hidden and counts.get(label, 0) > 0
        )
        if others:
            hidden.add(others[0][2])
    rows = []
    for label in labels:
        count = counts.get(label, 0)
        if label in hidden:
            rows.append(ResultRow(label, None, None))
        else:
            rows.append(ResultRow(label, count, _percent(count, n)))
    return rows


def _question_result(question: QuestionSpec, answers: list[object]) -> QuestionResult:
    n = len(answers)
    result = QuestionResult(question.key, question.kind, question.text, n, suppressed=n < MIN_GROUP)
    if result.suppressed:
        return result
    if question.kind == SINGLE:
        counts: dict[str, int] = {}
        for value in answers:
            counts[str(value)] = counts.get(str(value), 0) + 1
        result.rows = _cells(list(question.choices), counts, n, exclusive=True)
    elif question.kind == MULTIPLE:
        counts = {}
        for value in answers:
            for choice in value if isinstance(value, list) else [value]:
                counts[str(choice)] = counts.get(str(choice), 0) + 1
        result.rows = _cells(list(question.choices), counts, n, exclusive=False)
    elif question.kind == SCALE_KIND:
        steps = [int(str(value)) for value in answers]
        counts = {str(step): steps.count(step) for step in SCALE}
        result.rows = _cells([str(step) for step in SCALE], counts, n, exclusive=True)
        result.mean = _one_decimal(Decimal(sum(steps)) / Decimal(n))
        result.median = _one_decimal(Decimal(str(statistics.median(steps))))
    elif question.kind == NUMBER:
        numbers = [Decimal(str(value)) for value in answers]
        result.mean = _one_decimal(sum(numbers, Decimal(0)) / Decimal(n))
        result.median = _one_decimal(statistics.median(numbers))
    elif question.kind == TEXT:
        result.texts = sorted(str(value) for value in answers)
    return result


def aggregate(
    questions: list[QuestionSpec],
    responses: list[dict[str, object]],
    *,
    previous_questions: list[QuestionSpec] | None = None,
    previous_responses: list[dict[str, object]] | None = None,
) -> list[QuestionResult]:
    """One result per question, in order; compared with last year's question of the same key and kind."""
    previous_by_key = {q.key: q for q in previous_questions or []}
    results = []
    for question in questions:
        answers = [response[question.key] for response in responses if question.key in response]
        result = _question_result(question, answers)
        before = previous_by_key.get(question.key)
        if before is not None and before.kind == question.kind and not result.suppressed:
            old = _question_result(
                before, [r[before.key] for r in previous_responses or [] if before.key in r]
            )
            result.previous_n = old.n
            if not old.suppressed:
                result.previous_mean = old.mean
                shares = {row.label: row.share for row in old.rows}
                for row in result.rows:
                    row.previous_share = shares.get(row.label)
        results.append(result)
    return results
