"""Triage's concept layer: order-free concept pairs, with the rule layer's negation, question and past checks."""

from __future__ import annotations

import pytest

from assistant.core.settings import TriageSettings
from assistant.guard.triage import Triager
from assistant.guard.triage_concepts import find_concepts
from assistant.guard.triage_normalise import normalise

TRIAGER = Triager(TriageSettings(use_embeddings=False))  # rules and concepts only


@pytest.mark.parametrize(("message", "rule"), [
    ("he is spitting up clots of dark blood", "blood_out"),
    ("she swallowed the whole packet of her sleeping tablets", "too_many_pills"),
    ("my little boy drank the drain cleaner", "poison"),
    ("out of nowhere I can't see anything from my left eye", "vision_lost"),
    ("i'm scared i'm going to hurt my wife tonight", "threat"),
    ("maybe they'd all be better off if i ended it", "ending_life"),
    ("her breathing is so shallow and weak", "breathing_failing"),
    ("his fingers and lips have gone a dusky blue", "colour"),
    ("i feel woozy and my pulse is all irregular", "faint_heart"),
    ("running a temperature of 38.9 two days after my chemo", "fever_chemo"),
    ("my uncle slid off the bench and now he's mumbling", "collapse_confused"),
    ("her whole body is jerking and she won't answer us", "seizure_long"),
    ("he's stiffening up and his eyes have rolled back", "seizure_eyes"),
])
def test_each_family_is_found_whatever_the_word_order(message, rule):
    assert rule in [m.rule for m in find_concepts(normalise(message))]
    assert TRIAGER.triage(message).urgency == "emergency"


@pytest.mark.parametrize("message", [
    "no blood when he coughs, just phlegm",  # negated
    "is coughing up blood a sign of lung cancer?",  # a question about the topic
    "what should we do if she ever takes too many pills?",  # conditional
    "last year he swallowed a whole bottle of pills",  # past
    "I read that some patients take a whole bottle of pills by mistake",  # reported talk
    "my dog ate a whole packet of my tablets",  # an animal
    "can a seizure make the eyes roll back?",  # a question about the topic
    "years ago she slid off a chair and was confused for a while",  # past
    "he isn't shaking any more and is answering us normally",  # negated
])
def test_talk_about_a_sign_is_not_the_sign(message):
    assert TRIAGER.triage(message).urgency != "emergency"


def test_the_reason_names_the_concept_layer_and_its_words():
    triage = TRIAGER.triage("he is spitting up clots of dark blood")
    assert triage.reason.startswith("concepts: emergency sign: coughing up, vomiting or passing blood")
    assert "spitting … clots" in triage.reason


def test_crisis_words_get_crisis_advice_even_said_conditionally():
    triage = TRIAGER.triage("everyone would be better off if i just ended it")
    assert triage.urgency == "emergency" and triage.advice == TRIAGER._fmt(TriageSettings().crisis_advice)


def test_worsening_symptoms_are_urgent_and_recurring_choking_is_not_an_emergency():
    assert TRIAGER.triage("my hands have got clumsier and more numb since the weekend").urgency == "urgent"
    assert TRIAGER.triage("she chokes a little on water now and then").urgency == "urgent"
    assert TRIAGER.triage("he's choking and can't breathe").urgency == "emergency"


def test_can_barely_reads_as_telling_not_asking():
    assert TRIAGER.triage("can barely breathe, lips going grey").urgency == "emergency"


# Dev batch 6 (eval/triage.jsonl, ids y*): patterns found there, each checked by hand.
@pytest.mark.parametrize("message", [
    "the fit has been going on for six or seven minutes",  # minutes spelled out
    "food stuck, he can't swallow or breathe",  # two verbs after can't
    "sudden confusion, can't find words and her right hand is useless",  # ", can't" tells, it does not ask
    "help my husband is grey and sweating and clutching his chest",
    "there's no point carrying on, I've got the rope ready",  # despair with a plan
    "i am going to hurt someone if this doesnt stop",  # 'i am', not only "i'm"
    "I've been giving away my things",
])
def test_batch6_emergency_wordings(message):
    assert TRIAGER.triage(message).urgency == "emergency"


