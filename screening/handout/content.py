"""The handout's words: for each MISS topic id (rules version 2), what it means in plain words,
which minimally invasive options the surgeon may talk about, and questions to ask.

Pure data: no Flask, no database. Every string is marked with `N_` and translated where it is
shown, so the Spanish lives in the catalogue like every other patient string. Written for a
6th-8th grade reader (tests/handout/test_readability.py measures it) and with care: what is
true of minimally invasive spine surgery (MISS) in general, never a promise about this patient
(tests/handout/test_content.py refuses words such as "cure" or "guaranteed"). The surgeon
decides with the patient; the handout only helps them ask.

Version 1 topic ids are all among the 20 below, so a screening evaluated with rules version 1
gets a handout too.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.questionnaire.model import N_


@dataclass(frozen=True)
class HandoutTopic:
    """One topic of the handout, keyed by the evaluation's topic id."""

    id: str
    heading: str
    explanation: str
    options: str
    questions: tuple[str, ...]


TITLE = N_("Your visit: what to talk about with your surgeon")

INTRO = N_(
    "Your answers point to some things to talk about at your visit. Read them before you go. "
    "Bring this page with you, and write your own questions on it."
)

# What is true of minimally invasive spine surgery in general, said with care.
ABOUT_MISS_HEADING = N_("About minimally invasive spine surgery")
ABOUT_MISS = (
    N_("The surgeon works through one or more small cuts instead of one long cut."),
    N_("Muscles are moved aside more than cut, so there is less damage to them."),
    N_(
        "The surgeon uses live X-ray pictures (fluoroscopy) or a thin camera (an endoscope) "
        "to see inside."
    ),
    N_("Many people go home the same day or the next day."),
    N_("Physical therapy often starts sooner than after open surgery."),
    N_("There is a lower chance of infection and less blood loss than with open surgery."),
)
ABOUT_MISS_CARE = N_(
    "Every operation has risks, and not everyone is a good fit for this kind of surgery. "
    "Many people get better without surgery. Your surgeon will look at your tests and decide "
    "with you what is best for you."
)

NO_TOPICS = N_(
    "Your answers did not point to a special topic. Your surgeon will still talk with you "
    "about your pain and your choices."
)

OPTIONS_HEADING = N_("What your surgeon may talk about")
QUESTIONS_HEADING = N_("Questions you can ask")
# The printed handout's ruled space for what INTRO asks the patient to write down.
OWN_QUESTIONS_HEADING = N_("Your own questions")

