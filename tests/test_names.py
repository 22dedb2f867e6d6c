"""Names the sources never use: hand-checkable cases, including the ones that must not count."""

from assistant.answer.checks import missing_name
from assistant.guard.names import (
    expand_abbreviations,
    expand_lay_terms,
    names_in,
    repair_spelling,
    split_lay_terms,
    unknown_names,
)

SOURCES = "Lambert-Eaton myasthenic syndrome. A PET scan and a CT scan. Antibodies in CSF. Mestinon."


def test_acronyms_antibodies_and_mid_sentence_proper_nouns_are_names():
    assert names_in("Is anti-Yo in CSF? We saw Dr. Smith in Boston.") == ["anti-Yo", "CSF", "Smith", "Boston"]


def test_sentence_openers_family_words_days_and_shouting_are_not_names():
    assert names_in("What is it? My Mom asked on Monday. OK, thanks!") == []
    assert names_in("PLEASE HELP WHAT IS THIS") == []


def test_a_name_is_known_when_every_part_is_in_the_sources_whatever_the_case():
    assert unknown_names("Is it lambert-EATON? What about a PET-CT and the IVIG drip?", SOURCES) == ["IVIG"]
    assert unknown_names("Are MRIs like PETs?", "an MRI and a PET scan") == []


def test_known_abbreviation_counts_as_known_and_is_spelled_out_once():
    assert unknown_names("What is LEMS?", SOURCES) == []
    assert expand_abbreviations("What is LEMS? Is LEMS rare?", SOURCES) == (
        "What is LEMS (Lambert-Eaton myasthenic syndrome)? Is LEMS rare?")
    assert expand_abbreviations("What is SPS?", SOURCES) == "What is SPS?"  # not spelled out there


def test_statement_with_a_name_no_passage_uses_is_caught():
    assert missing_name("Mestinon helps in Lambert-Eaton myasthenic syndrome.", [SOURCES]) is None
    assert missing_name("It helps in Lambert-Eaton, like Rituxan.", [SOURCES]) == "Rituxan"


def test_patients_words_get_the_sources_words_added_for_retrieval():
    """Dev batch 11: each of these found the wrong passages, or none, without the sources' words."""
    assert expand_lay_terms("Will physio help?") == "Will physio help (physical therapy)?"
    assert expand_lay_terms("why didnt the scans find any cancer").endswith(
        "(no malignant tumor is located, too small to find)")
    assert expand_lay_terms("is his own body fighting itself?").endswith("(immune system attacks)?")
    assert expand_lay_terms("I didn't see the doctor yet") == "I didn't see the doctor yet"  # not about a tumour
    assert split_lay_terms("Will physio help (physical therapy)?") == ("Will physio help?", "physical therapy")


def test_the_cancer_going_to_the_brain_or_nerves_is_what_the_sources_call_its_spreading():
    """Dev batch 13: "the cancer going to his brain" never found "not caused by ... the cancer spreading"."""
    for question in ("whats the difference between this and the cancer going to his brain?",
                     "has the cancer moved into her nerves?", "has it gone to her brain",
                     "is the tumour invading his spine"):
        assert split_lay_terms(expand_lay_terms(question))[1] == "cancer spreading, metastasis", question
    for question in ("is it going to get better", "the signal going to the brain is slow", "it went to my head"):
        assert "metastasis" not in expand_lay_terms(question), question


def test_patients_words_for_recovery_onset_company_and_cancers_meet_the_sources_words():
    """Dev batch 14: each of these abstained or quoted the wrong sentence."""
    added = {question: split_lay_terms(expand_lay_terms(question))[1] for question in (
        "will treating her tumor fix the walking?", "does it come on slowly or fast",
        "should i bring my husband to the appointment", "which types of cancer usually come with this",
        "who do i see first about this")}
    assert added == {
        "will treating her tumor fix the walking?": "reversible",
        "does it come on slowly or fast": "develop quickly, days to weeks",
        "should i bring my husband to the appointment": "taking a family member or friend along",
        "which types of cancer usually come with this": "risk factors, cancers associated",
        "who do i see first about this": "primary care doctor, specialist"}
    assert expand_lay_terms("is there a prefix to the word") == "is there a prefix to the word"  # not "fix"
    assert expand_lay_terms("what time does the clinic open") == "what time does the clinic open"


def test_how_common_meets_uncommon_and_a_negative_blood_test_is_no_tumor_search():
    """Dev batch 15: "is this a common thing with cancer" quoted "small cancers, common in people who ..."; "blood
    test was negative for antibodies" was read as a scan that found no tumor."""
    assert split_lay_terms(expand_lay_terms("is this a common thing with cancer"))[1] == "uncommon disorders"
    assert expand_lay_terms("blood test was negative for antibodies, does that rule it out?") == (
        "blood test was negative for antibodies, does that rule it out?")
    assert "too small to find" in expand_lay_terms("the scans came back clear, so why do they think it's cancer?")


def test_text_message_spellings_are_read_as_words_but_a_capital_may_be_a_name():
    assert repair_spelling("r smokers asked abt it, u know", "Have you ever smoked?") == (
        "are smokers asked about it, you know")
    assert repair_spelling("Vitamin U? R&D?", "") == "Vitamin U? R&D?"
