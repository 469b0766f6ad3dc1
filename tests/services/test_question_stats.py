"""The discrimination index's arithmetic over (rest score, answers, right) blocks."""

from __future__ import annotations

from quiz.services.question_stats import QuestionStats, discrimination, flags_of


def test_discrimination_splits_tied_scores_across_a_groups_edge():
    # 10 answers → groups of 3. Top block (rest 4): 2 answers, both right; next block (rest 2):
    # 4 answers, 2 right, 1 of them inside the upper group → 2 + 2/4 = 2.5 right of 3.
    # Bottom block (rest 0): 4 answers, 1 right, 3 of them inside the lower group → 0.75 of 3.
    blocks = [(4, 2, 2), (2, 4, 2), (0, 4, 1)]
    assert discrimination(blocks) == round((2.5 - 0.75) / 3, 4)
    assert discrimination(list(reversed(blocks))) == discrimination(blocks)  # order-free


def test_discrimination_needs_two_answers():
    assert discrimination([(3, 1, 1)]) is None
    assert discrimination([]) is None


def test_a_question_the_weak_answer_better_is_negative():
    assert discrimination([(4, 5, 0), (0, 5, 5)]) == -1.0


def test_figure_flags_wait_for_the_threshold_but_reports_do_not():
    few = QuestionStats(1, answers=9, correct=9, correct_rate=1.0, discrimination=-0.5)
    assert flags_of(few, min_answers=10) == []
    few.open_reports = 1
    assert flags_of(few, min_answers=10) == ["open_reports"]
    many = QuestionStats(2, answers=10, correct=1, correct_rate=0.1, discrimination=-0.2)
    assert flags_of(many, min_answers=10) == ["too_hard", "negative_discrimination"]