@pytest.mark.parametrize("message", [
    "he choked on water at dinner last week but he's fine now",  # 'fine now' is a recovery, not now
    "last spring she fainted with palpitations, it was her thyroid",
    "a friend's husband couldn't be woken once, was that this disease?",
    "in the TV show the woman had a fit and stopped breathing, is that realistic?",
    "the discharge sheet says call 911 for chest pain, why?",
])
def test_batch6_past_and_reported_talk_is_not_an_emergency(message):
    assert TRIAGER.triage(message).urgency == "none"


def test_batch6_chronic_and_new_signs():
    assert TRIAGER.triage("I've always had poor balance, it's not new").urgency == "none"
    assert TRIAGER.triage("my shoulders are too weak to brush my hair, new since treatment started").urgency == "urgent"
    assert TRIAGER.triage("mum's behaviour has changed, she's aggressive and suspicious, started this week").urgency \
        == "urgent"


def test_a_symptom_negated_after_its_word_and_only_asking():
    from assistant.guard import triage_rules as rules
    from assistant.guard.triage_examples import SYMPTOM_WORDS

    assert rules.negated_symptom("my heart isn't racing", SYMPTOM_WORDS)
    assert not rules.negated_symptom("my heart is racing", SYMPTOM_WORDS)
    assert rules.just_asking("i'm only asking how the nerves control it")
    assert not rules.just_asking("i'm asking for help, he can't breathe")


@pytest.mark.parametrize("message", [
    "call an ambulance for my dad, he's not breathing",  # asking for help is not reported talk
    "he had a fit and once it stopped he won't wake up",  # 'once' here is not 'one time, in the past'
])
def test_help_wanted_now_stays_an_emergency(message):
    assert TRIAGER.triage(message).urgency == "emergency"


def test_a_complaint_after_the_symptom_word_is_not_a_negation():
    from assistant.guard import triage_rules as rules
    from assistant.guard.triage_examples import SYMPTOM_WORDS

    assert not rules.negated_symptom("my breathing isn't right", SYMPTOM_WORDS)
    assert not rules.negated_symptom("my legs not working", SYMPTOM_WORDS)
    assert rules.negated_symptom("my pulse is fine", SYMPTOM_WORDS)


def test_coping_words_alone_are_not_a_crisis_plan():
    assert TRIAGER.triage("I can't cope anymore, getting ready for chemo is exhausting").urgency != "emergency"
    assert TRIAGER.triage("there's no point carrying on, I've got the rope ready").urgency == "emergency"


def test_a_real_word_is_not_repaired_into_a_symptom_word():
    # "talking" is not a misspelling of "walking", nor "shallow" of "swallow"; "brething" still is one
    message = "he's talking nonsense, his breathing is shallow"
    assert normalise(message) == message
    assert normalise("not brething, she colapsed") == "not breathing, she collapsed"
    assert normalise("the headaches keep coming") == "the headache keep coming"  # another form of the same word


@pytest.mark.parametrize(("message", "rule"), [
    ("i'm going to take all my morphine tonight", "overdose_intent"),
    ("there's no reason to stay alive any more", "ending_life"),
    ("he doesn't want to live like this and has his gun out", "crisis_plan"),
    ("out of nowhere she doesn't know where she is", "confusion_sudden"),
])
def test_batch7_families(message, rule):
    assert rule in [m.rule for m in find_concepts(normalise(message))]
    assert TRIAGER.triage(message).urgency == "emergency"


@pytest.mark.parametrize(("message", "urgency"), [
    ("she had a seizure three months ago and now takes medicine for it", "none"),  # life since, not a symptom now
    ("I've had numb toes for ages, will it improve?", "none"),
    ("I take all my tablets in the morning", "none"),  # a routine, not a plan
    ("I've been swaying and bumping into walls for a week", "urgent"),
    ("I'm dropping things a lot more, started a few days ago", "urgent"),
])
def test_batch7_past_chronic_and_new(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "rule"), [
    ("I went down like a sack of potatoes and my heart is doing somersaults", "faint_heart"),
    ("my watch says 190 and I feel awful", "heart_rate"),
    ("there are long pauses in her breathing", "breathing_failing"),
    ("she's had four seizures since lunch", "seizure_long"),
    ("everyone would be easier without me", "ending_life"),
    ("a rash that won't fade and he's floppy", "rash_not_fading"),
    ("the baby is turning blue", "colour_person"),
    ("grandad is slumped in the chair and won't answer", "slumped"),
])
def test_batch8_families(message, rule):
    assert rule in [m.rule for m in find_concepts(normalise(message))]
    assert TRIAGER.triage(message).urgency == "emergency"


