"""What evaluation can find: triage levels, red flags, MISS discussion topics and answer checks.

The ids and their order are the contract of the evaluation spec (rules version 2);
stored results, the staff pages and the PDF all refer to them. Titles and red-flag wording are
for the surgeon (short, clinical); `patient_explanation` is for the patient (plain words, 6th-8th
grade), so it is marked with `N_` and translated where it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.questionnaire.model import N_

# Bumped whenever a rule changes what a given answer set yields; stored with every result so a
# summary made later still says which rules found what.
RULES_VERSION = "2"

# Most serious first: "triage is the first level whose rule holds".
TRIAGE_LEVELS: tuple[str, ...] = ("emergency", "urgent", "review", "routine")
TRIAGE_RANK: dict[str, int] = {level: rank for rank, level in enumerate(TRIAGE_LEVELS)}
# The levels acted on at once: the patient is told (go to an emergency department / call the
# clinic today) and staff acknowledge the red flags.
ACT_NOW_LEVELS: tuple[str, ...] = ("emergency", "urgent")

TRIAGE_TITLES: dict[str, str] = {
    "emergency": N_("Emergency: send to an emergency department now"),
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
    "possible_myelopathy": N_("Possible myelopathy: new hand clumsiness or unsteady walking"),
    "wound_problem": N_("Spine surgery scar red, swollen, hot or leaking"),
}

# The rules behind a triage level, in the spec's order, in a surgeon's words (a banner names
# the ones that held). The functions themselves are in triage.py.
TRIAGE_RULE_TITLES: dict[str, str] = {
    "cauda_equina": N_("Possible cauda equina syndrome"),
    "cord_compression_cancer": N_("Possible spinal cord compression from a cancer"),
    "cauda_equina_not_changing": N_("Cauda equina signs, longer ago and not changing"),
    "sexual_dysfunction": N_("New sexual dysfunction"),
    "progressive_weakness": N_("Leg weakness getting worse"),
    "both_legs": N_("Symptoms spread to both legs"),
    "worsening_balance": N_("Balance getting worse"),
    "infection_risk": N_("Possible spinal infection"),
    "wound": N_("Possible wound infection after spine surgery"),
    "cancer_risk": N_("Possible spinal cancer"),
    "fracture_risk": N_("Possible spinal fracture"),
    "red_flags": N_("Red flags to review"),
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
        N_("Persistent pain after spine surgery (PSPS type 2)"),
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
        N_("Recurrent disc or scar tissue after decompression (contrast MRI)"),
        N_(
            "Scar tissue forms as the body heals after surgery. Sometimes it sits near a "
            "nerve and may add to leg pain. A special MRI scan can tell scar from a disc, "
            "and that changes what may help."
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
        "early_postop_course",
        N_("Operation under a year ago, not settling: liaise with the operating team"),
        N_(
            "Healing after spine surgery takes many months. Your surgeon will look at how "
            "you are doing and may talk with the team that did your operation."
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
        N_("Degenerative disc disease: non-surgical care first, fusion only if indicated"),
        N_(
            "Discs wear with age, and this can cause back pain. Exercise and other care help "
            "most people. An operation helps only in some cases."
        ),
    ),
    Topic(
        "spondylolisthesis",
        N_("Spondylolisthesis: decompression with or without MIS fusion"),
        N_(
            "Sometimes one bone of the spine slips forward on the one below. This can cause "
            "back pain or press on nerves. When other care has not helped, surgery through "
            "small cuts can make room for the nerves and hold the bones steady."
        ),
    ),
    Topic(
        "cervical_radiculopathy_myelopathy",
        N_("Neck: nerve root or spinal cord compression (anterior or posterior MIS)"),
        N_(
            "A disc or bone spur in the neck can press on a nerve or on the spinal cord. "
            "This can cause neck and arm pain, clumsy hands or unsteady walking. Your surgeon "
            "will check for it and explain the choices."
        ),
    ),
    Topic(
        "facet_or_si_joint_pain",
        N_("Possible facet or sacroiliac joint pain: block, denervation, MIS SI fusion"),
        N_(
            "Back or buttock pain can come from the small joints of the spine or the joint "
            "where the spine meets the pelvis. A numbing shot can show if a joint is the cause. "
            "If it is, there are treatments that target that joint."
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
        "bone_quality",
        N_("Bone quality before screws or cages; augmentation for osteoporotic fracture"),
        N_(
            "Strong bones help screws and implants hold. Your surgeon may check your bone "
            "strength before an operation. A painful break from thin bones can sometimes be "
            "treated with bone cement."
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
            "bring the report or the images. If you have a stimulator, bring its device card."
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
