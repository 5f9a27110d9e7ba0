"""Queue and agent numbers as people type them."""

import re

NUMBER = re.compile(r"^[0-9]{1,32}$")
# Supervisors in Iran may type Persian or Arabic-Indic digits.
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def ascii_digits(text):
    """Return TEXT with Persian and Arabic-Indic digits written as 0-9."""
    return text.translate(_DIGITS)


def is_number(text):
    """Tell whether TEXT is a queue or agent number: 1 to 32 digits 0-9."""
    return bool(NUMBER.match(text))
