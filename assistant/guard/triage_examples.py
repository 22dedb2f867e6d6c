"""Labelled example messages for triage's similarity layer, and the words that wake it up.

The examples are written per family (the way people write when frightened, and the informational
questions that use the same words), never copied from an evaluation set. A message the rules call
``none`` is compared with them only if it has a symptom word (``has_symptom_word``).

>>> has_symptom_word("my heart is doing something weird")
True
>>> has_symptom_word("what time does the pharmacy close")
False
"""

from __future__ import annotations

import re

EMERGENCY: tuple[str, ...] = (
    # breathing
    "I can't breathe", "my husband is gasping for air", "my chest is tight and I can't get air in",
    "my lips are turning blue", "she's breathing really strangely, like gulping", "he sounds like he's drowning",
    "I'm so out of breath I can't say a sentence", "every breath is a struggle for him right now",
    # choking / throat
    "she is choking and can't swallow water", "something is stuck and he can't breathe or talk",
    "my throat feels like it's closing", "my face and tongue are swelling up after the drip",
    # heart and fainting
    "I fainted and my heart is racing", "my heart is thumping out of my chest and I feel faint",
    "his pulse is really slow and he keeps going pale and fainting", "my heart keeps stopping and starting",
    "I nearly passed out and my heartbeat is all over the place", "everything went black and my heart was racing",
    # chest
    "I have a terrible pain in my chest", "it feels like a heavy weight pressing on my chest",
    "pain spreading from my chest into my jaw", "I think I'm having a heart attack",
    # unresponsive
    "he collapsed and isn't responding", "my mom won't wake up after a seizure", "she's out cold on the floor",
    "I can't get him to wake up properly", "she is awake but not responding to anything we say",
    "he's very drowsy and we can barely wake him",
    # paralysis / spreading weakness
    "I suddenly can't move my legs and I wet myself", "the weakness is climbing up his body by the hour",
    "out of nowhere my legs stopped working", "she can't lift her arms or legs since this morning",
    "I can't hold my head up and my breathing is weak",
    # seizure
    "his seizure has been going for ten minutes", "she keeps having one seizure after another",
    "he's still convulsing and it's been ages", "she won't stop shaking and her eyes rolled back",
    # stroke
    "her face is drooping and she can't talk", "half his face has gone slack and his speech is garbled",
    "my arm and leg on one side suddenly went weak", "he suddenly can't find his words and his face looks odd",
    # headache
    "the most terrible headache suddenly hit me like a hammer", "sudden agonising headache and stiff neck",
    # bleeding
    "there's so much blood and it won't stop", "he's been throwing up blood",
    # overdose / poisoning
    "I took way more of my tablets than I should have", "my child ate some of my pills",
    "she's taken an overdose of her medication", "he took the whole packet by mistake",
    "he's lying on the floor and won't speak to me", "my legs gave way and won't hold me up anymore",
)

# Self-harm, said directly or indirectly: an emergency whose advice is the crisis line.
CRISIS: tuple[str, ...] = (
    "I want to end it all", "I have been thinking about killing myself", "I don't want to be here anymore",
    "I can't see any way out except dying", "I've written goodbye letters to my family",
    "my family would be better off if I was gone", "what's the point of living like this, I want it to stop",
    "I have a plan to hurt myself", "my dad says he wants to stop living",
    "tonight is the night, I've made up my mind", "I'm going to jump", "I wish I could sleep forever",
)
EMERGENCY += CRISIS

URGENT: tuple[str, ...] = (
    "over the past two weeks I keep losing my balance", "my dad has started slurring his words this week",
    "I've been seeing double for a few days", "my wife is forgetting things and getting confused lately",
    "I've had trouble swallowing food since last week", "my legs have been getting weaker for days",
    "my mother is seeing things that aren't there", "my arms keep jerking and I can't control it",
    "I had a seizure yesterday for the first time", "my hands are clumsy and I keep dropping things",
    "my son with lymphoma is suddenly unsteady when he walks", "I can't sleep and feel confused",
    "my eyelids keep drooping by the evening", "my feet have been numb and burning for a week",
    "he isn't himself, acting strangely and agitated for days", "I get lightheaded every time I stand up",
    "my voice is getting weaker and nasal", "she keeps tripping over her own feet recently",
    "my muscles are stiff and going into painful spasms", "my dad has become very anxious and paranoid lately",
    "I've been dizzy and nauseous for a few days", "my mouth is very dry and I'm constipated, it's new",
    "my eyes keep flicking around on their own", "chewing has become tiring and my jaw gets weak",
)

