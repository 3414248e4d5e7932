"""THE questionnaire (version 2): every section and item of the data dictionary.

Forms, server-side validation, the review page, the PDF, exports and the CLI all read this one
definition. Item ids and codes are the contract (docs/answer-set.md); the wording is ours,
written for an adult in pain reading on a phone (short sentences, everyday words).

An item that applies only sometimes carries `applies_when` (the rule) and `only_if` (the same
rule in the patient's words, shown beside it when the page is read without JavaScript).
"""

from __future__ import annotations

from screening.questionnaire.conditions import Above, AnyOf, Equals, Includes, OneOf
from screening.questionnaire.model import N_, Code, Item, ItemType, Questionnaire, Section

T = ItemType

YES_NO_HINT = None

PAIN_SCALE = (N_("0 = no pain"), N_("10 = worst pain you can imagine"))

HOW_OFTEN = (
    Code(0, N_("Not at all")),
    Code(1, N_("Several days")),
    Code(2, N_("More than half the days")),
    Code(3, N_("Nearly every day")),
)

IN_WORK = OneOf("work_status", ("working", "working_reduced", "off_work_due_to_pain"))
HAD_SURGERY = Equals("prior_spine_surgery", True)
NECK_HURTS = Includes("pain_regions", ("neck",))
ARM_HURTS = Includes("pain_regions", ("arm_left", "arm_right"))
# The four signs of possible cauda equina syndrome; when any is yes, we ask when they began.
CAUDA_EQUINA_SIGNS = AnyOf(
    (
        Equals("bladder_bowel_change", True),
        Equals("saddle_numbness", True),
        Equals("both_legs_symptoms", True),
        Equals("sexual_dysfunction_new", True),
    )
)
HAD_CANCER = Equals("cancer_history", True)
HAD_INJECTIONS = OneOf("injections", ("one", "two_or_more"))

ONLY_IF_WORKING = N_("Only answer this if you have a job, even if you are off work now.")
ONLY_IF_SURGERY = N_("Only if you have had spine surgery. If not, skip this.")


def _yes_no(item_id: str, question: str, label: str, hint: str | None = None) -> Item:
    return Item(item_id, T.YES_NO, question, label, required=True, hint=hint)


ABOUT = Section(
    "about",
    N_("About you"),
    N_("A few details so your care team knows who you are."),
    (
        Item(
            "first_name",
            T.TEXT,
            N_("First name"),
            N_("First name"),
            required=True,
            min_length=1,
            max_length=100,
        ),
        Item(
            "last_name",
            T.TEXT,
            N_("Last name"),
            N_("Last name"),
            required=True,
            min_length=1,
            max_length=100,
        ),
        Item(
            "date_of_birth",
            T.DATE,
            N_("Date of birth"),
            N_("Date of birth"),
            required=True,
            hint=N_("For example: 1975-03-14 (year, month, day)."),
        ),
        Item(
            "phone",
            T.TEXT,
            N_("What phone number can we call you on?"),
            N_("Phone"),
            required=True,
            min_length=7,
            max_length=20,
            format="phone",
            hint=N_("We will call this number if an answer needs quick care."),
        ),
        Item(
            "email",
            T.TEXT,
            N_("Email address"),
            N_("Email"),
            max_length=254,
            format="email",
            hint=N_("For reminders and a copy of your notes. You can leave this blank."),
        ),
        Item(
            "sex",
            T.CHOICE,
            N_("Sex"),
            N_("Sex"),
            codes=(
                Code("female", N_("Female")),
                Code("male", N_("Male")),
                Code("other", N_("Other")),
                Code("prefer_not_to_say", N_("I prefer not to say")),
            ),
        ),
        Item(
            "height_cm",
            T.NUMBER,
            N_("Height"),
            N_("Height"),
            min_value=100,
            max_value=250,
            unit="cm",
            hint=N_("In centimeters, or in feet and inches."),
        ),
        Item(
            "weight_kg",
            T.NUMBER,
            N_("Weight"),
            N_("Weight"),
            min_value=25,
            max_value=350,
            unit="kg",
            hint=N_("In kilograms, or in pounds."),
        ),
        Item(
            "work_status",
            T.CHOICE,
            N_("Which best describes your work right now?"),
            N_("Work"),
            required=True,
            codes=(
                Code("working", N_("I am working")),
                Code("working_reduced", N_("I am working, but less because of pain")),
                Code("off_work_due_to_pain", N_("I am off work because of pain")),
                Code("not_working", N_("I am not working")),
                Code("retired", N_("I am retired")),
            ),
        ),
        Item(
            "work_demand",
            T.CHOICE,
            N_("How physical is your job?"),
            N_("Job demand"),
            required=True,
            applies_when=IN_WORK,
            only_if=ONLY_IF_WORKING,
            codes=(
                Code("sedentary", N_("Mostly sitting (for example, desk work)")),
                Code("light", N_("Light (on my feet, little lifting)")),
                Code("heavy", N_("Heavy (lifting, manual labor)")),
            ),
        ),
        _yes_no(
            "caregiver",
            N_("Do you take care of someone who needs your physical help?"),
            N_("Physical carer"),
            N_("For example, young children or a relative."),
        ),
        Item(
            "compensation_claim",
            T.CHOICE,
            N_("Do you have an injury claim, disability claim or legal case about this pain?"),
            N_("Claim or legal case"),
            codes=(
                Code("no", N_("No")),
                Code("yes", N_("Yes")),
                Code("prefer_not_to_say", N_("I prefer not to say")),
            ),
        ),
        Item(
            "visit_reason",
            T.LONG_TEXT,
            N_("In your own words, why are you coming to see us?"),
            N_("Reason for visit"),
            max_length=2000,
        ),
    ),
)

