"""Keys of the main window's menus that are not a feature's own: the Data menu's entries
with their shortcuts, and Alt letters for the entries a menu makes from data (Columns).

Shortcuts go to the entries people open often — the reference lists a register is built
from (locations, categories, models, people) — on Ctrl+Shift and the list's first letter,
clear of every other shortcut of the window (tests/ui/gui/test_menu_keys.py lists them
all and fails on a duplicate). Suppliers, groups, logins and templates are an
administrator's now and then: Alt letters only.
"""

from __future__ import annotations

#: The Data menu: the reference data window's page, the entry's text, its shortcut.
DATA_MENU: tuple[tuple[str, str, str | None], ...] = (
    ("locations", "&Locations…", "Ctrl+Shift+L"),
    ("categories", "&Categories…", "Ctrl+Shift+C"),
    ("manufacturers", "&Manufacturers and models…", "Ctrl+Shift+M"),  # 'models' crashed
    ("suppliers", "&Suppliers…", None),
    ("people", "&People…", "Ctrl+Shift+P"),
    ("groups", "&Groups…", None),
    ("users", "&Users and logins…", None),
    ("templates", "Procedure &templates…", None),
)


def with_mnemonics(titles: list[str]) -> list[str]:
    """Each title with an Alt letter of its own where the letters allow: a word's first
    letter where it can, else another of its letters or digits ("Asset tag" → "&Asset
    tag", "Assigned to" → "Assigned &to"; "Cost" takes a letter "Category" could do
    without). A literal & is doubled."""
    texts = [title.replace("&", "&&") for title in titles]
    choices = [_candidates(text) for text in texts]
    owner: dict[str, int] = {}  # letter → the title that has it
    for item, letters in enumerate(choices):  # first come, best letter free
        free = next((letter for letter in letters if letter not in owner), None)
        if free is not None:
            owner[free] = item
    placed = set(owner.values())
    for item in range(len(texts)):  # then room made for those left without one
        if item not in placed:
            _make_room(item, choices, owner)
    letter_of = {item: letter for letter, item in owner.items()}
    marked = []
    for item, text in enumerate(texts):
        letter = letter_of.get(item)
        if letter is None:
            marked.append(text)
            continue
        at = next(i for i in _positions(text) if text[i].lower() == letter)
        marked.append(f"{text[:at]}&{text[at:]}")
    return marked


def _make_room(item: int, choices: list[list[str]], owner: dict[str, int]) -> None:
    """Give ``item`` a letter by moving as few titles as can be to another of theirs (the
    shortest chain: a breadth-first search over the letters' holders)."""
    came: dict[int, tuple[int, str] | None] = {item: None}  # title → (title before, letter)
    queue = [item]
    while queue:
        current = queue.pop(0)
        for letter in choices[current]:
            holder = owner.get(letter)
            if holder is None:  # free: each title on the chain takes the next one's letter
                step: tuple[int, str] | None = (current, letter)
                while step is not None:
                    title, taken = step
                    owner[taken] = title
                    step = came[title]
                return
            if holder not in came:
                came[holder] = (current, letter)
                queue.append(holder)


def _positions(text: str) -> list[int]:
    """Where an Alt letter may go, best first: words' first letters, then the others."""
    starts = [i for i, c in enumerate(text) if c.isalnum() and (i == 0 or text[i - 1] == " ")]
    return starts + [i for i, c in enumerate(text) if c.isalnum() and i not in starts]


def _candidates(text: str) -> list[str]:
    return list(dict.fromkeys(text[i].lower() for i in _positions(text)))
