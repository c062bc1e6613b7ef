"""Last names with particles, written the many ways Dutch, Flemish and French sources write them.

``van der Berg`` is ``Van der Berg`` at the start of a Flemish form, ``Vanderberg`` in a system without
blanks, ``Berg, van der`` in a list sorted the Dutch way and ``V.d. Berg`` on a hand-filled card.
"""

from __future__ import annotations

import random

from synthetic.draws import pick

PARTICLES = frozenset({"van", "der", "den", "de", "het", "ten", "ter", "te", "'t", "in", "op", "le", "la", "du",
                       "des", "d'"})


def split_particles(last_name: str) -> tuple[list[str], str]:
    """Leading particle words and the rest: ``("van der", "Berg")`` as ``(["van", "der"], "Berg")``."""
    words = last_name.split(" ")
    count = 0
    while count < len(words) - 1 and words[count].lower() in PARTICLES:
        count += 1
    return words[:count], " ".join(words[count:])


def has_particle(last_name: str) -> bool:
    return bool(split_particles(last_name)[0])


def variants(last_name: str) -> list[str]:
    """Every other way sources write ``last_name``'s particles; none when it has no particle."""
    particles, core = split_particles(last_name)
    if not particles:
        return []
    lower = [p.lower() for p in particles]
    recased = [p.capitalize() if i == 0 else p.lower() for i, p in enumerate(particles)]
    if particles[0][0].isupper():
        recased[0] = lower[0]
    forms = [
        " ".join([*recased, core]),  # the other capitalisation of the particle
        ("".join(lower) + core.replace(" ", "")).capitalize(),  # joined: "Vanderberg"
        f"{core}, {' '.join(lower)}",  # sorted on the core: "Berg, van der"
    ]
    if lower[0] == "van":  # Dutch cards and lists shorten "van der" to "v.d." and "van" to "v."
        initials = ".".join(p[0] for p in lower) + "."
        forms += [f"{initials.capitalize()} {core}", f"{initials} {core}"]  # "V.d. Berg", "v.d. Berg"
    return forms


def variant(last_name: str, rng: random.Random) -> str:
    """Another way of writing ``last_name``'s particles; the name itself unchanged if it has none."""
    forms = variants(last_name)
    return pick(rng, forms) if forms else last_name