SURGERY_ENTRY = (
    Item(
        "procedure",
        T.CHOICE,
        N_("What was done?"),
        N_("Procedure"),
        required=True,
        codes=(
            Code("discectomy", N_("Disc removal (discectomy)")),
            Code("laminectomy", N_("Making more room for nerves (laminectomy)")),
            Code("fusion", N_("Joining bones together (fusion)")),
            Code("disc_replacement", N_("Artificial disc (disc replacement)")),
            Code("spinal_cord_stimulator", N_("Spinal cord stimulator")),
            Code("other", N_("Something else")),
            Code("unknown", N_("I don't know")),
        ),
    ),
    Item(
        "region",
        T.CHOICE,
        N_("Which part of the spine?"),
        N_("Region"),
        required=True,
        codes=(
            Code("lumbar", N_("Lower back")),
            Code("thoracic", N_("Middle back")),
            Code("cervical", N_("Neck")),
            Code("unknown", N_("I don't know")),
        ),
    ),
    Item(
        "year",
        T.INTEGER,
        N_("What year?"),
        N_("Year"),
        required=True,
        min_value=1940,
        hint=N_("For example: 2019."),
    ),
    Item(
        "month",
        T.INTEGER,
        N_("What month, if you remember?"),
        N_("Month"),
        min_value=1,
        max_value=12,
        hint=N_("You can leave this blank."),
        codes=(
            Code(1, N_("January")),
            Code(2, N_("February")),
            Code(3, N_("March")),
            Code(4, N_("April")),
            Code(5, N_("May")),
            Code(6, N_("June")),
            Code(7, N_("July")),
            Code(8, N_("August")),
            Code(9, N_("September")),
            Code(10, N_("October")),
            Code(11, N_("November")),
            Code(12, N_("December")),
        ),
    ),
    Item(
        "approach",
        T.CHOICE,
        N_("What kind of operation was it?"),
        N_("Approach"),
        required=True,
        codes=(
            Code("open", N_("Open (one longer cut)")),
            Code("minimally_invasive", N_("Minimally invasive (small cuts)")),
            Code("unknown", N_("I don't know")),
        ),
    ),
    Item(
        "outcome",
        T.CHOICE,
        N_("In the months after, how did it go?"),
        N_("Outcome"),
        required=True,
        codes=(
            Code("much_better", N_("Much better")),
            Code("better", N_("Better")),
            Code("no_change", N_("No change")),
            Code("worse", N_("Worse")),
        ),
    ),
    Item(
        "levels",
        T.TEXT,
        N_("Which levels, if you know?"),
        N_("Levels"),
        max_length=50,
        hint=N_("For example: L4-L5. You can leave this blank."),
    ),
)

