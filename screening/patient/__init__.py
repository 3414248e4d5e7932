"""Patient blueprint: start, the questionnaire steps, review, submit and resume."""
