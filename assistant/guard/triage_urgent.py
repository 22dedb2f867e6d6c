"""The urgent signs triage's rule layer looks for: the seeds' symptom list in someone now, new or getting worse
("my legs are getting weak", "trouble swallowing food since last week"): see a doctor soon, not an emergency.
Same form as the emergency rules of :mod:`assistant.guard.triage_patterns`.

>>> [rule.name for rule in URGENT_RULES if rule.pattern.search("i can't walk straight")]
['walking']
"""

from __future__ import annotations

from assistant.guard.triage_patterns import make_rule

URGENT_RULES = (
    make_rule("walking", "urgent", "trouble walking, balance or coordination",
          r"\b(?:trouble|difficulty|problems?|hard time|can't|unable to|struggling) (?:with )?(?:walk|walking|"
          r"balance|balancing|keep(?:ing)? (?:my|his|her) balance|stand|standing)",
          r"\bbalance (?:is|has been|feels|seems|got|gets|has gone|has got|is going) (?:\w+ )?(?:off|bad|poor|worse|"
          r"wrong|downhill)\b",
          r"\bhold(?:s|ing)? on(?:to| to)? (?:the )?(?:walls?|furniture|railings?) to (?:get|walk|move|stand)",
          r"\b(?:unsteady|wobbly|stumbling|staggering|clumsy|tripping|keeps? tripping|keeps? falling|"
          r"falling over|losing (?:my|his|her) balance|off balance|walking into)\b", r"\bcoordination\b",
          r"\b(?:walk\w*|stagger\w*|lurch\w*) (?:about |around )?(?:like|as if) "
          r"(?:i'm |i was |he's |she's |he was |she was |a )?drunk\b",
          r"\b(?:foot|feet|leg) (?:drags?|dragging|drop)\b|\bdrag(?:s|ging)? (?:my |his |her |their |one |a )?(?:foot|"
          r"feet|leg)\b"),
    make_rule("weakness", "urgent", "muscle weakness",
          r"\b(?:weak|weakness|weaker)\b", r"\bcan't (?:grip|lift|hold|pick up|climb)\b",
          r"\b(?:legs?|arms?)\b[^.!?]{0,15}\b(?:feel|feels|are|is|get|gets) (?:so |really |very )?heavy\b",
          r"\b(?:trouble|hard|difficulty|struggl\w+) (?:to )?(?:climb(?:ing)?|get(?:ting)? up|ris(?:e|ing)) "
          r"(?:the )?(?:stairs|from)",
          r"\b(?:legs?|knees?) (?:keep |keeps |kept )?(?:giving|give|gave) (?:way|out)\b",
          r"\bcan't (?:do up|fasten|button)\b", r"\b(?:fingers|hands) (?:won't|don't|can't) (?:work|do what)\b",
          # dev batch 12: "I keep dropping my cup, my hands just don't grip like they used to"
          r"\b(?:keeps?|kept|keep on) dropping (?:things|stuff|my|his|her|their|cups?|the)\b",
          r"\b(?:hands?|fingers|grip)\b[^.!?]{0,20}\b(?:don't|doesn't|won't|can't|isn't|aren't) (?:\w+ )?(?:grip|hold)",
          r"\bgrip (?:is|has) (?:\w+ )?(?:gone|going|weak\w*|worse)\b",
          # dev batch 16: "I'm losing strength in my hands, can't open jars anymore"
          r"\b(?:losing|lost|lose|no) (?:all |the |my |his |her |their |any )?strength\b",
          r"\bcan't (?:open|unscrew) (?:a |the |my |any )?(?:jars?|bottles?|lids?)\b"),
    make_rule("swallowing", "urgent", "trouble swallowing",
          r"\b(?:trouble|difficulty|hard|problems?|can't) (?:to )?swallow(?:ing)?\b",
          r"\bgo(?:es|ing)? down the wrong (?:way|pipe)\b",
          r"\b(?:food|drinks?|pills?|tablets?) (?:keeps? |is |kept )?(?:getting |gets |got )?stuck\b"),
    make_rule("speech", "urgent", "slurred speech or trouble speaking",
          r"\b(?:slurred|slurring|slurs|slurry|stuttering|stutter(?:s|ing)?)\b",
          r"\b(?:trouble|difficulty|hard time) (?:speaking|talking|getting (?:the )?words out)",
          r"\bspeech (?:has )?(?:gone|is|sounds) (?:\w+ )?(?:funny|strange|thick|odd|weird|different)\b",
          r"\bwords? (?:keeps? |are |is )?(?:coming|come|comes) out "
          r"(?:all )?(?:wrong|jumbled|muddled|funny|strange)\b"),
    make_rule("memory", "urgent", "memory or thinking problems",
          r"\b(?:memory (?:loss|problems?|is (?:going|getting worse))|forgetting|forgetful|confused|confusion|"
          r"can't remember|can't think|disoriented|not making sense|mixing up words|muddled|"
          r"repeating (?:himself|herself|myself|themselves)|get(?:s|ting)? lost)\b",
          r"\bmemory\b[^.!?]{0,25}\b(?:bad|worse|going|loss|poor|failing|slipping)\b",
          r"\bpersonality (?:has )?changed?\b"),
    make_rule("vision", "urgent", "vision or eyelid problems",
          r"\b(?:vision|seeing|see|eyes?)\b[^.!?]{0,20}\b(?:double|blurry|blurred|dim)\b",
          r"\b(?:double vision|seeing double|two of everything|blurry vision|blurred vision|vision (?:is )?"
          r"(?:going|blurry|problems?|getting worse)|can't see|eyes? (?:that |keep |are )?(?:jumping|darting|"
          r"dart|jerking|flick|flicking|flickering|roving))",
          r"\b(?:eyelids?|lids?)\b[^.!?]{0,15}\b(?:droop\w*|heavy)\b", r"\bdroopy (?:eyelids?|eyes?)\b",
          # dev batch 13: "i cant stop my eyes from jumping around"
          r"\beyes?\b[^.!?]{0,15}\b(?:jump\w*|dart\w*|jerk\w*|flick\w*|bounc\w*|wobbl\w*) (?:around|about)\b"),
    make_rule("sleep", "urgent", "sleep disturbances",
          r"\b(?:can't sleep|not sleeping|sleeping all (?:day|the time)|insomnia|sleep (?:is|has been) "
          r"(?:off|terrible|disturbed)|drowsy all the time)\b",
          r"\bsleeping (?:\d+|most of the|all) (?:hours|day)\b",
          r"\b(?:nodding|nods|nod|dozing|dozes|doze|drifting) off\b[^.!?]{0,20}\b(?:middle|mid|while|during|talking|"
          r"conversations?|eating|meals?)\b"),
    make_rule("seizure", "urgent", "a seizure",
          r"\b(?:had|having|has had|have had) (?:a |my |his |her |their )?(?:first |another |new |some |two "
          r"|several )?(?:seizures?|fits?|convulsions?)\b",
          r"\bseizures? (?:started|began|again)\b", r"\bnew seizures?\b",
          r"\bfirst (?:ever )?(?:seizure|fit|convulsion)\b",
          r"\b(?:staring|blank|absence) (?:spells?|episodes?|moments?|attacks?)\b|\bzon(?:es|ing) out\b"),
    make_rule("hallucinations", "urgent", "hallucinations",
          r"\b(?:hallucinating|hallucinations?|seeing things|hearing (?:things|voices))\b",
          r"\b(?:seeing|sees|hearing|hears)\b[^.!?]{0,40}\b(?:that|who|which) "
          r"(?:aren't|are not|isn't|is not) (?:really )?there\b"),
    make_rule("movements", "urgent", "involuntary movements, jerks or stiffness",
          r"\b(?:twitching|jerking|jerks?|jerky|spasms?|tremors?|shaking|rippling|rigid|cramping)\b",
          r"\bstiff(?:ness)?\b(?! (?:person|man)\b)"),
    make_rule("numbness", "urgent", "numbness or tingling",
          r"\b(?:numb|numbness|tingling|tingly|tingles?|pins and needles)\b",
          r"\b(?:feet|hands) (?:burn|are burning)\b",
          r"\bcan't feel (?:my|his|her|their) (?:feet|hands|legs|fingers|toes|arms)\b"),
    # dev batch 13
    make_rule("bladder", "urgent", "new bladder or bowel problems",
          r"\b(?:wet|wetting|peeing|pee|soil|soiling|soiled) (?:myself|himself|herself|themselves|the bed)\b",
          r"\bcan't (?:hold|control) (?:my |his |her |their )?(?:bladder|bowels?|pee|urine|wee)\b",
          r"\bincontinen\w*",
          # dev batch 14: "my bladder isn't working right lately, I have to strain to pee"
          r"\bbladder (?:isn't|is not|hasn't been|has not been|not) (?:working|emptying)\b",
          r"\b(?:strain|straining|struggle|struggling|trouble|difficulty|hard) (?:to )?(?:pee|peeing|urinate|"
          r"urinating|wee|weeing|pass(?:ing)? (?:urine|water))\b"),
    make_rule("behaviour", "urgent", "a change in behaviour or mood",
          r"\bout of character\b|\bparanoi\w*",
          r"\bnot (?:himself|herself|themselves|myself) (?:at all|lately|any ?more)\b",
          r"\b(?:acting|behaving) (?:really |very |so |all )?(?:strange\w*|odd\w*|weird\w*|paranoid|differently|"
          r"out of character)\b",
          # dev batch 15: "my mood has completely changed over a week, I'm snapping at everyone"
          r"\b(?:my|his|her|their) (?:mood|personality|behaviou?r) (?:has |have |had |is |seems )?(?:completely |"
          r"totally |really |suddenly )?(?:changed|different|all over the place)\b"),
    make_rule("vomiting", "urgent", "vomiting that will not settle",
          r"\b(?:throwing up|vomiting|being sick)\b[^.!?]{0,30}\b(?:days?|all day|can't keep)\b",
          r"\bcan't keep (?:any )?(?:food|anything|water|fluids|liquids) down\b"),
    make_rule("chewing_voice", "urgent", "tiring jaw or a weak, nasal voice",
          r"\b(?:jaw|chewing|chew)\b[^.!?]{0,20}\b(?:tired|tires|weak|gives out|aches)\b",
          r"\bvoice\b[^.!?]{0,20}\b(?:nasal|weak|weaker|fading|fades|hoarse)\b"),
    make_rule("dizziness", "urgent", "dizziness or blood pressure dropping",
          r"\b(?:dizzy|dizziness|light-? ?headed|vertigo)\b",
          r"\b(?:room|everything|the world) (?:keeps? |is |starts? )?(?:spinning|spins)\b",
          r"\b(?:blood pressure|bp)\b[^.!?]{0,20}\b(?:drops|dropping|dropped|falls|crashes|very low)\b"),
)
