"""Short forms of first names, per language: what people write when no one asks for their official name.

A Dutch or Flemish register holds the baptismal name (Johannes, Catharina) while the person signs up as
Hans or Karin; a French Jean-Pierre is JP to his loyalty card. The table is small on purpose: common
names of the generator's name pools and of the generations they stand for.
"""

from __future__ import annotations

import re

FRENCH: dict[str, tuple[str, ...]] = {
    "Alexandre": ("Alex",), "Alexandra": ("Alex", "Sandra"), "Guillaume": ("Will",), "Benjamin": ("Ben", "Benji"),
    "Élisabeth": ("Babeth", "Lisa"), "Elisabeth": ("Babeth", "Lisa"), "Catherine": ("Cathy", "Cath"),
    "Christophe": ("Chris",), "Christine": ("Chris",), "Christian": ("Chris",), "Frédéric": ("Fred",),
    "Frédérique": ("Fred",), "Nicolas": ("Nico",), "Sébastien": ("Seb", "Bastien"), "Stéphane": ("Steph",),
    "Stéphanie": ("Steph", "Fanny"), "Emmanuel": ("Manu",), "Emmanuelle": ("Manue", "Manu"), "Dominique": ("Dom",),
    "Matthieu": ("Matt",), "Mathieu": ("Matt",), "Thomas": ("Tom",), "Maxime": ("Max",), "Maximilien": ("Max",),
    "Joseph": ("Jo", "Jojo"), "Joséphine": ("Jo", "Josy"), "Marguerite": ("Margot",), "Isabelle": ("Isa",),
    "Véronique": ("Véro",), "Valérie": ("Val",), "Patrick": ("Pat",), "Patricia": ("Pat", "Patty"),
    "Philippe": ("Phil",), "Antoine": ("Toine", "Tony"), "Anthony": ("Tony",), "Daniel": ("Dany",),
    "Danielle": ("Dany",), "Julien": ("Ju",), "Caroline": ("Caro",), "Charlotte": ("Charlie",),
    "Raphaël": ("Raph",), "Jacqueline": ("Jacky",), "Jacques": ("Jacky",), "Gérard": ("Gégé",),
    "Bernadette": ("Bernie",), "Jean-Pierre": ("JP", "Jean"), "Jean-Claude": ("JC", "Jean"),
    "Jean-François": ("JF", "Jean"), "Jean-Marc": ("JM",), "Jean-Michel": ("JM",), "Jean-Luc": ("JL",),
    "Jean-Louis": ("JL",), "Jean-Baptiste": ("JB", "Baptiste"), "Jean-Paul": ("JP",), "Jean-Philippe": ("JP",),
    "Marie-Christine": ("Marie",), "Marie-Claude": ("Marie",), "Anne-Sophie": ("Anne-So",),
}
# Brussels and Wallonia share the French forms and add their own.
BELGIAN_FRENCH: dict[str, tuple[str, ...]] = FRENCH | {
    "Jean-Pol": ("JP", "Pol"), "Jean-Marie": ("JM",), "Marie-Thérèse": ("Marité",), "Baudouin": ("Baudi",),
    "François-Xavier": ("FX",), "Anne-Catherine": ("Anne-Cath",), "Léopold": ("Pol", "Léo"),
}
DUTCH: dict[str, tuple[str, ...]] = {
    "Johannes": ("Hans", "Jan", "Johan"), "Cornelis": ("Kees", "Cor"), "Hendrik": ("Henk", "Rik"),
    "Wilhelmus": ("Wim",), "Willem": ("Wim",), "Petrus": ("Piet", "Peter"), "Pieter": ("Piet",),
    "Jacobus": ("Jaap", "Koos"), "Jacob": ("Jaap", "Koos"), "Gerardus": ("Gerard", "Gert"), "Gerrit": ("Gert",),
    "Adrianus": ("Ad", "Arie"), "Adriaan": ("Ad",), "Franciscus": ("Frans",), "Antonius": ("Toon", "Ton"),
    "Theodorus": ("Theo",), "Nicolaas": ("Klaas", "Nico"), "Alexander": ("Alex", "Sander"),
    "Christiaan": ("Chris",), "Sebastiaan": ("Bas",), "Bastiaan": ("Bas",), "Matthijs": ("Thijs",),
    "Mathijs": ("Thijs",), "Matthias": ("Thijs",), "Frederik": ("Frits", "Freek"), "Daniël": ("Daan",),
    "Elisabeth": ("Els", "Lisa", "Liesbeth"), "Elizabeth": ("Els", "Lisa"), "Catharina": ("Karin", "Trees", "Toos"),
    "Johanna": ("Joke", "Hanneke"), "Maria": ("Marie", "Mieke", "Ria"), "Wilhelmina": ("Mien", "Wil"),
    "Cornelia": ("Corrie", "Cor"), "Margaretha": ("Greet", "Margriet"), "Margareta": ("Greet", "Margriet"),
    "Magdalena": ("Magda", "Leen"), "Helena": ("Lena", "Leen"), "Josephine": ("Fien",), "Josephina": ("Fien",),
    "Christina": ("Stien", "Tine"), "Isabella": ("Isa",), "Isabelle": ("Isa",), "Kathleen": ("Kathy",),
}
# Flanders keeps the Dutch forms and adds its own (Jef, Staf, Kaat).
FLEMISH: dict[str, tuple[str, ...]] = DUTCH | {
    "Joannes": ("Jan", "Hans"), "Jozef": ("Jef", "Jos"), "Josephus": ("Jef", "Jos"), "Gustaaf": ("Staf", "Gust"),
    "Ludovicus": ("Ludo", "Louis"), "Leopold": ("Pol", "Leo"), "Catharina": ("Karin", "Trees", "Kaat"),
    "Katrien": ("Kaat", "Trien"), "Godelieve": ("Lieve",), "Liesbeth": ("Lies", "Els"), "Liesbet": ("Lies", "Els"),
    "Anne-Marie": ("Annemie",), "Jean-Pierre": ("JP",), "Jean-Marie": ("JM",),
}
TABLES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr_FR": FRENCH, "fr_BE": BELGIAN_FRENCH, "nl_BE": FLEMISH, "nl_NL": DUTCH,
}
_FIRST_WORD = re.compile(r"^([^\W\d_]+)-[^\W\d_]+$")


def short_forms(first_name: str, locale: str) -> tuple[str, ...]:
    """What ``first_name`` is shortened to in ``locale``; a compound not in the table keeps its first part."""
    known = TABLES[locale].get(first_name)
    if known:
        return known
    compound = _FIRST_WORD.match(first_name)
    return (compound[1],) if compound else ()


def initial(first_name: str, dotted: bool) -> str:
    """``J.`` or ``J``; a compound keeps both letters: ``J.-P.`` or ``JP``."""
    parts = [part[0] for part in first_name.split("-") if part]
    if dotted:
        return "-".join(f"{letter}." for letter in parts)
    return "".join(parts)
