"""Question kinds the sources would have to address in a particular way.

"Is it inherited?" needs a passage about inheritance or genes, "what research is being done?" a passage about
trials or studies, "how much does it cost?" one about costs or insurance. A passage that merely shares the
question's other words ("Researchers believe that ...", "Have you ever smoked?") does not answer it, and a 1.5B
model given such passages answered anyway ("there are several clinical trials being conducted"). So the kind is
checked against what the shown passages say (``answer.gates.before_generation``); when none says it, the
assistant abstains with the kind's ``lead``, before any generation.

>>> question_kind("Could my kids inherit this?").name
'inheritance'
>>> question_kind("Which cancers is it most often seen with?") is None
True
>>> kind = question_kind("Are there clinical trials for Lambert-Eaton?")
>>> kind.addressed_by(["Researchers believe that the immune system is the cause."])
False
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.text import sentences


@dataclass(frozen=True)
class QuestionKind:
    name: str
    asks: re.Pattern[str]  # the question is of this kind
    answers: re.Pattern[str]  # a passage sentence that could answer it
    lead: str  # what the assistant says when no passage does
    unless: re.Pattern[str] | None = None  # ...but not if it also asks this (which the sources may answer)

    def addressed_by(self, texts: Sequence[str]) -> bool:
        """Does some sentence of ``texts`` say what a question of this kind needs?"""
        return any(self.answers.search(s) for text in texts for s, _, _ in sentences(text)
                   if not s.rstrip().endswith("?"))  # the sources' interview questions answer nothing


def _kind(name: str, asks: str, answers: str, lead: str, unless: str | None = None) -> QuestionKind:
    return QuestionKind(name, re.compile(asks, re.IGNORECASE), re.compile(answers, re.IGNORECASE), lead,
                        re.compile(unless, re.IGNORECASE) if unless else None)


KINDS = (
    _kind("inheritance",
          r"\b(?:inherit\w*|hereditary|genetic\w*|genes?|dna|run(?:s|ning)? in (?:the |my |our )?famil\w*|"
          r"pass(?:ed|es)? (?:it |this )?(?:down|on) to|(?:kids|children|grandchildren|son|daughter)\b[^?]{0,30}"
          r"\b(?:get|catch|have|inherit|at risk|higher risk|(?:be|being|get) (?:screened|tested|checked)))",
          r"\b(?:inherit\w*|hereditary|genetic\w*|genes?|runs? in famil\w*|passed (?:down|on))\b",  # not "gene"ral
          "My sources don't say whether these syndromes run in families or can be passed on."),
    _kind("research",
          r"\b(?:research\w*|clinical trials?|trials?|studies|study|studying|experimental|being tested|scientists|"
          r"new (?:drugs?|treatments?|medicines?|therap\w+)|latest (?:treatment|research|drug)s?)\b",
          r"\b(?:clinical trials?|trials?|studies|study|being (?:tested|studied|developed)|experimental)\b",
          "My sources don't describe current research, studies or clinical trials."),
    _kind("cost",
          r"\b(?:cost\w*|price\w*|expensive|cheap\w*|afford\w*|insurance|insurer|medicare|medicaid|copay\w*|"
          r"out of pocket|pay (?:for|myself)|(?:have|need) to pay|bills?|covered by)\b",
          r"\b(?:cost\w*|price\w*|insurance|pay(?:s|ing|ment)?|afford\w*|medicare|medicaid)\b",
          "My sources don't cover costs, payment or insurance."),
    _kind("place",
          r"\b(?:which|what|best|good|top|recommend\w*|where|nearest|near)\b[^?]{0,40}\b(?:hospitals?|clinics?|"
          r"medical cent(?:er|re)s?)\b|\b(?:best|good|top|recommend\w*)\b[^?]{0,20}\b(?:doctors?|neurologists?|"
          r"specialists?|oncologists?|places?)\b",
          r"\b(?:hospitals?|clinics?|medical cent(?:er|re)s?)\b",
          "My sources don't recommend particular hospitals, clinics or doctors."),
    _kind("timing",
          r"\bhow (?:long|soon|fast|quickly|often)\b|\bwhen will\b|\bhow much time\b",
          r"\b(?:\d+|days?|weeks?|months?|years?|hours?|minutes?|quickly|slowly|soon|often|every)\b",
          "My sources don't give times or durations for that."),
    _kind("numbers",
          r"\b(?:how many (?:people|patients|persons|cases|of)|what percent\w*|percentage|statistic\w*|"
          r"how likely|success rate|rate of|number of (?:people|patients|cases)|odds|chances?|"
          r"out of (?:a |one )?(?:hundred|thousand|100|1,?000)|how many (?:get|develop|will|of them))\b",
          r"\b(?:\d+(?:\.\d+)?\s*%|\d+ (?:out )?of|percent\w*)",
          "My sources don't give numbers or statistics for that.",
          unless=r"\b(?:common|uncommon|rare|often|usual|usually)\b"),
    # dev batch 3: "should I stop chemo if I get these symptoms?", "can diet or supplements help the nerve damage?"
    _kind("treatment_decision",
          r"\bshould (?:i|he|she|we|they|my \w+) (?:stop|skip|quit|pause|delay|change|come off|give up)\b",
          r"\b(?:stop(?:ping)?|skip(?:ping)?|paus(?:e|ing)|delay(?:ing)?) (?:the |your )?(?:chemo\w*|treatment|"
          r"medication)",
          "My sources don't say whether to stop or change a treatment; that is for your care team to decide with you."),
    # dev batch 12: "I'm pregnant, will this hurt the baby" was answered from a passage about muscle spasms
    _kind("pregnancy",
          r"\b(?:pregnan\w*|expecting (?:a |our )?baby|unborn|breast-?feed\w*|breast ?milk|fertility|infertil\w*|"
          r"conceiv\w*|ivf|miscarr\w*)\b",
          r"\b(?:pregnan\w*|unborn|breast-?feed\w*|fertility|conceiv\w*|miscarr\w*)\b",
          "My sources don't cover pregnancy, breastfeeding or fertility."),
    # dev batch 13: "can I still drive with LEMS" was answered with what LEMS is. Not exercise (the sources say
    # specific exercises may help) and not drinking (a swallowing question as often as one about alcohol).
    _kind("everyday_activity",
          r"\b(?:can|could|should|may|will|is it (?:safe|ok(?:ay)?|fine) (?:for (?:me|him|her|them) )?to|allowed to|"
          r"able to)\s+(?:(?:i|he|she|we|they|you|my \w+) )?(?:still |ever |keep |continue to |be able to )?"
          r"(?:drive|driving|fly|flying|travel\w*|go (?:back )?to work|work|working|swim|swimming)\b",
          r"\b(?:driv\w*|fly\w*|flights?|travel\w*|return to work|swim\w*)\b",
          "My sources don't say which everyday activities, such as driving, travel or work, are safe with these "
          "syndromes; your care team can tell you."),
    _kind("remedy",  # exercise is not one: the sources say specific exercises may help
          r"\b(?:diet\w*|supplements?|vitamins?|herb(?:s|al)?|natural|alternative|home remed\w*|acupuncture|massage|"
          r"cbd|cannabis|yoga|food)\b[^?]{0,40}\b(?:help|helps|improve|treat|cure|reverse|heal|good for|work)\b",
          r"\b(?:diet\w*|supplements?|vitamins?|herb(?:s|al)?|foods?)\b[^.]{0,60}\b(?:help|improve|treat)",
          "My sources don't say whether that helps; they describe treating the cancer, calming the immune system, "
          "and physical and speech therapy.",
          # "he chokes on food now, can anyone help with that" asks who can help (dev batch 14)
          unless=r"\b(?:anyone|anybody|someone|somebody|who)\s+(?:\w+\s+)?help\b"),
)


def question_kind(question: str) -> QuestionKind | None:
    """The first kind the question is of, or None for an ordinary question.

    >>> question_kind("Is this common? How many people with cancer get it?") is None  # "common" is answerable
    True
    >>> question_kind("Which doctor should I see first?") is None, question_kind("Best hospital for this?").name
    (True, 'place')
    >>> question_kind("can I still drive with LEMS").name, question_kind("can it work on the nerves?") is None
    ('everyday_activity', True)
    """
    return next((kind for kind in KINDS if kind.asks.search(question)
                 and not (kind.unless and kind.unless.search(question))), None)
