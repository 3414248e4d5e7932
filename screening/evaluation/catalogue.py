"""What evaluation can find: triage levels, red flags, MISS discussion topics and answer checks.

The ids and their order are the contract of ../shared/spec/evaluation.md (rules version 1);
stored results, the staff pages and the PDF all refer to them. Titles and red-flag wording are
for the surgeon (short, clinical); `patient_explanation` is for the patient (plain words, 6th-8th
grade), so it is marked with `N_` and translated where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.questionnaire.model import N_

# Bumped whenever a rule changes what a given answer set yields; stored with every result so a
# summary made later still says which rules found what.
RULES_VERSION = "1"

# Most serious first: "triage is the first level whose rule holds".
TRIAGE_LEVELS: tuple[str, ...] = ("emergency", "urgent", "review", "routine")
TRIAGE_RANK: dict[str, int] = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}
# The levels acted on at once: the patient is told (go to an emergency department / call the
# clinic today) and staff acknowledge the red flags.
ACT_NOW_LEVELS: tuple[str, ...] = ("emergency", "urgent")

TRIAGE_TITLES: dict[str, str] = {
    "emergency": N_("Emergency: possible cauda equina syndrome"),
    "urgent": N_("Urgent: contact the patient today"),
    "review": N_("Review: a clinician checks the flagged answers before the visit"),
    "routine": N_("Routine"),
}

# In the order the spec lists them; `red_flags` in a result keeps this order.
RED_FLAGS: dict[str, str] = {
    "bladder_bowel_change": N_("New bladder or bowel change"),
    "saddle_numbness": N_("New saddle numbness"),
    "both_legs_symptoms": N_("Symptoms recently spread to both legs"),
    "progressive_weakness": N_("Leg weakness getting worse"),
    "sexual_dysfunction_new": N_("New sexual dysfunction"),
    "fever_chills": N_("Fever, chills or night sweats with the back pain"),
    "weight_loss_unexplained": N_("Unexplained weight loss"),
    "cancer_history": N_("History of cancer"),
    "immunosuppressed": N_("Immunosuppressed"),
    "long_term_steroids": N_("Oral steroids for 3 months or more"),
    "iv_drug_use": N_("Injected drug use"),
    "recent_trauma": N_("Fall, accident or injury just before the pain began"),
}


@dataclass(frozen=True)
class Topic:
    """One MISS discussion topic: a stable id, the surgeon's title, the patient's explanation."""

    id: str
    title: str
    patient_explanation: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "post_surgical_pain",
        N_("Persistent pain after spine surgery"),
        N_(
            "Some people still have pain, or get new pain, after spine surgery. "
            "Your surgeon will look for the cause and talk with you about the choices, "
            "with or without another operation."
        ),
    ),
    Topic(
        "recurrent_herniation",
        N_("Possible recurrent disc herniation (revision microdiscectomy)"),
        N_(
            "After a disc operation, the same disc can bulge out again and press on a nerve. "
            "If that is the cause of your leg pain, a second small operation to remove it "
            "may be one choice."
        ),
    ),
    Topic(
        "scar_tissue",
        N_("Epidural fibrosis (scar tissue) after decompression"),
        N_(
            "Scar tissue forms as the body heals after surgery. Sometimes it sits near a "
            "nerve and may add to leg pain. Your surgeon can explain what a scan shows and "
            "what may help."
        ),
    ),
    Topic(
        "adjacent_segment_disease",
        N_("Adjacent segment disease above or below a fusion"),
        N_(
            "When bones in the spine are joined (fused), the levels just above or below "
            "can wear faster over the years. This can cause new pain. Your surgeon can check "
            "for it."
        ),
    ),
    Topic(
        "fusion_healing",
        N_("Possible non-union after fusion (pseudarthrosis)"),
        N_(
            "After a fusion, the bones should grow together over the following months. "
            "Sometimes they do not fully join, and that can cause pain. Tests can show "
            "how well they have healed."
        ),
    ),
    Topic(
        "herniated_disc",
        N_("Herniated disc: MIS microdiscectomy or endoscopic discectomy"),
        N_(
            "Between the bones of your spine are soft discs. A disc can bulge out and press "
            "on a nerve, which can cause leg pain, numbness or weakness. Many people get "
            "better without surgery, and if not, a surgeon can remove the piece through a "
            "small cut."
        ),
    ),
    Topic(
        "sciatica",
        N_("Sciatica (radicular leg pain)"),
        N_(
            "Sciatica is nerve pain that runs from the low back or buttock down the leg, "
            "sometimes to the foot. It happens when a nerve root in the low back is pressed "
            "or irritated."
        ),
    ),
    Topic(
        "spinal_stenosis",
        N_("Spinal stenosis: minimally invasive decompression"),
        N_(
            "Spinal stenosis means the space for the nerves in your spine has become narrow. "
            "It often causes leg pain when you stand or walk that eases when you sit or lean "
            "forward. Surgery through small cuts can make more room for the nerves."
        ),
    ),
    Topic(
        "degenerative_disc_disease",
        N_("Degenerative disc disease or spondylolisthesis: MIS fusion"),
        N_(
            "Discs wear with age, and sometimes one bone slips forward on the one below. "
            "This can cause back pain or press on nerves. When other care has not helped, "
            "a fusion through small cuts can hold the bones steady."
        ),
    ),
    Topic(
        "chronic_low_back_pain",
        N_("Chronic low back pain"),
        N_(
            "Low back pain that lasts more than 3 months is called chronic. Exercise, "
            "physical therapy and other care help many people. Surgery helps only some "
            "causes, so your surgeon will look for the cause first."
        ),
    ),
    Topic(
        "conservative_care",
        N_("Conservative care so far (about 6 weeks expected before elective surgery)"),
        N_(
            "Most back and leg pain gets better with time, exercise and physical therapy. "
            "Doctors usually suggest trying these for about 6 weeks before a planned operation."
        ),
    ),
    Topic(
        "imaging",
        N_("Imaging: bring or arrange a recent MRI"),
        N_(
            "A recent MRI scan helps the surgeon see your spine and nerves. If you had one, "
            "bring the report or the images. If not, the clinic may arrange one."
        ),
    ),
    Topic(
        "risk_factors",
        N_("Surgical risk and healing factors"),
        N_(
            "Some health issues, like smoking, diabetes, weight, thin bones or some medicines, "
            "can raise the risk of problems or slow healing after surgery. Many of them can be "
            "improved before an operation."
        ),
    ),
    Topic(
        "mood_and_coping",
        N_("Mood, stress and coping with pain"),
        N_(
            "Long-lasting pain can affect mood and sleep, and worry can make pain harder to "
            "bear. How you feel also affects recovery. Your care team can help with this too."
        ),
    ),
    Topic(
        "recovery_planning",
        N_("Recovery planning: hospital stay, return to work, caring for others"),
        N_(
            "After minimally invasive spine surgery, many people go home the same day or the "
            "next day. When you can go back to work, lift or care for others depends on the "
            "operation and on your job. Your surgeon can help you plan ahead."
        ),
    ),
)

TOPIC_BY_ID: dict[str, Topic] = {topic.id: topic for topic in TOPICS}

# Answers worth a second look before the visit; they never change triage or topics.
CHECKS: dict[str, str] = {
    "leg_pain_zero_with_leg_regions": N_("Leg pain 0/10, but pain marked in the lower leg"),
    "resolved_but_severe_pain": N_("Pain 'went away' after surgery, yet severe pain now"),
    "blood_thinner_not_declared": N_("Blood thinner named, but 'no blood thinners' answered"),
    "opioid_not_declared": N_("Opioid named, but 'no opioids now' answered"),
    "diabetes_medicine_not_declared": N_("Diabetes medicine named, but 'no diabetes' answered"),
    "insulin_not_declared": N_("Insulin named, but 'diet or tablets' answered"),
    "steroid_not_declared": N_("Oral steroid named, but 'no long-term steroids' answered"),
    "opioids_not_in_tried": N_("Takes opioids now, but opioids not ticked as tried"),
    "osteoporosis_medicine_not_declared": N_(
        "Osteoporosis medicine named, but osteoporosis not ticked"
    ),
}
