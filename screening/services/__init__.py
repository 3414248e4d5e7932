"""Services: the only code that commits. Views call one service function, then redirect."""