SURGERY = Section(
    "surgery",
    N_("Earlier spine surgery"),
    N_("Tell us about any operation you have had on your spine."),
    (
        _yes_no(
            "prior_spine_surgery",
            N_("Have you had surgery on your spine before?"),
            N_("Previous spine surgery"),
        ),
        Item(
            "surgeries",
            T.GROUP,
            N_("Your spine operations"),
            N_("Operations"),
            required=True,
            applies_when=HAD_SURGERY,
            only_if=ONLY_IF_SURGERY,
            min_entries=1,
            max_entries=10,
            items=SURGERY_ENTRY,
            hint=N_("Add one entry for each operation, up to 10."),
        ),
        Item(
            "symptoms_since_surgery",
            T.CHOICE,
            N_("Since your most recent spine operation, how has your pain been?"),
            N_("Since last surgery"),
            required=True,
            applies_when=HAD_SURGERY,
            only_if=ONLY_IF_SURGERY,
            codes=(
                Code("resolved", N_("The pain went away")),
                Code("improved_then_returned", N_("It got better, then came back")),
                Code("never_improved", N_("It never got better")),
                Code("new_different_pain", N_("I have new or different pain")),
                Code("worse", N_("It is worse")),
            ),
        ),
    ),
)

SYMPTOMS = Section(
    "symptoms",
    N_("Your pain and symptoms"),
    N_("Think about how you feel now and over the past week."),
    (
        Item(
            "back_pain_nrs",
            T.INTEGER,
            N_("How bad is your back pain right now?"),
            N_("Back pain"),
            required=True,
            min_value=0,
            max_value=10,
            presentation="scale",
            scale_labels=PAIN_SCALE,
        ),
        Item(
            "leg_pain_nrs",
            T.INTEGER,
            N_("How bad is your leg pain right now?"),
            N_("Leg pain"),
            required=True,
            min_value=0,
            max_value=10,
            presentation="scale",
            scale_labels=PAIN_SCALE,
        ),
        Item(
            "pain_regions",
            T.MULTI,
            N_("Where do you have pain?"),
            N_("Pain areas"),
            required_when=AnyOf((Above("back_pain_nrs", 0), Above("leg_pain_nrs", 0))),
            presentation="body_map",
            hint=N_("Choose every place that hurts."),
            codes=(
                Code("neck", N_("Neck")),
                Code("upper_back", N_("Upper back")),
                Code("lower_back", N_("Lower back")),
                Code("buttock_left", N_("Left buttock")),
                Code("buttock_right", N_("Right buttock")),
                Code("thigh_left", N_("Left thigh")),
                Code("thigh_right", N_("Right thigh")),
                Code("below_knee_left", N_("Left leg below the knee")),
                Code("below_knee_right", N_("Right leg below the knee")),
                Code("foot_left", N_("Left foot")),
                Code("foot_right", N_("Right foot")),
                Code("arm_left", N_("Left arm")),
                Code("arm_right", N_("Right arm")),
            ),
        ),
        Item(
            "neck_pain_nrs",
            T.INTEGER,
            N_("How bad is your neck pain right now?"),
            N_("Neck pain"),
            required=True,
            applies_when=NECK_HURTS,
            only_if=N_("Only if you marked your neck as a place that hurts."),
            min_value=0,
            max_value=10,
            presentation="scale",
            scale_labels=PAIN_SCALE,
        ),
        Item(
            "arm_pain_nrs",
            T.INTEGER,
            N_("How bad is your arm pain right now?"),
            N_("Arm pain"),
            required=True,
            applies_when=ARM_HURTS,
            only_if=N_("Only if you marked an arm as a place that hurts."),
            min_value=0,
            max_value=10,
            presentation="scale",
            scale_labels=PAIN_SCALE,
        ),
        Item(
            "pain_duration",
            T.CHOICE,
            N_("How long has this bout of pain lasted?"),
            N_("Duration"),
            required=True,
            codes=(
                Code("under_6_weeks", N_("Less than 6 weeks")),
                Code("6_to_12_weeks", N_("6 to 12 weeks")),
                Code("3_to_12_months", N_("3 to 12 months")),
                Code("over_1_year", N_("More than 1 year")),
            ),
        ),
        _yes_no(
            "numbness_tingling",
            N_("Do you have numbness or pins and needles in your legs or feet?"),
            N_("Numbness or tingling"),
        ),
        Item(
            "leg_weakness",
            T.CHOICE,
            N_("Do you have weakness in a leg or foot?"),
            N_("Leg weakness"),
            required=True,
            hint=N_("For example, tripping, or your foot slapping the ground."),
            codes=(
                Code("none", N_("No")),
                Code("stable", N_("Yes, and it is staying the same")),
                Code("getting_worse", N_("Yes, and it is getting worse")),
            ),
        ),
        Item(
            "walking_limit",
            T.CHOICE,
            N_("How long can you walk before pain stops you?"),
            N_("Walking"),
            required=True,
            codes=(
                Code("no_limit", N_("Pain does not stop me")),
                Code("over_30_min", N_("More than 30 minutes")),
                Code("10_to_30_min", N_("10 to 30 minutes")),
                Code("under_10_min", N_("Less than 10 minutes")),
                Code("cannot_walk", N_("I cannot walk")),
            ),
        ),
        _yes_no(
            "worse_standing_walking",
            N_("Does pain in your legs or buttocks come on when you stand or walk?"),
            N_("Worse standing or walking"),
        ),
        _yes_no(
            "relief_sitting_bending",
            N_("Does that pain get better when you sit down or bend forward?"),
            N_("Eased by sitting or bending forward"),
            N_("For example, leaning on a shopping cart. If you do not get that pain, answer No."),
        ),
        _yes_no(
            "worse_sitting_bending",
            N_("Is your pain worse when you sit or bend forward?"),
            N_("Worse sitting or bending"),
        ),
        _yes_no(
            "night_pain",
            N_("Do you have pain at night or at rest that does not ease when you move?"),
            N_("Night or rest pain"),
        ),
        Item(
            "interference_nrs",
            T.INTEGER,
            N_("In the past week, how much did pain get in the way of your daily life?"),
            N_("Interference"),
            required=True,
            min_value=0,
            max_value=10,
            presentation="scale",
            scale_labels=(N_("0 = not at all"), N_("10 = I could not do anything")),
        ),
    ),
)

