"""What the demo catalog's invented brands make: the brands, their product styles and skincare formulas.

Pure data, written for this project; core/catalog/demo.py turns it into products and stock. Each `Style`
lists the choices a generated item draws from; each `Formula` is one skincare product line with its INCI
list (as printed on the pack, highest concentration first), sold in several volumes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Indian retail price endings (..49, ..99), from ₹199 to ₹9,999.
PRICE_POINTS = (
    199, 249, 299, 349, 399, 449, 499, 549, 599, 649, 699, 749, 799, 899, 999, 1099, 1199, 1299, 1399, 1499,
    1699, 1799, 1999, 2199, 2499, 2799, 2999, 3299, 3499, 3999, 4499, 4999, 5499, 5999, 6499, 6999, 7499,
    7999, 8999, 9999,
)  # fmt: skip

Gender = Literal["men", "women", "unisex"]
SizeScheme = Literal["uk_shoe", "letter", "waist", "fixed"]


@dataclass(frozen=True)
class DemoBrand:
    """An invented brand. `fit` is its house tendency; single items may deviate from it."""

    name: str
    story: str
    model_names: tuple[str, ...] = ()
    fit: dict[str, Any] = field(default_factory=dict)


KADAM = DemoBrand(
    "Kadam Footworks",
    "Kadam Footworks lasts are cut half a size small; most shoppers go one half size up.",
    ("Heritage", "Nawab", "Darbar", "Raja", "Classic"),
    {"runs": "small", "size_offset": -0.5, "width": "standard"},
)
PAGDANDI = DemoBrand(
    "Pagdandi Trail",
    "Pagdandi Trail builds on a roomy wide last, true to length.",
    ("Sahyadri", "Nilgiri", "Aravali", "Ghat", "Konkan"),
    {"runs": "true", "size_offset": 0.0, "width": "wide"},
)
SPRINTARA = DemoBrand(
    "Sprintara",
    "Sprintara performance shoes run about half a size large.",
    ("Aero", "Tempo", "Pace", "Dash", "Surge"),
    {"runs": "large", "size_offset": 0.5, "width": "standard"},
)
SUTRA = DemoBrand(
    "Sutra Studio",
    "Sutra Studio cuts close to the body in a slim fit; size up for room.",
    ("Metro", "Marine Drive", "Linking Road", "Colaba"),
    {"fit_type": "slim"},
)
KHADI_LANE = DemoBrand(
    "Khadi Lane",
    "Khadi Lane tailors handloom fabrics in an easy, relaxed fit.",
    ("Charkha", "Chanderi", "Jaipur", "Kalamkari"),
    {"fit_type": "relaxed"},
)
CHOWK = DemoBrand(
    "Chowk Basics",
    "Chowk Basics sticks to a regular, true-to-size fit.",
    ("Daily", "Weekend", "Campus", "Studio"),
    {"fit_type": "regular"},
)
NEEM_DEW = DemoBrand("Neem & Dew", "Neem & Dew formulates without fragrance or drying alcohols.")
CHANDAN_GLOW = DemoBrand("Chandan Glow", "Chandan Glow blends ayurvedic botanicals with classic fragrances.")
GHAR_AANGAN = DemoBrand("Ghar Aangan", "Ghar Aangan weaves cotton linen in Panipat and Erode mills.")
MITTI_HOME = DemoBrand(
    "Mitti Home", "Mitti Home works with potters and artisans across Rajasthan and Bengal."
)

BRANDS = (
    KADAM,
    PAGDANDI,
    SPRINTARA,
    SUTRA,
    KHADI_LANE,
    CHOWK,
    NEEM_DEW,
    CHANDAN_GLOW,
    GHAR_AANGAN,
    MITTI_HOME,
)


@dataclass(frozen=True)
class Style:
    """A kind of product a brand makes, with the choices each generated item draws from."""

    subcategory: str
    noun: str
    brands: tuple[DemoBrand, ...]
    genders: tuple[Gender, ...]  # empty for goods that are not worn
    occasions: tuple[str, ...]
    materials: tuple[str, ...]
    colours: tuple[str, ...]
    price_range: tuple[int, int]
    size_scheme: SizeScheme
    blurb: str
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    half_sizes: bool = False
    fixed_sizes: tuple[tuple[str, ...], ...] = ()


SHOE_COLOURS = ("Black", "Tan", "Brown", "White", "Navy", "Grey", "Olive", "Maroon")
SPORT_COLOURS = ("Black", "White", "Grey", "Navy", "Neon Green", "Coral", "Royal Blue")
APPAREL_COLOURS = (
    "White",
    "Black",
    "Navy",
    "Olive",
    "Mustard",
    "Maroon",
    "Sky Blue",
    "Beige",
    "Teal",
    "Rust",
)
HOME_COLOURS = ("Indigo", "Ivory", "Terracotta", "Sage Green", "Mustard", "Charcoal", "Blush Pink", "Teal")

FOOTWEAR_STYLES = (
    Style("Running Shoes", "Running Shoes", (SPRINTARA,), ("men", "women"), ("sports",),
          ("engineered mesh", "knit"), SPORT_COLOURS, (1999, 5999), "uk_shoe",
          "Cushioned EVA midsole and a breathable upper for daily runs.",
          {"closure": ("lace-up",), "sole": ("EVA", "rubber")}, half_sizes=True),
    Style("Training Shoes", "Training Shoes", (SPRINTARA,), ("men", "women"), ("sports", "gym"),
          ("mesh", "synthetic"), SPORT_COLOURS, (1499, 3999), "uk_shoe",
          "Flat, grippy sole for gym floors and lateral moves.",
          {"closure": ("lace-up",), "sole": ("rubber",)}),
    Style("Walking Shoes", "Walking Shoes", (PAGDANDI,), ("men", "women"), ("casual",),
          ("mesh", "suede"), SHOE_COLOURS, (1299, 3499), "uk_shoe",
          "Soft footbed and a wide toe box for long days on foot.",
          {"closure": ("lace-up", "slip-on"), "sole": ("EVA",)}),
    Style("Trekking Shoes", "Trekking Shoes", (PAGDANDI,), ("men", "women"), ("outdoor",),
          ("suede", "synthetic"), ("Brown", "Olive", "Grey", "Black"), (2499, 6999), "uk_shoe",
          "Lugged rubber outsole and a water-resistant upper for monsoon trails.",
          {"closure": ("lace-up",), "sole": ("rubber",)}, half_sizes=True),
    Style("Sneakers", "Sneakers", (SPRINTARA, PAGDANDI), ("unisex",), ("casual",),
          ("canvas", "synthetic leather"), SHOE_COLOURS, (999, 2999), "uk_shoe",
          "Low-top everyday sneakers with a vulcanised sole.",
          {"closure": ("lace-up",), "sole": ("rubber",)}),
    Style("Formal Shoes", "Oxford Shoes", (KADAM,), ("men",), ("formal", "office"),
          ("full-grain leather",), ("Black", "Tan", "Brown"), (2499, 5999), "uk_shoe",
          "Goodyear-welted leather Oxfords with a leather lining.",
          {"closure": ("lace-up",), "sole": ("leather", "TPR")}),
    Style("Loafers", "Loafers", (KADAM,), ("men",), ("casual", "office"),
          ("suede", "leather"), ("Tan", "Brown", "Navy", "Black"), (1499, 3999), "uk_shoe",
          "Hand-stitched moccasin loafers.", {"closure": ("slip-on",), "sole": ("TPR",)}),
    Style("Ethnic Footwear", "Kolhapuri Chappals", (KADAM,), ("men", "women"), ("ethnic", "casual"),
          ("vegetable-tanned leather",), ("Tan", "Brown", "Black"), (499, 1499), "uk_shoe",
          "Hand-braided Kolhapuri chappals; the leather softens with wear.",
          {"closure": ("toe loop",), "sole": ("leather",)}),
    Style("Ethnic Footwear", "Juttis", (KADAM,), ("women", "men"), ("wedding", "festive"),
          ("embroidered leather",), ("Gold", "Maroon", "Ivory", "Black"), (699, 1999), "uk_shoe",
          "Zari-embroidered juttis for weddings and festivals.",
          {"closure": ("slip-on",), "sole": ("leather",)}),
    Style("Sandals", "Sandals", (PAGDANDI,), ("men", "women"), ("casual",),
          ("leather", "synthetic"), SHOE_COLOURS, (699, 1999), "uk_shoe",
          "Adjustable straps and a contoured footbed.", {"closure": ("velcro", "buckle"), "sole": ("EVA",)}),
    Style("Flats", "Ballet Flats", (KADAM,), ("women",), ("casual", "office"),
          ("synthetic leather",), ("Black", "Nude", "Red", "Navy"), (599, 1499), "uk_shoe",
          "Cushioned ballet flats for the office commute.", {"closure": ("slip-on",), "sole": ("TPR",)}),
    Style("Heels", "Block Heels", (KADAM,), ("women",), ("party",),
          ("synthetic leather", "suede"), ("Black", "Nude", "Maroon", "Gold"), (999, 2499), "uk_shoe",
          "A stable 6 cm block heel.", {"closure": ("buckle",), "sole": ("TPR",)}),
    Style("Flip-Flops", "Flip-Flops", (PAGDANDI,), ("unisex",), ("casual", "beach"),
          ("rubber",), ("Black", "Navy", "Yellow", "Red"), (199, 499), "uk_shoe",
          "Lightweight rubber flip-flops.", {"closure": ("toe post",), "sole": ("rubber",)}),
    Style("Boots", "Chelsea Boots", (KADAM,), ("men", "women"), ("party", "winter"),
          ("leather", "suede"), ("Black", "Brown", "Tan"), (2999, 7999), "uk_shoe",
          "Elastic-gusset Chelsea boots on a stacked heel.", {"closure": ("pull-on",), "sole": ("rubber",)}),
)  # fmt: skip

APPAREL_STYLES = (
    Style("T-Shirts", "Crew Neck T-Shirt", (CHOWK,), ("men", "women"), ("casual",),
          ("cotton", "organic cotton"), APPAREL_COLOURS, (299, 799), "letter",
          "Bio-washed 180 GSM cotton that keeps its shape.",
          {"sleeve": ("half",), "neck": ("crew",), "pattern": ("solid", "printed", "striped")}),
    Style("T-Shirts", "Polo T-Shirt", (CHOWK,), ("men",), ("casual",),
          ("pique cotton",), APPAREL_COLOURS, (499, 1299), "letter",
          "Pique polo with a two-button placket.",
          {"sleeve": ("half",), "neck": ("polo collar",), "pattern": ("solid",)}),
    Style("Shirts", "Formal Shirt", (SUTRA,), ("men",), ("office", "formal"),
          ("cotton", "linen blend"), ("White", "Sky Blue", "Pink", "Grey", "Lavender"), (899, 2499), "letter",
          "Wrinkle-resistant office shirt with a cutaway collar.",
          {"sleeve": ("full",), "neck": ("cutaway collar", "spread collar"),
           "pattern": ("solid", "checked")}),
    Style("Shirts", "Casual Shirt", (SUTRA, CHOWK), ("men",), ("casual",),
          ("linen", "cotton"), APPAREL_COLOURS, (799, 1999), "letter",
          "Breathable shirt for humid afternoons.",
          {"sleeve": ("full", "half"), "neck": ("button-down collar",),
           "pattern": ("solid", "checked", "printed")}),
    Style("Jeans", "Jeans", (SUTRA, CHOWK), ("men", "women"), ("casual",),
          ("stretch denim", "denim"), ("Indigo", "Black", "Light Blue", "Grey"), (999, 2999), "waist",
          "Five-pocket jeans with 2% elastane for movement.",
          {"rise": ("mid", "high"), "pattern": ("solid",)}),
    Style("Trousers", "Chinos", (SUTRA,), ("men",), ("office", "casual"),
          ("cotton twill",), ("Beige", "Navy", "Olive", "Black", "Khaki"), (1199, 2499), "waist",
          "Flat-front chinos with a tapered leg.", {"rise": ("mid",), "pattern": ("solid",)}),
    Style("Kurtas", "Straight Kurta", (KHADI_LANE,), ("men", "women"), ("festive", "casual"),
          ("handloom cotton", "khadi"), APPAREL_COLOURS, (699, 2999), "letter",
          "Handloom kurta with side slits and a mandarin collar.",
          {"sleeve": ("full", "three-quarter"), "neck": ("mandarin collar", "round"),
           "pattern": ("solid", "block print")}),
    Style("Ethnic Sets", "Anarkali Kurta Set", (KHADI_LANE,), ("women",), ("festive", "wedding"),
          ("rayon", "chanderi silk"), ("Maroon", "Teal", "Mustard", "Ivory", "Rani Pink"), (1499, 4999),
          "letter", "Flared Anarkali with palazzo and dupatta.",
          {"sleeve": ("three-quarter",), "neck": ("round",), "pattern": ("embroidered", "printed")}),
    Style("Ethnic Jackets", "Nehru Jacket", (KHADI_LANE,), ("men",), ("festive", "wedding"),
          ("khadi", "silk blend"), ("Ivory", "Maroon", "Navy", "Mustard"), (1499, 3999), "letter",
          "Sleeveless bandhgala jacket to layer over a kurta.",
          {"sleeve": ("sleeveless",), "neck": ("bandhgala",), "pattern": ("solid", "jacquard")}),
    Style("Track Pants", "Track Pants", (CHOWK,), ("men", "women"), ("sports", "lounge"),
          ("polyester", "cotton fleece"), ("Black", "Navy", "Grey", "Olive"), (499, 1299), "letter",
          "Track pants with zip pockets and an elastic waist.", {"pattern": ("solid", "side stripe")}),
    Style("Sweatshirts", "Hoodie", (CHOWK,), ("unisex",), ("winter", "casual"),
          ("cotton fleece",), ("Black", "Grey", "Navy", "Olive", "Maroon"), (999, 2499), "letter",
          "Brushed-fleece hoodie for Delhi winters.",
          {"sleeve": ("full",), "neck": ("hooded",), "pattern": ("solid", "printed")}),
    Style("Dresses", "A-Line Dress", (SUTRA,), ("women",), ("party", "casual"),
          ("crepe", "rayon"), APPAREL_COLOURS, (1299, 3999), "letter",
          "Midi-length A-line dress with pockets.",
          {"sleeve": ("short", "sleeveless"), "neck": ("V-neck", "square"), "pattern": ("solid", "floral")}),
    Style("Palazzos", "Palazzo Pants", (KHADI_LANE,), ("women",), ("casual",),
          ("rayon", "cotton"), APPAREL_COLOURS, (599, 1499), "letter",
          "Flowing wide-leg palazzos with an elastic waist.", {"pattern": ("solid", "block print")}),
    Style("Blazers", "Blazer", (SUTRA,), ("men", "women"), ("office", "formal"),
          ("poly-viscose", "wool blend"), ("Navy", "Charcoal", "Black", "Beige"), (3999, 9999), "letter",
          "Half-canvassed single-breasted blazer.",
          {"sleeve": ("full",), "neck": ("notch lapel",), "pattern": ("solid", "pinstripe")}),
)  # fmt: skip

HOME_STYLES = (
    Style("Bed Linen", "Bedsheet with 2 Pillow Covers", (GHAR_AANGAN,), (), ("everyday",),
          ("cotton", "cotton percale", "cotton sateen"), HOME_COLOURS, (599, 2999), "fixed",
          "Pre-shrunk, colourfast bedsheet with two pillow covers.",
          {"room": ("bedroom",), "thread_count": ("144", "180", "210", "300"),
           "pattern": ("floral", "geometric", "solid")},
          fixed_sizes=(("225x250 cm",), ("225x250 cm", "275x275 cm"))),
    Style("Bed Linen", "Reversible Dohar", (GHAR_AANGAN,), (), ("everyday",),
          ("mulmul cotton",), HOME_COLOURS, (899, 2499), "fixed",
          "Three-layer mulmul dohar for air-conditioned nights.",
          {"room": ("bedroom",), "pattern": ("block print", "floral")},
          fixed_sizes=(("150x225 cm", "225x250 cm"),)),
    Style("Bath Linen", "Bath Towel", (GHAR_AANGAN,), (), ("everyday",),
          ("cotton terry",), HOME_COLOURS, (299, 999), "fixed", "Quick-dry zero-twist terry towel.",
          {"room": ("bathroom",), "gsm": ("450", "500", "600")}, fixed_sizes=(("70x140 cm",),)),
    Style("Cushions", "Cushion Covers (Set of 5)", (GHAR_AANGAN,), (), ("everyday", "festive"),
          ("cotton", "velvet", "jute blend"), HOME_COLOURS, (399, 1299), "fixed", "Zipped cushion covers.",
          {"room": ("living room",), "pattern": ("embroidered", "ikat", "solid")},
          fixed_sizes=(("40x40 cm",), ("40x40 cm", "45x45 cm"))),
    Style("Curtains", "Door Curtain", (GHAR_AANGAN,), (), ("everyday",),
          ("polyester blackout", "cotton"), HOME_COLOURS, (499, 1999), "fixed",
          "Eyelet curtain for a 7 ft door.",
          {"room": ("living room", "bedroom"), "pattern": ("solid", "jacquard")},
          fixed_sizes=(("137x213 cm",),)),
    Style("Table Linen", "Handloom Table Runner", (GHAR_AANGAN,), (), ("everyday", "festive"),
          ("handloom cotton",), HOME_COLOURS, (299, 999), "fixed", "Handwoven runner for a six-seater table.",
          {"room": ("dining room",), "pattern": ("striped", "ikat")}, fixed_sizes=(("33x180 cm",),)),
    Style("Kitchen & Dining", "Ceramic Coffee Mugs (Set of 2)", (MITTI_HOME,), (), ("everyday",),
          ("stoneware",), HOME_COLOURS, (399, 1299), "fixed", "Glazed stoneware mugs, 350 ml each.",
          {"room": ("kitchen",), "care": ("microwave safe", "dishwasher safe")},
          fixed_sizes=(("standard",),)),
    Style("Kitchen & Dining", "Serving Bowl Set", (MITTI_HOME,), (), ("everyday", "festive"),
          ("stoneware", "terracotta"), HOME_COLOURS, (599, 1999), "fixed",
          "Set of three nesting serving bowls.",
          {"room": ("dining room",), "care": ("hand wash",)}, fixed_sizes=(("standard",),)),
    Style("Rugs & Carpets", "Jute Area Rug", (MITTI_HOME,), (), ("everyday",),
          ("jute",), ("Natural", "Charcoal", "Indigo"), (999, 4999), "fixed", "Hand-braided jute rug.",
          {"room": ("living room",), "pattern": ("braided", "striped")},
          fixed_sizes=(("90x150 cm",), ("120x180 cm",))),
    Style("Rugs & Carpets", "Hand-Knotted Wool Carpet", (MITTI_HOME,), (), ("everyday",),
          ("New Zealand wool",), ("Ivory", "Indigo", "Rust"), (4999, 9999), "fixed",
          "Hand-knotted in Bhadohi, about 60,000 knots per square metre.",
          {"room": ("living room",), "pattern": ("medallion", "geometric")}, fixed_sizes=(("160x230 cm",),)),
    Style("Garden", "Terracotta Planter", (MITTI_HOME,), (), ("everyday",),
          ("terracotta",), ("Natural", "White", "Terracotta"), (249, 899), "fixed", "Hand-thrown planter.",
          {"room": ("balcony",)}, fixed_sizes=(("standard",),)),
    Style("Festive Decor", "Brass Diya Set", (MITTI_HOME,), (), ("festive",),
          ("brass",), ("Gold",), (499, 2499), "fixed", "Hand-cast brass diyas for Diwali and puja.",
          {"room": ("pooja room",)}, fixed_sizes=(("standard",),)),
    Style("Wall Decor", "Wall Clock", (MITTI_HOME,), (), ("everyday",),
          ("mango wood",), ("Natural", "Walnut", "Black"), (799, 2999), "fixed",
          "Silent-sweep mango wood clock.",
          {"room": ("living room",)}, fixed_sizes=(("standard",),)),
)  # fmt: skip


@dataclass(frozen=True)
class Formula:
    """A skincare formula, sold in several volumes (each volume is its own product)."""

    brand: DemoBrand
    name: str
    subcategory: str
    volumes: tuple[str, ...]
    base_price: int
    skin_types: tuple[str, ...]
    concerns: tuple[str, ...]
    texture: str
    inci: str
    spf: int | None = None

    @property
    def ingredients(self) -> list[str]:
        """The INCI list, in label order (highest concentration first)."""
        return [name.strip() for name in self.inci.split(",")]


SERUM_VOLUMES = ("15ml", "30ml", "50ml")
CLEANSER_VOLUMES = ("50ml", "100ml", "150ml")
CREAM_VOLUMES = ("30g", "50g", "100g")
SUNSCREEN_VOLUMES = ("30g", "50g", "80g")
LOTION_VOLUMES = ("100ml", "200ml", "400ml")

FORMULAS = (
    Formula(NEEM_DEW, "10% Niacinamide + 1% Zinc Serum", "Serums", SERUM_VOLUMES, 399,
            ("oily", "combination", "normal"), ("acne", "open pores", "oil control"), "watery serum",
            "Aqua, Niacinamide, Pentylene Glycol, Zinc PCA, Dimethyl Isosorbide, "
            "Tamarindus Indica Seed Gum, Xanthan Gum, Isoceteth-20, Ethoxydiglycol, Phenoxyethanol, "
            "Chlorphenesin"),
    Formula(NEEM_DEW, "Ceramide Barrier Repair Moisturiser", "Moisturisers", CREAM_VOLUMES, 449,
            ("dry", "sensitive", "normal"), ("dryness", "damaged barrier"), "cream",
            "Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Squalane, Ceramide NP, "
            "Ceramide AP, Ceramide EOP, Phytosphingosine, Cholesterol, Sodium Hyaluronate, Panthenol, "
            "Sodium Lauroyl Lactylate, Carbomer, Xanthan Gum, Ethylhexylglycerin, Phenoxyethanol"),
    Formula(NEEM_DEW, "2% Salicylic Acid Foaming Cleanser", "Cleansers", CLEANSER_VOLUMES, 299,
            ("oily", "combination"), ("acne", "blackheads"), "foaming gel",
            "Aqua, Cocamidopropyl Betaine, Sodium Lauroyl Sarcosinate, Glycerin, Salicylic Acid, "
            "Niacinamide, Zinc PCA, Sodium Chloride, Allantoin, Citric Acid, Sodium Benzoate, "
            "Phenoxyethanol"),
    Formula(NEEM_DEW, "Ultra-Light Gel Sunscreen SPF 50 PA++++", "Sunscreens", SUNSCREEN_VOLUMES, 449,
            ("oily", "combination", "normal"), ("sun protection", "tanning"), "gel",
            "Aqua, Homosalate, Ethylhexyl Salicylate, Butyl Methoxydibenzoylmethane, Octocrylene, "
            "Bis-Ethylhexyloxyphenol Methoxyphenyl Triazine, Glycerin, Silica, Propanediol, "
            "Niacinamide, Acrylates/C10-30 Alkyl Acrylate Crosspolymer, Tocopheryl Acetate, "
            "Sodium Hydroxide, Disodium EDTA, Phenoxyethanol, Ethylhexylglycerin", spf=50),
    Formula(NEEM_DEW, "Mineral Sunscreen SPF 50 PA+++", "Sunscreens", SUNSCREEN_VOLUMES, 549,
            ("sensitive", "dry", "normal"), ("sun protection", "redness"), "cream",
            "Aqua, Zinc Oxide, Caprylic/Capric Triglyceride, Titanium Dioxide, Glycerin, "
            "Polyglyceryl-4 Isostearate, Cetyl PEG/PPG-10/1 Dimethicone, Hexyl Laurate, "
            "Magnesium Sulfate, Tocopherol, Aluminum Hydroxide, Stearic Acid, Phenoxyethanol", spf=50),
    Formula(NEEM_DEW, "Hyaluronic Acid Hydrating Serum", "Serums", SERUM_VOLUMES, 449,
            ("dry", "normal", "combination", "sensitive"), ("dehydration", "dullness"), "watery serum",
            "Aqua, Sodium Hyaluronate, Hydrolyzed Hyaluronic Acid, Glycerin, Panthenol, Propanediol, "
            "Pentylene Glycol, Allantoin, Sodium PCA, Phenoxyethanol, Ethylhexylglycerin"),
    Formula(NEEM_DEW, "Gentle Cream Cleanser", "Cleansers", CLEANSER_VOLUMES, 349,
            ("dry", "sensitive", "normal"), ("dryness", "sensitivity"), "cream",
            "Aqua, Glycerin, Cocamidopropyl Hydroxysultaine, Cetearyl Alcohol, Sodium Cocoyl Glycinate, "
            "Ceramide NP, Panthenol, Allantoin, Acrylates Copolymer, Citric Acid, Phenoxyethanol"),
    Formula(NEEM_DEW, "Oil-Free Gel Moisturiser", "Moisturisers", CREAM_VOLUMES, 399,
            ("oily", "combination"), ("oil control", "dehydration"), "gel",
            "Aqua, Glycerin, Dimethicone, Niacinamide, Propanediol, Sodium Hyaluronate, "
            "Centella Asiatica Extract, Carbomer, Sodium Polyacrylate, Allantoin, Triethanolamine, "
            "Phenoxyethanol, Ethylhexylglycerin"),
    Formula(NEEM_DEW, "0.3% Retinol Night Serum", "Serums", SERUM_VOLUMES, 649,
            ("normal", "dry", "combination"), ("fine lines", "uneven texture"), "oil serum",
            "Caprylic/Capric Triglyceride, Squalane, Helianthus Annuus Seed Oil, Retinol, Bisabolol, "
            "Tocopherol, BHT"),
    Formula(NEEM_DEW, "10% Vitamin C Brightening Serum", "Serums", SERUM_VOLUMES, 549,
            ("normal", "combination", "oily"), ("pigmentation", "dullness"), "serum",
            "Aqua, Ascorbyl Glucoside, Propanediol, Niacinamide, Ferulic Acid, Tocopherol, "
            "Sodium Hyaluronate, Xanthan Gum, Sodium Citrate, Phenoxyethanol, Ethylhexylglycerin"),
    Formula(CHANDAN_GLOW, "Kumkumadi Radiance Face Oil", "Face Oils", SERUM_VOLUMES, 699,
            ("dry", "normal"), ("pigmentation", "dullness"), "oil",
            "Sesamum Indicum Seed Oil, Crocus Sativus Flower Extract, Santalum Album Oil, "
            "Curcuma Longa Root Extract, Rubia Cordifolia Root Extract, Glycyrrhiza Glabra Root Extract, "
            "Nelumbo Nucifera Flower Extract, Tocopherol, Parfum"),
    Formula(CHANDAN_GLOW, "Coconut & Shea Body Butter", "Body Care", CREAM_VOLUMES, 349,
            ("dry",), ("dryness", "rough skin"), "butter",
            "Cocos Nucifera Oil, Butyrospermum Parkii Butter, Aqua, Cetearyl Alcohol, Glycerin, "
            "Isopropyl Myristate, Stearic Acid, Cera Alba, Parfum, Tocopherol, Linalool, Limonene, "
            "Methylparaben, Propylparaben"),
    Formula(CHANDAN_GLOW, "Rose Water Pore Toner", "Toners", CLEANSER_VOLUMES, 249,
            ("oily", "normal"), ("open pores", "oil control"), "liquid",
            "Rosa Damascena Flower Water, Alcohol Denat., Glycerin, Hamamelis Virginiana Extract, Parfum, "
            "Citronellol, Geraniol, Sodium Benzoate"),
    Formula(CHANDAN_GLOW, "Haldi Chandan Face Wash", "Cleansers", CLEANSER_VOLUMES, 199,
            ("normal", "oily"), ("dullness", "tanning"), "gel",
            "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin, Curcuma Longa Root Extract, "
            "Santalum Album Wood Extract, Sodium Chloride, Acrylates Copolymer, Parfum, Citric Acid, "
            "DMDM Hydantoin, CI 19140"),
    Formula(CHANDAN_GLOW, "Kesar Day Cream SPF 15", "Moisturisers", CREAM_VOLUMES, 299,
            ("normal", "dry"), ("pigmentation", "sun protection"), "cream",
            "Aqua, Ethylhexyl Methoxycinnamate, Stearic Acid, Glyceryl Stearate, Cetyl Alcohol, "
            "Glycerin, Isopropyl Myristate, Dimethicone, Crocus Sativus Flower Extract, "
            "Niacinamide, Titanium Dioxide, Parfum, Methylparaben, Propylparaben, Triethanolamine", spf=15),
    Formula(CHANDAN_GLOW, "Aloe Vera Soothing Gel", "Moisturisers", CREAM_VOLUMES, 199,
            ("normal", "oily", "combination"), ("sunburn", "redness"), "gel",
            "Aloe Barbadensis Leaf Juice, Aqua, Glycerin, Alcohol Denat., Carbomer, Triethanolamine, "
            "Tocopheryl Acetate, Parfum, Phenoxyethanol, CI 42090"),
    Formula(CHANDAN_GLOW, "Ubtan Exfoliating Face Scrub", "Scrubs", CLEANSER_VOLUMES, 249,
            ("normal", "oily"), ("tanning", "dullness"), "scrub",
            "Aqua, Glycerin, Juglans Regia Shell Powder, Cetearyl Alcohol, Cicer Arietinum Seed Flour, "
            "Curcuma Longa Root Extract, Cocos Nucifera Oil, Sodium Lauryl Sulfate, Parfum, Phenoxyethanol"),
    Formula(CHANDAN_GLOW, "Sandalwood Sunscreen Lotion SPF 50", "Sunscreens", SUNSCREEN_VOLUMES, 399,
            ("normal", "dry"), ("sun protection", "tanning"), "lotion",
            "Aqua, Octocrylene, Ethylhexyl Methoxycinnamate, Butyl Methoxydibenzoylmethane, "
            "Ethylhexyl Salicylate, Cyclopentasiloxane, Glycerin, Isopropyl Palmitate, "
            "Santalum Album Oil, Cetearyl Alcohol, Parfum, Phenoxyethanol, Disodium EDTA", spf=50),
    Formula(CHANDAN_GLOW, "Almond & Milk Nourishing Night Cream", "Moisturisers", CREAM_VOLUMES, 349,
            ("dry",), ("dryness", "fine lines"), "rich cream",
            "Aqua, Paraffinum Liquidum, Prunus Amygdalus Dulcis Oil, Cetearyl Alcohol, Glycerin, Lanolin, "
            "Isopropyl Myristate, Hydrolyzed Milk Protein, Parfum, Methylparaben"),
    Formula(CHANDAN_GLOW, "Neem Tulsi Anti-Acne Body Lotion", "Body Care", LOTION_VOLUMES, 249,
            ("oily", "combination"), ("body acne", "oil control"), "lotion",
            "Aqua, Azadirachta Indica Leaf Extract, Ocimum Sanctum Leaf Extract, Alcohol Denat., Glycerin, "
            "Salicylic Acid, Melaleuca Alternifolia Leaf Oil, Carbomer, Menthol, Triethanolamine, "
            "Phenoxyethanol"),
)  # fmt: skip
