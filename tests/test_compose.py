"""From checked sentences and evidence to the shown answer: hand-checkable cases with a fake similarity."""

from assistant.answer.asked_for import kind_share
from assistant.answer.compose import ComposeSettings, _quotes, carries, compose
from assistant.answer.evidence import Evidence, lexical_words
from assistant.answer.units import Unit, scored_pieces, units
from assistant.answer.verify import SentenceVerdict, Verification

SETTINGS = ComposeSettings(min_relevance=0.5, min_evidence_relevance=0.9, min_quote_score=0.5)
PAINFUL = Evidence(Unit("It may also cause painful muscle spasms.", "Stiff person syndrome"), 2, 0.9)


def similarity(texts, reference):
    """1.0 for sentences sharing a word of four letters or more with the reference, else 0.0."""
    words = {w for w in reference.lower().split() if len(w) > 3}
    return [1.0 if words & {w for w in t.lower().split() if len(w) > 3} else 0.0 for t in texts]


def kept(text, n=1, restates=False):
    return SentenceVerdict(text, (n,), (n,), 0.9, "judge", restates)


def test_the_checked_sentences_are_shown_and_what_they_miss_is_quoted():
    verification = Verification([kept("Stiff person syndrome can cause pain.")])
    result = compose("Does stiff person syndrome hurt?", verification, [PAINFUL], similarity, SETTINGS)
    assert result.text == ("Stiff person syndrome can cause pain. [1] My sources also say: “Stiff person syndrome: "
                           "It may also cause painful muscle spasms.” [2]")
    assert result.used == [1, 2] and result.quoted == 1


def test_a_sentence_that_only_repeats_the_question_is_replaced_by_the_source():
    verification = Verification([kept("Stiff person syndrome can hurt.", restates=True)])
    result = compose("Does stiff person syndrome hurt?", verification, [PAINFUL], similarity, SETTINGS)
    assert result.text.startswith("Here is what my sources say: “Stiff person syndrome: It may")
    assert result.quoted == len(result.shown) == 1


def test_a_true_sentence_about_something_else_is_not_shown():
    verification = Verification([kept("Write down questions to ask your doctor.")])
    result = compose("Does stiff person syndrome hurt?", verification, [PAINFUL], similarity, SETTINGS)
    assert "Write down" not in result.text


def test_a_first_sentence_about_an_unnamed_this_is_not_shown():
    verification = Verification([kept("This is a syndrome caused by disrupted communication.")])
    result = compose("Why is my dad so wobbly?", verification, [], lambda t, r: [1.0] * len(t), SETTINGS)
    assert result is None


def test_a_first_sentence_whose_they_is_the_questions_they_is_shown():
    """Dev batch 11: "How often will they keep scanning him?" drafted "They will keep scanning him every 3 to
    6 months ..." (checked), and the answer quoted another sentence instead."""
    verification = Verification([kept("They will keep scanning him every 3 to 6 months.")])
    result = compose("How often will they keep scanning him?", verification, [], lambda t, r: [1.0] * len(t),
                     SETTINGS)
    assert result.text == "They will keep scanning him every 3 to 6 months. [1]"


def test_nothing_checked_and_no_good_evidence_gives_no_answer():
    weak = Evidence(Unit("Something else."), 1, 0.2)
    assert compose("q?", Verification([]), [weak], similarity, SETTINGS) is None


def test_carries_counts_only_what_the_evidence_adds_to_the_question():
    unit = Unit("Lambert-Eaton myasthenic syndrome is typically associated with lung cancer.")
    assert carries(["Lambert-Eaton syndrome is usually linked to lung cancer."], unit, "Which cancer goes with LEMS?")
    assert not carries(["Lambert-Eaton syndrome is a syndrome."], unit, "What is LEMS?")


def test_a_list_is_one_evidence_unit_read_after_its_introduction():
    text = "Signs and symptoms may include:\n\n- Difficulty walking\n- Hallucinations"
    assert [u.readable for u in units(text)] == ["Signs and symptoms may include: Difficulty walking; Hallucinations."]


def test_a_sentence_that_goes_on_from_the_one_before_is_quoted_with_it_and_both_are_cited():
    text = ("They are not caused by the cancer spreading. Instead, they occur as a result of the activation of "
            "your immune system.")
    (unit,) = units(text)
    result = compose("Is it the cancer spreading?", Verification([]), [Evidence(unit, 3, 0.9)], similarity, SETTINGS)
    assert result.text == ("Here is what my sources say: “They are not caused by the cancer spreading.” [3] "
                           "“Instead, they occur as a result of the activation of your immune system.” [3]")
    assert result.quoted == len(result.shown) == 2


def test_a_sentence_of_a_paragraph_that_opens_with_a_condition_is_never_quoted_without_it():
    text = ("PET plus CT may find small cancers.\n\nIf no malignant tumor is located, the problem may still be related "
            "to a tumor that is too small to find. You'll likely have follow-up imaging tests every 3 to 6 months.")
    assert [u.text for u in units(text)] == [
        "PET plus CT may find small cancers.",
        "If no malignant tumor is located, the problem may still be related to a tumor that is too small to find. "
        "You'll likely have follow-up imaging tests every 3 to 6 months."]
    text = "Your doctor will order scans of your chest. If a tumor is found, it is treated. It is rare."
    assert [u.text for u in units(text)] == [
        "Your doctor will order scans of your chest.", "If a tumor is found, it is treated.", "It is rare."]