WARNING_SIGNS = Section(
    "warning_signs",
    N_("Important warning signs"),
    N_("These questions help us spot problems that need care right away. Please answer each one."),
    (
        _yes_no(
            "bladder_bowel_change",
            N_(
                "Is it newly hard to pass urine, or can you feel less when you pass urine, "
                "or have you lost control of your bladder or bowels?"
            ),
            N_("Bladder or bowel change"),
        ),
        _yes_no(
            "saddle_numbness",
            N_(
                "Is there new numbness or a strange feeling around your genitals, "
                "bottom, buttocks or inner thighs?"
            ),
            N_("Saddle numbness"),
        ),
        _yes_no(
            "both_legs_symptoms",
            N_("Has pain, numbness or weakness recently spread to both legs?"),
            N_("Symptoms in both legs"),
        ),
        _yes_no(
            "sexual_dysfunction_new",
            N_("Have you had new problems with sex since your back or leg pain began?"),
            N_("New sexual problems"),
        ),
        Item(
            "warning_signs_onset",
            T.CHOICE,
            N_("When did these problems start?"),
            N_("When the warning signs began"),
            required=True,
            applies_when=CAUDA_EQUINA_SIGNS,
            only_if=N_(
                "Only if you said Yes about your bladder or bowels, numbness, both legs, or sex."
            ),
            hint=N_("Think of the problems you said Yes to above."),
            codes=(
                Code("within_2_weeks", N_("In the last 2 weeks")),
                Code("longer_getting_worse", N_("Longer ago, and they are getting worse")),
                Code("longer_not_changing", N_("Longer ago, and they are not changing")),
                Code("not_sure", N_("I am not sure")),
            ),
        ),
        _yes_no(
            "fever_chills",
            N_("Do you have fever, chills or night sweats along with your back pain?"),
            N_("Fever, chills or night sweats"),
        ),
        _yes_no(
            "weight_loss_unexplained",
            N_("Are you losing weight without trying?"),
            N_("Unexplained weight loss"),
        ),
        _yes_no("cancer_history", N_("Have you ever had cancer?"), N_("History of cancer")),
        Item(
            "cancer_status",
            T.CHOICE,
            N_("Where does your cancer stand now?"),
            N_("Cancer now"),
            required=True,
            applies_when=HAD_CANCER,
            only_if=N_("Only if you have had cancer."),
            codes=(
                Code("active_or_in_treatment", N_("I have it now, or I am being treated")),
                Code("treated_within_5_years", N_("Treatment ended in the last 5 years")),
                Code("treated_over_5_years_ago", N_("Treatment ended more than 5 years ago")),
                Code(
                    "skin_not_melanoma_only",
                    N_("Only a skin cancer that was not melanoma"),
                ),
                Code("not_sure", N_("I am not sure")),
            ),
        ),
        _yes_no(
            "immunosuppressed",
            N_(
                "Is your immune system weak? For example, from chemotherapy, "
                "transplant medicines or HIV."
            ),
            N_("Weak immune system"),
        ),
        _yes_no(
            "long_term_steroids",
            N_("Have you taken steroid pills, such as prednisone, for 3 months or more?"),
            N_("Long-term steroids"),
        ),
        _yes_no("iv_drug_use", N_("Have you ever injected drugs?"), N_("Injected drugs")),
        _yes_no(
            "recent_trauma",
            N_("Did you have a fall, accident or injury just before this pain began?"),
            N_("Recent injury"),
        ),
        _yes_no(
            "hand_clumsiness",
            N_(
                "Are your hands newly clumsy? For example, trouble with buttons or writing, "
                "or dropping things."
            ),
            N_("New hand clumsiness"),
        ),
        Item(
            "balance_problem",
            T.CHOICE,
            N_("Do you feel unsteady when you walk, or need to hold on to things?"),
            N_("Balance"),
            required=True,
            codes=(
                Code("none", N_("No")),
                Code("stable", N_("Yes, and it is staying the same")),
                Code("getting_worse", N_("Yes, and it is getting worse")),
            ),
        ),
        Item(
            "wound_problem",
            T.YES_NO,
            N_("Is a scar from spine surgery red, swollen, hot or leaking fluid?"),
            N_("Problem with a surgery scar"),
            required=True,
            applies_when=HAD_SURGERY,
            only_if=ONLY_IF_SURGERY,
        ),
    ),
)