TOPICS: tuple[HandoutTopic, ...] = (
    HandoutTopic(
        "post_surgical_pain",
        N_("Pain after spine surgery"),
        N_(
            "Some people still have pain after spine surgery, or get new pain. "
            "There can be many reasons. Your surgeon will look for the cause first."
        ),
        N_(
            "Your surgeon may suggest new tests or scans. Care without surgery may help. "
            "If a cause is found, a small operation may be one choice."
        ),
        (
            N_("What do you think is causing my pain now?"),
            N_("Which tests do I need?"),
            N_("What can I try before another operation?"),
        ),
    ),
    HandoutTopic(
        "recurrent_herniation",
        N_("The same disc may have bulged again"),
        N_(
            "After a disc operation, the same disc can bulge out again. "
            "It can press on a nerve and cause leg pain."
        ),
        N_(
            "A scan can show if the disc is pressing on a nerve. If it is, the surgeon may "
            "talk about taking out the new piece of disc through a small cut."
        ),
        (
            N_("Is it the same disc, or something else?"),
            N_("Can this get better without surgery?"),
            N_("How is a second operation different from the first?"),
        ),
    ),
    HandoutTopic(
        "scar_tissue",
        N_("Scar tissue after surgery"),
        N_(
            "Scar tissue forms as the body heals after an operation. Sometimes it lies near "
            "a nerve. It is hard to tell scar tissue from a disc that bulged again."
        ),
        N_(
            "An MRI with a dye can help tell them apart. Surgery helps scar tissue less than it "
            "helps a bulging disc, so your surgeon may talk about care without surgery first."
        ),
        (
            N_("Is my pain from scar tissue or from a disc?"),
            N_("Do I need an MRI with dye?"),
            N_("What can help with nerve pain from scar tissue?"),
        ),
    ),
    HandoutTopic(
        "adjacent_segment_disease",
        N_("Wear and tear next to a fusion"),
        N_(
            "A fusion joins bones in the spine so they do not move. Over the years, the parts "
            "just above or below can wear faster. This can cause new pain."
        ),
        N_(
            "Your surgeon may order new X-rays or scans. Some people do well with exercise "
            "and therapy. For others, your surgeon may talk about making more room for the "
            "nerves, or a small fusion."
        ),
        (
            N_("Is the part next to my fusion worn?"),
            N_("What can I try without surgery?"),
            N_("If I need surgery, can it be done through small cuts?"),
        ),
    ),
    HandoutTopic(
        "fusion_healing",
        N_("How well your fusion has healed"),
        N_(
            "After a fusion, the bones should grow together over many months. Sometimes they "
            "do not fully join. This can cause pain."
        ),
        N_(
            "A CT scan can show how well the bones have joined. If they have not, your surgeon "
            "may talk about ways to help them heal, or about fixing the fusion."
        ),
        (
            N_("Have my bones joined?"),
            N_("What can help my bones heal?"),
            N_("Does smoking or my health slow the healing?"),
        ),
    ),
    HandoutTopic(
        "early_postop_course",
        N_("Your recent operation"),
        N_(
            "Your operation was less than a year ago. Healing takes time, and pain can go up "
            "and down. It may be too early to judge the result."
        ),
        N_(
            "Your surgeon may want to talk with the team who did your operation. "
            "They will check how you are healing and what to do next."
        ),
        (
            N_("Is my healing on track?"),
            N_("Which signs mean I should call right away?"),
            N_("Should I talk with the team who did my operation?"),
        ),
    ),
    HandoutTopic(
        "herniated_disc",
        N_("A bulging (herniated) disc"),
        N_(
            "Soft discs sit between the bones of your spine. A disc can bulge out and press "
            "on a nerve. This can cause leg pain, numbness or weakness. Many people get better "
            "in a few weeks without surgery."
        ),
        N_(
            "If the pain does not get better, a surgeon can take out the piece of disc that "
            "presses on the nerve. This can be done through a small cut with a microscope, or "
            "with a thin camera (endoscope)."
        ),
        (
            N_("How long should I wait to see if it gets better?"),
            N_("Would a small-cut or camera operation fit me?"),
            N_("When could I go back to work?"),
        ),
    ),
    HandoutTopic(
        "sciatica",
        N_("Sciatica: nerve pain down the leg"),
        N_(
            "Sciatica is pain that runs from the low back or buttock down the leg. "
            "It happens when a nerve in the low back is pressed or upset."
        ),
        N_(
            "Most sciatica gets better with time, exercise and therapy. A shot near the nerve "
            "may ease pain. If a disc or narrow space presses on the nerve, a small operation "
            "may be one choice."
        ),
        (
            N_("What is pressing on my nerve?"),
            N_("Would a shot near the nerve help me?"),
            N_("When is surgery worth talking about?"),
        ),
    ),
    HandoutTopic(
        "spinal_stenosis",
        N_("A narrow space for the nerves (spinal stenosis)"),
        N_(
            "The space for the nerves in your spine can get narrow with age. Your legs may hurt "
            "or feel heavy when you stand or walk. Sitting or leaning forward often helps."
        ),
        N_(
            "Exercise and therapy help many people. If they do not help enough, a surgeon can "
            "make more room for the nerves through small cuts. This is called decompression."
        ),
        (
            N_("How narrow is the space for my nerves?"),
            N_("What can I try before surgery?"),
            N_("Can more room be made through small cuts?"),
        ),
    ),
    HandoutTopic(
        "degenerative_disc_disease",
        N_("Worn discs"),
        N_(
            "Discs wear out slowly as we age. This is common and does not always cause pain. "
            "Sometimes worn discs cause back pain."
        ),
        N_(
            "Care without surgery comes first: exercise, therapy and staying active. "
            "A fusion is only for some people, for certain reasons. Your surgeon can explain "
            "if it could fit you."
        ),
        (
            N_("Is a worn disc the cause of my pain?"),
            N_("Which exercises help most?"),
            N_("Why would or would not surgery help me?"),
        ),
    ),
    HandoutTopic(
        "spondylolisthesis",
        N_("A slipped bone in the spine"),
        N_(
            "Sometimes one bone in the spine slips forward over the one below. "
            "This can cause back pain or press on nerves."
        ),
        N_(
            "Many people do well with exercise and therapy. If not, a surgeon can make more "
            "room for the nerves. Some people also need the bones held steady with a fusion, "
            "which can often be done through small cuts."
        ),
        (
            N_("How far has the bone slipped?"),
            N_("Is the bone moving when I bend?"),
            N_("Would I need a fusion, or only more room for the nerves?"),
        ),
    ),
    HandoutTopic(
        "cervical_radiculopathy_myelopathy",
        N_("Nerves or the spinal cord in the neck"),
        N_(
            "A disc or bone in the neck can press on a nerve. This can cause pain, numbness or "
            "weakness in the arm. Pressure on the spinal cord can make the hands clumsy or "
            "make walking less steady."
        ),
        N_(
            "Your surgeon may check your nerves and order an MRI. Surgery on the neck can be done "
            "from the front or the back. Some of these operations are done through small cuts."
        ),
        (
            N_("Is a nerve or my spinal cord being pressed?"),
            N_("Which signs mean I should call right away?"),
            N_("Would surgery be from the front or the back of my neck?"),
        ),
    ),
    HandoutTopic(
        "facet_or_si_joint_pain",
        N_("Pain from the small joints of the back or the pelvis"),
        N_(
            "Small joints link the bones of your spine. Other joints link the spine to the "
            "pelvis. When these joints wear, they can cause back or buttock pain."
        ),
        N_(
            "A numbing shot in the joint can show if it is the cause. A treatment that uses "
            "heat on the small nerves of the joint may ease pain for a while. For the joint "
            "between spine and pelvis, some people may have a fusion done through small cuts."
        ),
        (
            N_("Could a joint be the cause of my pain?"),
            N_("Would a test shot help find the cause?"),
            N_("How long could a nerve treatment help?"),
        ),
    ),
    HandoutTopic(
        "chronic_low_back_pain",
        N_("Low back pain that lasts"),
        N_(
            "Low back pain that lasts more than 3 months is called chronic. It is common. "
            "Exercise, therapy and staying active help many people."
        ),
        N_(
            "Surgery helps only some causes of back pain. Your surgeon will look for the cause "
            "first and talk with you about care with and without surgery."
        ),
        (
            N_("What is the cause of my back pain?"),
            N_("What care could help me most?"),
            N_("Is there a cause that surgery could help?"),
        ),
    ),
    HandoutTopic(
        "bone_quality",
        N_("How strong your bones are"),
        N_(
            "Thin bones break more easily. Screws and other parts also hold less well in thin "
            "bone. Age, some medicines and some health problems can thin the bones."
        ),
        N_(
            "Your surgeon may suggest a bone scan. Medicine can make bones stronger before an "
            "operation. If a bone in the spine has broken, cement put in through a needle may "
            "help."
        ),
        (
            N_("Do I need a bone scan?"),
            N_("Should I take medicine to make my bones stronger?"),
            N_("How do thin bones change my choices?"),
        ),
    ),
    HandoutTopic(
        "conservative_care",
        N_("Care without surgery"),
        N_(
            "Most pain that comes from the spine gets better with time, exercise and therapy. "
            "Doctors often ask you to try this for about 6 weeks before a planned operation."
        ),
        N_(
            "Your surgeon may talk about therapy, exercise, medicine or shots. "
            "They will ask what you have tried and what helped."
        ),
        (
            N_("What else can I try without surgery?"),
            N_("How long should I try it?"),
            N_("How will we know if it is working?"),
        ),
    ),
    HandoutTopic(
        "imaging",
        N_("Scans of your spine"),
        N_(
            "A recent MRI scan helps the surgeon see your spine and nerves. If you had one, bring "
            "the report or the pictures. If not, the clinic may set one up."
        ),
        N_(
            "Your surgeon will tell you if you need a new scan. If you have a nerve stimulator "
            "or other device, bring its card. Some devices are safe in an MRI only with certain "
            "settings."
        ),
        (
            N_("Do I need a new scan?"),
            N_("What does my scan show?"),
            N_("Is an MRI safe with my device?"),
        ),
    ),
    HandoutTopic(
        "risk_factors",
        N_("Your health and healing"),
        N_(
            "Some things can raise the chance of problems or slow healing after surgery. "
            "Smoking, diabetes, weight, blood thinners and some medicines are examples."
        ),
        N_(
            "Many of these can be made better before an operation. Your surgeon may ask you to "
            "stop smoking, control your blood sugar, or change a medicine for a while."
        ),
        (
            N_("What can I do before surgery to heal better?"),
            N_("Do I need to stop any medicine, and when?"),
            N_("Where can I get help to stop smoking?"),
        ),
    ),
    HandoutTopic(
        "mood_and_coping",
        N_("Mood, stress and coping with pain"),
        N_(
            "Pain that lasts can change your mood and sleep. Worry can make pain harder to bear. "
            "This is common, and it can be helped."
        ),
        N_(
            "How you feel also affects how you heal. Your care team can suggest support, such as "
            "talking with a counselor or a pain program."
        ),
        (
            N_("Who can help me cope with pain and stress?"),
            N_("How does my mood affect my healing?"),
            N_("Is there a pain program near me?"),
        ),
    ),
    HandoutTopic(
        "recovery_planning",
        N_("Planning your recovery"),
        N_(
            "After surgery through small cuts, many people go home the same day or the next day. "
            "When you can work, lift or care for others depends on the operation and your job."
        ),
        N_(
            "Your surgeon can help you plan time off work and help at home. "
            "Physical therapy often starts soon after the operation."
        ),
        (
            N_("How long would I stay in the hospital?"),
            N_("When could I go back to work?"),
            N_("When could I lift or care for others again?"),
        ),
    ),
)