@pytest.mark.parametrize(("message", "urgency"), [
    ("sorry if this is a silly place to ask, he's been fitting for 7 minutes", "emergency"),  # politeness, not 'if'
    ("someone at my support group just collapsed", "emergency"),  # told, not reported
    ("in my support group someone said their husband collapsed", "none"),  # reported
    ("temperature of 38.4 and on steroids for my syndrome", "urgent"),
    ("her memory has gone downhill in the past fortnight", "urgent"),
])
def test_batch8_context(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "urgency"), [
    ("all of a sudden I'm seeing double", "emergency"),  # a sudden nerve symptom is a stroke warning sign
    ("an hour ago she became really unsteady on her feet", "emergency"),
    ("my mum's memory is suddenly much worse over the last week", "urgent"),  # sudden, but over days
    ("I've been seeing double for three days", "urgent"),
])
def test_sudden_urgent_signs_are_emergencies(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "urgency"), [
    ("can my condition cause trouble breathing?", "none"),  # whether it can, not that it does
    ("could my husband's LEMS cause trouble breathing?", "none"),
    ("can you help, my husband can't breathe", "emergency"),
    ("could this make my dad stop breathing right now? he is gasping", "emergency"),
])
def test_a_question_whether_something_can_cause_a_symptom_is_not_one(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "urgency"), [
    ("my dad's neck and arm ache and he's clammy and grey", "emergency"),  # a heart attack without the chest
    ("she's on the floor and not properly breathing", "emergency"),
    ("my vision goes black when I stand and my heart pounds", "emergency"),
    ("my tablets keep getting stuck when I swallow", "urgent"),
    ("my knees keep giving way", "urgent"),
    ("everything spins when I turn over in bed", "urgent"),
    ("I can't feel my toes anymore, it started on Sunday", "urgent"),
    ("she's hearing people who aren't there", "urgent"),
    ("does the neck pain from a lumbar puncture make you sweat?", "none"),  # a question
    ("my shoulder has ached for years, I sweat a lot anyway", "none"),  # long-standing, told as a habit
])
def test_batch10_patients_words(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "urgency"), [
    ("I keep dropping my cup, my hands just don't grip like they used to", "urgent"),  # "used to": a change now
    ("his balance has gone downhill, he's holding onto the walls to get around", "urgent"),
    ("lately I get really dizzy and my heart flutters when I stand up", "urgent"),  # no faint, now and then
    ("I get dizzy and my heart is racing and I think I'm going to pass out", "emergency"),
    ("He chokes on water now, can anyone help with that", "urgent"),  # a habit: a swallowing problem
    ("she choked on her dinner and now she's making a squeaky noise", "emergency"),
    ("he used to have fits", "none"),
])
def test_batch12_habits_and_changes(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency


@pytest.mark.parametrize(("message", "urgency"), [
    ("mum's been nodding off in the middle of conversations", "urgent"),
    ("my husband is acting really paranoid, totally out of character", "urgent"),
    ("since monday my right foot drags when I walk", "urgent"),
    ("she's been peeing herself and she never used to", "urgent"),  # "never used to": new, not the past
    ("he keeps having staring spells where he doesn't respond, they started last week", "urgent"),
    ("he had a staring spell and now he won't wake up", "emergency"),
    ("we can't keep him awake", "emergency"),
    ("I can't stay awake in the afternoons lately", "urgent"),
    ("i cant stop my eyes from jumping around", "urgent"),
    ("his staring spells were seizures two years ago and are controlled now", "none"),
])
def test_batch13_urgent_signs_in_patients_words(message, urgency):
    assert TRIAGER.triage(message).urgency == urgency