HISTORY = Section(
    "history",
    N_("Diagnoses, tests and health"),
    None,
    (
        Item(
            "diagnoses",
            T.MULTI,
            N_("Has a doctor told you that you have any of these?"),
            N_("Diagnoses"),
            hint=N_("Choose all that apply. Leave all blank if none or if you are not sure."),
            codes=(
                Code("herniated_disc", N_("Herniated, bulging or slipped disc")),
                Code("spinal_stenosis", N_("Spinal stenosis (narrowing)")),
                Code("degenerative_disc_disease", N_("Worn discs (degenerative disc disease)")),
                Code("spondylolisthesis", N_("A vertebra that has slipped (spondylolisthesis)")),
                Code("scoliosis", N_("Curved spine (scoliosis)")),
                Code("sciatica", N_("Sciatica")),
                Code("osteoporosis", N_("Thin bones (osteoporosis)")),
                Code("spinal_fracture", N_("Broken bone in the spine")),
                Code("arthritis", N_("Arthritis in the spine")),
            ),
        ),
        Item(
            "mri_when",
            T.CHOICE,
            N_("When was your most recent MRI scan of the spine?"),
            N_("Latest spine MRI"),
            required=True,
            codes=(
                Code("never", N_("I have never had one")),
                Code("within_12_months", N_("In the past 12 months")),
                Code("over_12_months_ago", N_("More than 12 months ago")),
                Code("unsure", N_("I am not sure")),
            ),
        ),
        Item(
            "diabetes",
            T.CHOICE,
            N_("Do you have diabetes?"),
            N_("Diabetes"),
            required=True,
            codes=(
                Code("no", N_("No")),
                Code("yes_diet_or_tablets", N_("Yes, treated with diet or pills")),
                Code("yes_insulin", N_("Yes, I use insulin")),
            ),
        ),
        Item(
            "smoking",
            T.CHOICE,
            N_("Do you smoke or use nicotine?"),
            N_("Smoking"),
            required=True,
            hint=N_("This includes vaping, nicotine gum and patches."),
            codes=(
                Code("never", N_("Never")),
                Code("former", N_("I used to, but I stopped")),
                Code("current", N_("Yes, I do now")),
            ),
        ),
        _yes_no(
            "blood_thinners",
            N_("Do you take a blood thinner?"),
            N_("Blood thinners"),
            N_("For example: warfarin, apixaban, clopidogrel, or aspirin every day."),
        ),
        _yes_no(
            "heart_or_lung_disease",
            N_("Do you have heart or lung disease that a doctor treats?"),
            N_("Heart or lung disease"),
        ),
        _yes_no(
            "prior_spine_infection",
            N_("Have you had an infection in your spine, or after spine surgery?"),
            N_("Spine infection before"),
        ),
        Item(
            "current_medications",
            T.LONG_TEXT,
            N_("What medicines do you take now?"),
            N_("Current medicines"),
            max_length=2000,
            hint=N_("Names and doses if you know them. You can leave this blank."),
        ),
        Item(
            "allergies",
            T.LONG_TEXT,
            N_("Do you have any allergies?"),
            N_("Allergies"),
            max_length=1000,
            hint=N_("To medicines, foods, latex or anything else."),
        ),
    ),
)

