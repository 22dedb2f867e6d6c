"""What a kind of question is answered with, in the sources' words.

"What does a spinal tap show?" is answered by what is found in the fluid, "Is it the tumor spreading?" by what
causes it, "How is stiff person syndrome treated?" by how these syndromes are treated. Evidence selection
(:mod:`assistant.answer.evidence`) adds ``KIND_WEIGHT`` to a sentence that says the kind of thing asked for. These
are not the question kinds of :mod:`assistant.answer.kinds`, which the sources must address at all.

>>> kind_share("What does a spinal tap show?", "Antibodies may be found in CSF.")
1.0
"""

from __future__ import annotations

import re

# (question pattern, answer words)
ANSWER_KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"\b(?:show|shows|showed|tell|tells|reveal|reveals|find|finds|look(?:ing)? for|detect|pick up|"
                r"what (?:are|is|do|does|will) (?:they|the doctors?|it) (?:looking|checking|testing))\b", re.I),
     re.compile(r"\b(?:found|find|finds|detect\w*|reveal\w*|identif\w*|evidence|look for|show\w*|confirm\w*)\b", re.I)),
    (re.compile(r"\b(?:why|cause|causes|caused|causing|because|due to|reason|brings? on|to blame)\b", re.I),
     re.compile(r"\b(?:caused|cause|causes|result of|occur when|because|due to|trigger\w*)\b", re.I)),
    # "How often will they keep scanning him?" (dev batch 11) is answered by "every 3 to 6 months"
    (re.compile(r"\bhow (?:often|frequently|soon|fast|quickly)\b|\bhow many times\b", re.I),
     re.compile(r"\bevery\b|\b\d+ (?:to \d+ )?(?:hours?|days?|weeks?|months?|years?)\b|\bdays to weeks\b|"
                r"\b(?:relatively |very )?(?:quickly|rapidly)\b", re.I)),
    # "how is stiff person syndrome treated?" (dev batch 13) is answered by how these syndromes are treated
    (re.compile(r"\b(?:treat|treated|treating|treatments?|therap(?:y|ies)|cured?|manage[ds]?)\b", re.I),
     re.compile(r"\b(?:treat\w*|therap\w*|suppress\w*|inhibit\w*|prescribe\w*)\b", re.I)),
)
KIND_WEIGHT = 0.1  # dev evidence hit@1/@2 0.679/0.832 at 0, 0.05 (0.825) and 0.1


def kind_share(question: str, text: str) -> float:
    """1.0 when ``text`` says the kind of thing ``question`` asks for (``ANSWER_KINDS``), else 0.0.

    >>> kind_share("What does a spinal tap show?", "Antibodies may be found in CSF.")
    1.0
    >>> kind_share("What does a spinal tap show?", "A nurse inserts a needle into your lower spine.")
    0.0
    >>> kind_share("How often are the scans repeated?", "Follow-up imaging tests every 3 to 6 months.")
    1.0
    """
    return float(any(asks.search(question) and says.search(text) for asks, says in ANSWER_KINDS))
