"""Convert the DEFRA copy of the EU List of Waste into ``symbiosis/kb/data/list_of_waste.csv``.

Run once after the reference file changes::

    .venv/bin/python scripts/build_waste_codes.py [/work/shared/reference/list_of_waste_defra.csv]

Format conversion only (OGL v3.0 source, attribution in ``symbiosis/kb/data/LICENSES.md``), plus
``chapter_code``/``sub_chapter_code`` and a French label (``label_fr``) for the codes the region
uses most. The French labels are this project's working wording, aligned on the French text of
Commission Decision 2000/532/EC; check EUR-Lex for the legal text.
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

log = logging.getLogger("build_waste_codes")

DEFAULT_SOURCE = Path("/work/shared/reference/list_of_waste_defra.csv")
TARGET = Path(__file__).resolve().parents[1] / "symbiosis" / "kb" / "data" / "list_of_waste.csv"
COLUMNS = ("code", "code_spaced", "hazardous", "entry_type", "chapter_code", "chapter",
           "sub_chapter_code", "sub_chapter", "description_en", "label_fr")

_AUTRES = "autres que ceux visés à la rubrique"
LABEL_FR: dict[str, str] = {
    "010101": "Déchets provenant de l'extraction des minéraux métallifères",
    "010102": "Déchets provenant de l'extraction des minéraux non métallifères",
    "010306": "Stériles autres que ceux visés aux rubriques 01 03 04 et 01 03 05",
    "010308": f"Déchets de poussières et de poudres {_AUTRES} 01 03 07",
    "010309": "Boues rouges issues de la production d'alumine autres que celles visées à la rubrique 01 "
              "03 10",
    "010310": "Boues rouges issues de la production d'alumine contenant des substances dangereuses",
    "010408": f"Déchets de graviers et débris de pierres {_AUTRES} 01 04 07",
    "010409": "Déchets de sable et d'argile",
    "010410": f"Déchets de poussières et de poudres {_AUTRES} 01 04 07",
    "010413": f"Déchets provenant de la taille et du sciage des pierres {_AUTRES} 01 04 07",
    "020103": "Déchets de tissus végétaux",
    "020104": "Déchets de matières plastiques (à l'exclusion des emballages)",
    "020106": "Fèces, urine et fumier (y compris paille souillée), effluents, collectés séparément",
    "020107": "Déchets provenant de la sylviculture",
    "020202": "Déchets de tissus animaux",
    "020203": "Matières impropres à la consommation ou à la transformation (viande, poisson)",
    "020204": "Boues provenant du traitement in situ des effluents (viande, poisson)",
    "020299": "Déchets non spécifiés ailleurs (viande, poisson)",
    "020304": "Matières impropres à la consommation ou à la transformation (fruits, légumes)",
    "020501": "Matières impropres à la consommation ou à la transformation (industrie laitière)",
    "020502": "Boues provenant du traitement in situ des effluents (industrie laitière)",
    "020599": "Déchets non spécifiés ailleurs (industrie laitière)",
    "020601": "Matières impropres à la consommation ou à la transformation (boulangerie, confiserie)",
    "020701": "Déchets provenant du lavage, du nettoyage et de la réduction mécanique des matières premières",
    "020702": "Déchets de la distillation de l'alcool",
    "020704": "Matières impropres à la consommation ou à la transformation (boissons)",
    "030101": "Déchets d'écorce et de liège",
    "030104": "Sciure, copeaux, chutes, bois, panneaux et placages contenant des substances dangereuses",
    "030105": f"Sciure, copeaux, chutes, bois, panneaux de particules et placages {_AUTRES} 03 01 04",
    "030301": "Déchets d'écorce et de bois",
    "030302": "Boues de liqueur verte (provenant de la récupération de la liqueur de cuisson)",
    "030305": "Boues de désencrage provenant du recyclage du papier",
    "030307": "Refus séparés mécaniquement provenant du recyclage de déchets de papier et de carton",
    "030308": "Déchets provenant du tri de papier et de carton destinés au recyclage",
    "030309": "Déchets de boues résiduaires de chaux",
    "030310": "Refus fibreux, boues de fibres, de charge et de couchage provenant d'une séparation mécanique",
    "030311": "Boues provenant du traitement in situ des effluents autres que celles visées à la "
              "rubrique 03 03 10",
    "030399": "Déchets non spécifiés ailleurs (pâte, papier, carton)",
    "040221": "Fibres textiles non ouvrées",
    "040222": "Fibres textiles ouvrées",
    "060101": "Acide sulfurique et acide sulfureux",
    "060102": "Acide chlorhydrique",
    "060106": "Autres acides",
    "060204": "Hydroxyde de sodium et de potassium",
    "060205": "Autres bases",
    "070103": "Solvants, liquides de lavage et liqueurs mères organiques halogénés",
    "070104": "Autres solvants, liquides de lavage et liqueurs mères organiques",
    "070213": "Déchets plastiques",
    "070704": "Autres solvants, liquides de lavage et liqueurs mères organiques (chimie fine)",
    "080111": "Déchets de peintures et vernis contenant des solvants organiques ou d'autres substances "
              "dangereuses",
    "080113": "Boues provenant de peintures ou vernis contenant des solvants organiques ou d'autres "
              "substances "
              "dangereuses",
    "080117": "Déchets provenant du décapage de peintures ou vernis contenant des solvants organiques",
    "100101": "Mâchefers, scories et cendres sous chaudière (sauf cendres visées à la rubrique 10 01 04)",
    "100103": "Cendres volantes de tourbe et de bois non traité",
    "100105": "Déchets solides de réactions basées sur le calcium provenant de la désulfuration des fumées",
    "100107": "Boues de réactions basées sur le calcium provenant de la désulfuration des fumées",
    "100115": f"Mâchefers, scories et cendres sous chaudière provenant de la coïncinération {_AUTRES} "
              f"10 01 14",
    "100201": "Déchets de laitiers",
    "100202": "Laitiers non traités",
    "100308": "Scories salées de seconde fusion",
    "100309": "Crasses noires de seconde fusion",
    "100315": "Écumes inflammables ou émettant, au contact de l'eau, des gaz inflammables en quantités "
              "dangereuses",
    "100316": "Écumes autres que celles visées à la rubrique 10 03 15",
    "100317": "Déchets goudronnés provenant de la fabrication des anodes",
    "100318": f"Déchets carbonés provenant de la fabrication des anodes {_AUTRES} 10 03 17",
    "100319": "Poussières de filtration des fumées contenant des substances dangereuses",
    "100320": "Poussières de filtration des fumées autres que celles visées à la rubrique 10 03 19",
    "100321": "Autres fines et poussières (y compris fines de broyage de crasses) contenant des substances "
              "dangereuses",
    "100322": "Autres fines et poussières (y compris fines de broyage de crasses) autres que celles "
              "visées à la "
              "rubrique 10 03 21",
    "100323": "Déchets solides provenant de l'épuration des fumées contenant des substances dangereuses",
    "100324": f"Déchets solides provenant de l'épuration des fumées {_AUTRES} 10 03 23",
    "100399": "Déchets non spécifiés ailleurs (métallurgie de l'aluminium)",
    "100903": "Laitiers de four de fonderie",
    "100906": f"Noyaux et moules de fonderie n'ayant pas subi la coulée {_AUTRES} 10 09 05",
    "100908": f"Noyaux et moules de fonderie ayant subi la coulée {_AUTRES} 10 09 07",
    "101008": f"Noyaux et moules de fonderie ayant subi la coulée {_AUTRES} 10 10 07",
    "101304": "Déchets de calcination et d'hydratation de la chaux",
    "101306": "Fines et poussières (sauf rubriques 10 13 12 et 10 13 13)",
    "101314": "Déchets de béton et boues de béton",
    "110105": "Acides de décapage",
    "110107": "Bases de décapage",
    "120101": "Limaille et chutes de métaux ferreux",
    "120102": "Fines et poussières de métaux ferreux",
    "120103": "Limaille et chutes de métaux non ferreux",
    "120104": "Fines et poussières de métaux non ferreux",
    "120109": "Émulsions et solutions d'usinage sans halogènes",
    "120116": "Déchets de grenaillage contenant des substances dangereuses",
    "120117": f"Déchets de grenaillage {_AUTRES} 12 01 16",
    "120118": "Boues métalliques (provenant du meulage et de l'affûtage) contenant des hydrocarbures",
    "130110": "Huiles hydrauliques non chlorées à base minérale",
    "130113": "Autres huiles hydrauliques",
    "130205": "Huiles moteur, de boîte de vitesses et de lubrification non chlorées à base minérale",
    "130206": "Huiles moteur, de boîte de vitesses et de lubrification synthétiques",
    "130208": "Autres huiles moteur, de boîte de vitesses et de lubrification",
    "130307": "Huiles isolantes et fluides caloporteurs non chlorés à base minérale",
    "130502": "Boues provenant de séparateurs eau/hydrocarbures",
    "130506": "Hydrocarbures provenant de séparateurs eau/hydrocarbures",
    "130507": "Eau mélangée à des hydrocarbures provenant de séparateurs eau/hydrocarbures",
    "140602": "Autres solvants et mélanges de solvants halogénés",
    "140603": "Autres solvants et mélanges de solvants",
    "150101": "Emballages en papier/carton",
    "150102": "Emballages en matières plastiques",
    "150103": "Emballages en bois",
    "150104": "Emballages métalliques",
    "150105": "Emballages composites",
    "150106": "Emballages en mélange",
    "150107": "Emballages en verre",
    "150109": "Emballages textiles",
    "150110": "Emballages contenant des résidus de substances dangereuses ou contaminés par de tels résidus",
    "150111": "Emballages métalliques contenant une matrice poreuse solide dangereuse, y compris des "
              "conteneurs "
              "à pression vides",
    "150202": "Absorbants, matériaux filtrants, chiffons d'essuyage et vêtements de protection "
              "contaminés par "
              "des substances dangereuses",
    "150203": "Absorbants, matériaux filtrants, chiffons d'essuyage et vêtements de protection autres "
              "que ceux "
              "visés à la rubrique 15 02 02",
    "160103": "Pneus hors d'usage",
    "160107": "Filtres à huile",
    "160117": "Métaux ferreux",
    "160118": "Métaux non ferreux",
    "161101": "Revêtements de fours et réfractaires à base de carbone provenant de procédés métallurgiques "
              "contenant des substances dangereuses (brasque usée, 1re coupe)",
    "161102": "Revêtements de fours et réfractaires à base de carbone provenant de procédés métallurgiques "
              "autres que ceux visés à la rubrique 16 11 01",
    "161103": "Autres revêtements de fours et réfractaires provenant de procédés métallurgiques "
              "contenant des "
              "substances dangereuses (brasque usée, 2e coupe)",
    "161104": f"Autres revêtements de fours et réfractaires provenant de procédés métallurgiques {_AUTRES} "
              "16 11 03",
    "161106": "Revêtements de fours et réfractaires provenant de procédés non métallurgiques autres que ceux "
              "visés à la rubrique 16 11 05",
    "170101": "Béton",
    "170102": "Briques",
    "170103": "Tuiles et céramiques",
    "170107": "Mélanges de béton, briques, tuiles et céramiques autres que ceux visés à la rubrique 17 01 06",
    "170201": "Bois",
    "170202": "Verre",
    "170203": "Matières plastiques",
    "170204": "Bois, verre et matières plastiques contenant des substances dangereuses ou contaminés par de "
              "telles substances",
    "170302": "Mélanges bitumineux autres que ceux visés à la rubrique 17 03 01",
    "170401": "Cuivre, bronze, laiton",
    "170402": "Aluminium",
    "170405": "Fer et acier",
    "170407": "Métaux en mélange",
    "170411": "Câbles autres que ceux visés à la rubrique 17 04 10",
    "170503": "Terres et cailloux contenant des substances dangereuses",
    "170504": "Terres et cailloux autres que ceux visés à la rubrique 17 05 03",
    "170505": "Boues de dragage contenant des substances dangereuses",
    "170506": "Boues de dragage autres que celles visées à la rubrique 17 05 05",
    "170604": "Matériaux d'isolation autres que ceux visés aux rubriques 17 06 01 et 17 06 03",
    "170802": "Matériaux de construction à base de gypse autres que ceux visés à la rubrique 17 08 01",
    "170904": "Déchets de construction et de démolition en mélange autres que ceux visés aux rubriques "
              "17 09 01, 17 09 02 et 17 09 03",
    "190112": "Mâchefers autres que ceux visés à la rubrique 19 01 11",
    "190604": "Digestats provenant du traitement anaérobie des déchets municipaux",
    "190606": "Digestats provenant du traitement anaérobie des déchets animaux et végétaux",
    "190809": "Mélanges de graisse et d'huile provenant de la séparation huile/eaux usées ne contenant que "
              "des huiles et graisses alimentaires",
    "191201": "Papier et carton",
    "191202": "Métaux ferreux",
    "191203": "Métaux non ferreux",
    "191204": "Matières plastiques et caoutchouc",
    "191205": "Verre",
    "191206": "Bois contenant des substances dangereuses",
    "191207": "Bois autres que ceux visés à la rubrique 19 12 06",
    "200101": "Papier et carton",
    "200102": "Verre",
    "200108": "Déchets de cuisine et de cantine biodégradables",
    "200110": "Vêtements",
    "200111": "Textiles",
    "200125": "Huiles et matières grasses alimentaires",
    "200137": "Bois contenant des substances dangereuses",
    "200138": "Bois autres que ceux visés à la rubrique 20 01 37",
    "200139": "Matières plastiques",
    "200140": "Métaux",
    "200201": "Déchets biodégradables (jardins et parcs)",
    "200301": "Déchets municipaux en mélange",
    "200302": "Déchets de marchés",
}


def _entry_type(text: str) -> str:
    """``"Mirror hazardous"`` -> ``"mirror_hazardous"``."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def convert(source: Path, target: Path) -> int:
    """Write the converted list of waste; return the number of codes."""
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    unknown = set(LABEL_FR) - {r["code"] for r in rows}
    if unknown:
        raise ValueError(f"French labels for codes not in the list: {sorted(unknown)}")
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({
                "code": r["code"], "code_spaced": r["code_spaced"],
                "hazardous": r["is_hazardous"].strip().lower(), "entry_type": _entry_type(r["entry_type"]),
                "chapter_code": r["code"][:2], "chapter": r["chapter"],
                "sub_chapter_code": r["code"][:4], "sub_chapter": r["sub_chapter"],
                "description_en": r["description"], "label_fr": LABEL_FR.get(r["code"], ""),
            })
    return len(rows)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    n = convert(src, TARGET)
    log.info("wrote %d codes (%d with a French label) to %s", n, len(LABEL_FR), TARGET)