TREATMENTS = Section(
    "treatments",
    N_("What you have tried"),
    N_("Tell us about treatment for this bout of pain."),
    (
        Item(
            "physical_therapy",
            T.CHOICE,
            N_("Have you had physical therapy or a guided exercise program?"),
            N_("Physical therapy"),
            required=True,
            codes=(
                Code("none", N_("No")),
                Code("under_6_weeks", N_("Yes, for less than 6 weeks")),
                Code("6_weeks_or_more", N_("Yes, for 6 weeks or more")),
            ),
        ),
        Item(
            "injections",
            T.CHOICE,
            N_("Have you had shots (injections) in your spine?"),
            N_("Spinal injections"),
            required=True,
            hint=N_("For example, an epidural steroid shot or a nerve block."),
            codes=(
                Code("none", N_("No")),
                Code("one", N_("Yes, one")),
                Code("two_or_more", N_("Yes, two or more")),
            ),
        ),
        Item(
            "injection_within_3_months",
            T.YES_NO,
            N_("Did you have a shot in your spine in the last 3 months?"),
            N_("Spinal injection in the last 3 months"),
            required=True,
            applies_when=HAD_INJECTIONS,
            only_if=N_("Only if you have had shots in your spine."),
        ),
        Item(
            "medications_tried",
            T.MULTI,
            N_("Which pain medicines have you tried?"),
            N_("Medicines tried"),
            hint=N_("Choose all that apply."),
            codes=(
                Code("anti_inflammatories", N_("Anti-inflammatories, like ibuprofen")),
                Code("muscle_relaxants", N_("Muscle relaxants")),
                Code(
                    "nerve_pain_medication",
                    N_("Nerve pain medicine, like gabapentin or pregabalin"),
                ),
                Code("opioids", N_("Opioids, like oxycodone or tramadol")),
                Code("oral_steroids", N_("Steroid pills, like prednisone")),
            ),
        ),
        Item(
            "opioid_use",
            T.CHOICE,
            N_("Do you take opioid pain medicine now?"),
            N_("Opioids now"),
            required=True,
            hint=N_("For example: oxycodone, hydrocodone, tramadol, morphine."),
            codes=(
                Code("none", N_("No")),
                Code("occasional", N_("Sometimes")),
                Code("daily", N_("Every day")),
            ),
        ),
        Item(
            "other_treatments",
            T.LONG_TEXT,
            N_("Anything else you have tried?"),
            N_("Other treatments"),
            max_length=1000,
            hint=N_("For example, chiropractic care or acupuncture."),
        ),
    ),
)

