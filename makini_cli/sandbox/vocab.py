"""The vocabulary generated records draw from: statuses, tax rates, suppliers, places,
materials, assets and jobs of an industrial buyer. Kept apart from the generator so the
generator reads as logic."""

PO_STATUSES = (  # canonical subCode, code, name, weight
    ("draft", "DRAFT", "Draft", 10), ("approved", "APPR", "Approved", 30),
    ("partially_received", "PARTIAL", "Partially Received", 15),
    ("completed", "COMP", "Completed", 35), ("cancelled", "CAN", "Cancelled", 10))
MAXIMO_CODES = {"draft": "WAPPR", "approved": "APPR", "partially_received": "INPRG",
                "completed": "CLOSE", "cancelled": "CAN"}
WO_STATUSES = (("open", "OPEN", "Open"), ("in_progress", "INPRG", "In Progress"),
               ("on_hold", "HOLD", "On Hold"), ("completed", "COMP", "Completed"),
               ("cancelled", "CAN", "Cancelled"))
TAX = {"EUR": "0.19", "USD": "0.0725", "GBP": "0.20", "CAD": "0.13", "CHF": "0.081",
       "DKK": "0.25", "SEK": "0.25", "JPY": "0.10"}
VENDOR_NAMES = ("Grainger", "SKF", "Siemens", "ABB", "Bosch Rexroth", "Festo",
                "Parker Hannifin", "Emerson", "Schneider Electric", "Fastenal", "Würth",
                "MSC Industrial", "Timken", "Honeywell", "Rockwell Automation", "Danfoss",
                "Endress+Hauser", "Atlas Copco", "Flowserve", "Sulzer", "Gates", "Lincoln Electric")
CITIES = (("DE", "Hamburg", "HH", "20095"), ("US", "Houston", "TX", "77002"),
          ("GB", "Reading", "RDG", "RG1 1AA"), ("NL", "Rotterdam", "ZH", "3011"),
          ("CA", "Trois-Rivieres", "QC", "G9A 1A1"), ("US", "Phoenix", "AZ", "85001"),
          ("CH", "Basel", "BS", "4051"), ("US", "Fargo", "ND", "58102"))
MATERIALS = (  # code, name, uom, low price, high price, decimal quantities
    ("BRG-6205", "Deep groove ball bearing 6205-2RS", "EA", 4, 40, False),
    ("SEAL-K40", "Shaft seal 40x62x8", "EA", 2, 25, False),
    ("VBELT-B52", "V-belt B52", "EA", 8, 60, False),
    ("FLT-HYD10", "Hydraulic filter element 10um", "EA", 20, 180, False),
    ("OIL-ISO46", "Hydraulic oil ISO VG 46", "L", 3, 9, True),
    ("GRS-EP2", "EP2 lithium grease", "KG", 6, 30, True),
    ("MTR-7K5", "Induction motor 7.5 kW", "EA", 600, 2400, False),
    ("VLV-DN50", "Gate valve DN50 PN16", "EA", 80, 650, False),
    ("CBL-NYY3", "Power cable NYY 3x2.5", "M", 1, 6, True),
    ("PLC-IO16", "PLC digital input module 16ch", "EA", 150, 900, False),
    ("GLV-NIT", "Nitrile gloves (box of 100)", "BOX", 6, 20, False),
    ("SVC-CAL", "Calibration service", "HR", 60, 180, True))
ASSET_KINDS = (("Conveyor", "Siemens"), ("Air Compressor", "Atlas Copco"),
               ("Centrifugal Pump", "Flowserve"), ("CNC Mill", "DMG Mori"),
               ("Boiler", "Bosch"), ("Chiller", "Trane"), ("Forklift", "Toyota"),
               ("Packaging Line", "Krones"), ("Generator", "Caterpillar"))
WO_JOBS = ("Replace bearing on", "Lubricate", "Inspect", "Repair leak on", "Calibrate",
           "Preventive maintenance:", "Replace filter on", "Vibration analysis of")
SHIPPING = ("Ground", "Air freight", "Sea freight", "Courier", "Pickup")
TERMS = ("Net 30", "Net 60", "2/10 Net 30", "Due on receipt", "Net 45")
