"""The patient's handout: "Your visit: what to talk about with your surgeon" (issue 15).

`content` holds the words (pure data, marked with N_ for translation); the handout service
builds the page's view model from a screening's stored topics; the patient views show it and
render its PDF with the summary's locked-down renderer.
"""