WELLBEING = Section(
    "wellbeing",
    N_("Mood, goals and worries"),
    N_("Over the last 2 weeks, how often have you been bothered by the following problems?"),
    (
        Item(
            "phq2_interest",
            T.INTEGER,
            N_("Little interest or pleasure in doing things"),
            N_("PHQ-2: interest"),
            required=True,
            min_value=0,
            max_value=3,
            codes=HOW_OFTEN,
        ),
        Item(
            "phq2_down",
            T.INTEGER,
            N_("Feeling down, depressed, or hopeless"),
            N_("PHQ-2: mood"),
            required=True,
            min_value=0,
            max_value=3,
            codes=HOW_OFTEN,
        ),
        Item(
            "gad2_nervous",
            T.INTEGER,
            N_("Feeling nervous, anxious or on edge"),
            N_("GAD-2: nervous"),
            required=True,
            min_value=0,
            max_value=3,
            codes=HOW_OFTEN,
        ),
        Item(
            "gad2_worry",
            T.INTEGER,
            N_("Not being able to stop or control worrying"),
            N_("GAD-2: worry"),
            required=True,
            min_value=0,
            max_value=3,
            codes=HOW_OFTEN,
        ),
        Item(
            "goals",
            T.MULTI,
            N_("What would you most like to get back to?"),
            N_("Goals"),
            hint=N_("Choose all that apply."),
            codes=(
                Code("return_to_work", N_("Going back to work")),
                Code("walk_further", N_("Walking further")),
                Code("sleep_better", N_("Sleeping better")),
                Code("less_medication", N_("Taking less medicine")),
                Code("sport_exercise", N_("Sport or exercise")),
                Code("care_for_family", N_("Caring for my family")),
                Code("avoid_surgery", N_("Getting better without surgery")),
            ),
        ),
        Item(
            "concerns",
            T.MULTI,
            N_("What worries you about treatment?"),
            N_("Concerns"),
            hint=N_("Choose all that apply."),
            codes=(
                Code("recovery_time", N_("How long recovery takes")),
                Code("time_off_work", N_("Time off work")),
                Code("pain_after_surgery", N_("Pain after surgery")),
                Code("complications", N_("Something going wrong")),
                Code("anesthesia", N_("Being put to sleep (anesthesia)")),
                Code("cost", N_("Cost")),
            ),
        ),
        Item(
            "goals_text",
            T.LONG_TEXT,
            N_("Anything else you hope for, or worry about?"),
            N_("Goals in own words"),
            max_length=1000,
        ),
    ),
)

REVIEW = Section(
    "review",
    N_("Check and send"),
    N_("Please check your answers. You can change any part before you send."),
    (
        Item(
            "consent_confirm",
            T.YES_NO,
            N_("These answers are mine and true. I agree to share them with my care team."),
            N_("Consent"),
        ),
    ),
)

QUESTIONNAIRE = Questionnaire(
    version="2",
    sections=(ABOUT, SURGERY, SYMPTOMS, WARNING_SIGNS, HISTORY, TREATMENTS, WELLBEING, REVIEW),
)
