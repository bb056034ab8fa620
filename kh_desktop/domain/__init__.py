"""Plan, periods, numbers and evaluation rules: plain Python, no Qt and no SQL."""