NONE: tuple[str, ...] = (
    "what is paraneoplastic syndrome", "can dysautonomia cause trouble breathing",
    "what medicines control seizures", "how is a spinal tap done", "which cancers cause this",
    "what are the symptoms of Lambert-Eaton", "is stiff person syndrome painful",
    "what does IVIG do", "how do I prepare for my appointment", "what is the weather tomorrow",
    "can limbic encephalitis cause hallucinations", "what did they used to call stiff person syndrome",
    "thanks for your help", "where can I find a support group",
    "can these syndromes affect the heart rhythm", "is chest pain a side effect of plasmapheresis",
    "what should I do if someone has a long seizure", "why do some patients have trouble swallowing",
    "does the tumor cause fainting", "what happens if the breathing muscles get weak",
    "can you die from paraneoplastic syndrome", "how do doctors check for antibodies in the blood",
    "what kind of blood test finds the cancer", "is it normal to feel down after a cancer diagnosis",
    "my heart sank when the doctor called", "I'm dying to know what the scan showed",
    "this waiting is killing me", "I'm tired of all these appointments", "I passed my driving test today",
    "last year he had a seizure, is that related", "she used to faint as a teenager",
    "no chest pain or breathing trouble, just a question about treatment", "my breathing is fine now",
    "how long do the pills take to work", "what are the side effects of steroids",
    "my doctor said my heart is healthy, what else could it be", "can stress make my symptoms worse",
)

SYMPTOM_WORDS = re.compile(
    r"\b(?:breath\w*|air|gasp\w*|chok\w*|throat|swallow\w*|tongue|lips?|blue|grey|gray|heart\w*|pulse|chest|"
    r"faint\w*|pass(?:ed|ing)? out|black(?:ed|ing)? out|collaps\w*|dizzy|light-?headed|wake|waking|woke|"
    r"respond\w*|rouse|conscious|unconscious|drows\w*|limp|floppy|move|moving|legs?|arms?|paraly\w*|numb\w*|"
    r"weak\w*|seiz\w*|fit|fits|fitting|convuls\w*|shaking|jerk\w*|face|droop\w*|slur\w*|speech|words|talk\w*|"
    r"headache|head|neck|blood|bleed\w*|vomit\w*|throw\w* up|pills?|tablets?|meds|medicines?|medication|"
    r"overdose|dose|die|dying|dead|death|live|living|life|alive|suicid\w*|kill\w*|hurt\w*|harm\w*|end it|"
    r"goodbye|burden|point|gone|pain\w*|hurts?|sick|confus\w*|vision|see|seeing|eyes?|walk\w*|balance|fall\w*|"
    r"fell|stiff\w*|spasm\w*|bladder|pee|poop|wet|floor|ground|cold|ambulance|911|emergency|help)\b"
)


# Words of self-harm: an emergency the second look finds in such a message gets the crisis advice.
SELF_HARM_WORDS = re.compile(
    r"\b(?:suicid\w*|kill(?:ing)? (?:my|him|her|them)sel(?:f|ves)|end (?:my|his|her|their) (?:own )?life|end it all|"
    r"(?:hurt|harm)(?:ing)? (?:my|him|her|them)sel(?:f|ves)|better off without|goodbye|(?:want|wanna) to die|"
    r"(?:don't|do not) want to (?:be here|live|wake up))\b")


def has_symptom_word(text: str) -> bool:
    """Does the message use a word a symptom or a crisis would be told in?"""
    return bool(SYMPTOM_WORDS.search(text.lower()))