def test_a_sentence_that_goes_on_with_what_else_the_doctor_may_do_is_read_with_the_one_before():
    """Dev batch 14: "how do the doctors know for sure" was told of the exam and blood tests, not the rest."""
    text = ("To diagnose it, your doctor will conduct a physical exam and order blood tests. He or she may also "
            "need to request a spinal tap or imaging tests.\n\nHe or she will ask you questions.")
    assert [u.text for u in units(text)] == [
        "To diagnose it, your doctor will conduct a physical exam and order blood tests. He or she may also need "
        "to request a spinal tap or imaging tests.", "He or she will ask you questions."]


def test_a_listed_question_is_quoted_with_who_asks_it_but_scored_alone():
    """Dev g337, g387: "Have you ever smoked?" quoted bare read as the assistant asking it."""
    text = ("Some basic questions to ask your doctor include:\n\n- What tests will you order?\n\n"
            "Your doctor may ask the following questions:\n\n- Have you ever smoked?")
    found = [u for u in units(text) if u.text.endswith("?")]
    assert [u.readable for u in found] == ["A question to ask your doctor: What tests will you order?",
                                           "Your doctor may ask: Have you ever smoked?"]
    assert [scored_pieces(u) for u in found] == [["What tests will you order?"], ["Have you ever smoked?"]]
    assert units("What causes it? The immune system does.")[0].readable == "What causes it?"  # not a list


def test_a_verb_that_only_carries_the_question_is_not_matched():
    """Dev batch 14: "what tests will they run" quoted "List your questions ... in case time runs out"."""
    assert lexical_words("so what tests will they run") == lexical_words("so what tests will they")


def test_what_the_answer_already_says_is_not_quoted_again_but_a_kept_sentence_keeps_its_condition():
    said = ["You'll have follow-up imaging tests every 3 to 6 months."]
    unit = Unit("If no tumor is located, it may be too small to find. You'll likely have follow-up imaging tests "
                "every 3 to 6 months.")
    assert _quotes([Evidence(unit, 1, 0.9)], "Also: ", said, "How often are the scans?") == [
        ("Also: “If no tumor is located, it may be too small to find.”", [1])]
    opener = Unit("Any cancer may be linked to it. However, it is more common with lung cancer.")
    assert _quotes([Evidence(opener, 2, 0.9)], "Also: ", ["Any cancer may be linked to it."], "Which cancer?") == [
        ("Also: “Any cancer may be linked to it.”", [2]), ("“However, it is more common with lung cancer.”", [2])]


def test_a_paragraph_under_a_condition_scores_as_its_best_sentence_not_as_all_its_words():
    """Three sentences together held more of the question's words than the one that answers it (browser walk)."""
    from assistant.answer.evidence import select_evidence
    from assistant.core.types import Chunk, Passage
    from assistant.testing import HashingEmbedder

    texts = ["If no tumor is found, doctors wait. The brain is scanned again. Spreading is looked for.",
             "These problems are not the tumor spreading. Instead, the immune system attacks nerves."]
    passages = [Passage(Chunk(f"c{i}", "d", "Doc", "S", t, 0, len(t)), 1.0, i) for i, t in enumerate(texts, 1)]
    best = select_evidence("Is it the tumor spreading into my brain?", passages, HashingEmbedder(), k=2)
    assert best[0].n == 2 and best[0].unit.text.startswith("These problems are not")
    assert best[1].unit.text == texts[0]  # still quoted whole when it is quoted


def test_drugs_or_side_effects_a_paragraph_lists_are_read_with_what_its_first_sentence_names():
    """Dev batch 13: "what does rituximab do" was answered with the list of drugs, not that they are
    immunosuppressants."""
    text = ("Immunosuppressants slow the production of white blood cells. Side effects include infections. Drugs may "
            "include rituximab (Rituxan).\n\nCorticosteroids, such as prednisone, inhibit inflammation. Serious "
            "long-term side effects include osteoporosis.\n\nDrugs are not the only treatment.")
    assert [u.readable for u in units(text)] == [
        "Immunosuppressants slow the production of white blood cells.",
        "Immunosuppressants: Side effects include infections.",
        "Immunosuppressants: Drugs may include rituximab (Rituxan).",
        "Corticosteroids, such as prednisone, inhibit inflammation.",
        "Corticosteroids: Serious long-term side effects include osteoporosis.",
        "Drugs are not the only treatment."]


def test_a_question_how_something_is_treated_is_answered_by_a_sentence_about_treating():
    """Dev batch 13: "how is stiff person syndrome treated?" quoted what the syndrome is."""
    assert kind_share("how is stiff person syndrome treated?",
                      "Treatment involves treating the cancer and suppressing the immune response.") == 1.0
    assert kind_share("how is stiff person syndrome treated?", "It may also cause painful muscle spasms.") == 0.0


def test_a_sentence_pointing_back_at_a_dropped_one_is_not_shown():
    # the browser walk: "This fluid is the fluid that cushions your brain" shown after its subject was dropped
    dropped = SentenceVerdict("A spinal tap is a procedure to get CSF.", (1,), (), 0.1, "says 'procedur'")
    orphan = kept("This fluid cushions the spinal cord.")
    fluid = Evidence(Unit("Antibodies may be found in the spinal fluid."), 1, 0.9)
    result = compose("What does a spinal tap show?", Verification([dropped, orphan]), [fluid], similarity, SETTINGS)
    assert "This fluid" not in result.text
    assert result.text.startswith("Here is what my sources say: “Antibodies may be found")
    shown = compose("What does a spinal tap show?", Verification([orphan]), [fluid], similarity, SETTINGS)
    assert shown.text.startswith("This fluid cushions")  # with nothing dropped before it, it stands
