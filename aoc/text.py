"""Thai text as people type it."""

import re

# EMIS and some older exports write SARA AM as NIKHAHIT + (tone mark) + SARA AA (``นํ้า``); people type
# the tone mark followed by SARA AM (``น้ำ``). Both look the same on screen but do not match in a search.
SARA_AM_SPLIT = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")


def normalise_thai(text: str) -> str:
    """The typed form of ``text``, stripped of surrounding spaces."""
    return SARA_AM_SPLIT.sub(lambda match: match[1] + "\u0e33", text).strip()