TOPIC_BY_ID: dict[str, HandoutTopic] = {topic.id: topic for topic in TOPICS}

WARNING_HEADING = N_("Warning signs: what to do")
# Go to an emergency department or call the emergency number at once.
EMERGENCY_SIGNS = (
    N_("You cannot pass urine, or you lose control of your bladder or bowels."),
    N_("You feel numb between your legs or around your bottom."),
    N_("Your legs get weak very fast, or you cannot stand or walk."),
)
EMERGENCY_ACTION = N_(
    "If any of these happen, go to an emergency department or call %(number)s right away. "
    "Do not wait for your visit."
)
# Call the clinic the same day (evaluation.md: worse weakness or balance and a fever with a
# risk of infection are urgent). The wound line is for patients who had spine surgery.
CALL_SIGNS = (
    N_("You have a fever or chills with your back pain."),
    N_("Your pain or weakness is getting worse."),
    N_("Your hands get clumsy, or your balance gets worse."),
)
WOUND_SIGN = N_("Your wound is red, hot, swollen or leaking.")

# At the top of the handout of a patient whose answers called for action (triage emergency or
# urgent): the advice they were given when they answered, repeated where they will read it
# again, since a printed page may be read days later.
FLAGGED_HEADING = N_("Your answers included a warning sign")
FLAGGED_EMERGENCY = N_(
    "If a doctor has not checked you for it yet, go to an emergency department now, or call "
    "%(number)s. Do not wait for your visit."
)
FLAGGED_URGENT = N_(
    "A doctor should talk with you soon. If you have not talked with us yet, call "
    "%(clinic)s today at %(phone)s."
)
# With what to do when the clinic is closed: the urgent page's advice ("If you cannot reach us,
# go to an emergency department"), since these can start at night or at the weekend.
CALL_ACTION = N_(
    "If any of these happen, call the clinic the same day at %(phone)s. If the clinic is "
    "closed or you cannot reach us, go to an emergency department."
)
CLINIC_LINE = N_("Questions before your visit? Call %(clinic)s at %(phone)s.")
