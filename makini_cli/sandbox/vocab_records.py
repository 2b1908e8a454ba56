"""Vocabulary for the entities beyond purchasing (`populate.py`): what an industrial company's
systems hold about its people, places, parts, customers and work. Kept apart from the generator
so the generator reads as logic."""

# scope -> (subCode, code, name): the statuses each entity type moves through.
STATUSES = {
    "purchase-requisitions": (("draft", "DRAFT", "Draft"), ("submitted", "SUBM", "Submitted"),
                              ("approved", "APPR", "Approved"), ("rejected", "REJ", "Rejected"),
                              ("ordered", "ORD", "Ordered")),
    "sales-orders": (("draft", "DRAFT", "Draft"), ("confirmed", "CONF", "Confirmed"),
                     ("shipped", "SHIP", "Shipped"), ("invoiced", "INV", "Invoiced"),
                     ("cancelled", "CAN", "Cancelled")),
    "projects": (("planned", "PLAN", "Planned"), ("active", "ACT", "Active"),
                 ("on_hold", "HOLD", "On Hold"), ("closed", "CLOSED", "Closed")),
    "invoices": (("draft", "DRAFT", "Draft"), ("open", "OPEN", "Open"), ("paid", "PAID", "Paid"),
                 ("overdue", "OVERDUE", "Overdue"), ("void", "VOID", "Void")),
    "production-orders": (("planned", "PLAN", "Planned"), ("released", "REL", "Released"),
                          ("in_progress", "INPRG", "In Progress"),
                          ("completed", "COMP", "Completed"), ("closed", "CLOSED", "Closed")),
    "rfq": (("draft", "DRAFT", "Draft"), ("sent", "SENT", "Sent"), ("quoted", "QUOT", "Quoted"),
            ("awarded", "AWARD", "Awarded"), ("closed", "CLOSED", "Closed")),
    "receiving": (("pending", "PEND", "Pending"), ("partial", "PART", "Partially Received"),
                  ("received", "RECV", "Received"), ("cancelled", "CAN", "Cancelled")),
    "return-orders": (("requested", "REQ", "Requested"), ("approved", "APPR", "Approved"),
                      ("shipped", "SHIP", "Shipped"), ("credited", "CRED", "Credited"),
                      ("rejected", "REJ", "Rejected")),
    "fulfillments": (("pending", "PEND", "Pending"), ("picking", "PICK", "Picking"),
                     ("packed", "PACK", "Packed"), ("shipped", "SHIP", "Shipped"),
                     ("delivered", "DELIV", "Delivered"), ("cancelled", "CAN", "Cancelled")),
    "service-requests": (("new", "NEW", "New"), ("approved", "APPR", "Approved"),
                         ("converted", "WO", "Converted to Work Order"),
                         ("rejected", "REJ", "Rejected"), ("closed", "CLOSED", "Closed")),
    "stock-transfers": (("draft", "DRAFT", "Draft"), ("in_transit", "TRANS", "In Transit"),
                        ("received", "RECV", "Received"), ("cancelled", "CAN", "Cancelled")),
    "shipment-orders": (("pending", "PEND", "Pending"), ("picked", "PICK", "Picked"),
                        ("shipped", "SHIP", "Shipped"), ("delivered", "DELIV", "Delivered"),
                        ("cancelled", "CAN", "Cancelled")),
}
UOMS = (("EA", "Each"), ("L", "Litre"), ("KG", "Kilogram"), ("M", "Metre"), ("BOX", "Box"),
        ("HR", "Hour"), ("SET", "Set"), ("PAL", "Pallet"))
CURRENCY_NAMES = {"EUR": "Euro", "USD": "US Dollar", "GBP": "Pound Sterling",
                  "CAD": "Canadian Dollar", "CHF": "Swiss Franc", "DKK": "Danish Krone",
                  "SEK": "Swedish Krona", "JPY": "Japanese Yen"}
# units of the base currency per unit of another (exact decimals, as a rate table holds them)
RATES = {"EUR": "1.0850", "USD": "1.0000", "GBP": "1.2710", "CAD": "0.7330", "CHF": "1.1280",
         "DKK": "0.1455", "SEK": "0.0948", "JPY": "0.0067"}
ACCOUNTS = (("6000", "Maintenance materials"), ("6010", "Spare parts"),
            ("6020", "External services"), ("6100", "Repairs and maintenance"),
            ("6200", "Utilities"), ("1400", "Inventory"), ("2000", "Accounts payable"),
            ("4000", "Revenue"), ("1200", "Accounts receivable"), ("7100", "Freight"))
TAXES = (("Standard VAT", "VAT", "19.00"), ("Reduced VAT", "VAT", "7.00"),
         ("Sales tax", "SALES", "7.25"), ("Exempt", "EXEMPT", "0.00"))
TEAMS = (("MECH", "Mechanical crew"), ("ELEC", "Electrical crew"), ("INST", "Instrumentation"),
         ("UTIL", "Utilities"), ("STORES", "Stores and logistics"), ("PROC", "Procurement"))
FIRST = ("Anna", "Ben", "Carla", "David", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kara", "Luis", "Mona", "Nils", "Olga", "Pavel", "Rita", "Sami")
LAST = ("Becker", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Silva", "Novak",
        "Haddad", "Fischer", "O'Brien", "Yilmaz", "Rossi", "Jensen")
ROLES = ("Maintenance technician", "Planner", "Storekeeper", "Buyer", "Reliability engineer",
         "Electrician", "Supervisor", "Plant manager")
COMPANIES = ("Acme Industrial Supply", "Northwind Components", "Blue River Logistics",
             "Helios Energy Services", "Keystone Fabrication", "Polar Cold Chain",
             "Orbit Packaging", "Granite Engineering", "Summit Tooling", "Vega Instruments")
CUSTOMERS = ("Baltic Breweries", "Cascade Paper", "Delta Foods", "Eastside Hospital",
             "Fjord Seafood", "Golden Grain Mills", "Harbor Shipyards", "Iron Valley Steel",
             "Jade Pharma", "Kestrel Aerospace", "Lakeside Dairy", "Metro Transit")
GROUPS = (("SPARES", "Spare parts"), ("CONS", "Consumables"), ("LUBE", "Lubricants"),
          ("ELEC", "Electrical"), ("SAFE", "Safety equipment"), ("FIN", "Finished goods"))
PRODUCTS = (("FG-1001", "Industrial gearbox G200", "480", "1200"),
            ("FG-1002", "Pump skid PS-50", "2400", "6200"),
            ("FG-1003", "Control cabinet CC-8", "900", "2900"),
            ("FG-1004", "Conveyor module CM-3", "650", "1850"),
            ("FG-1005", "Filter housing FH-10", "60", "240"),
            ("FG-1006", "Valve manifold VM-4", "140", "520"))
# assemblies: (code, name, indexes of vocab.MATERIALS that are their children)
ASSEMBLIES = (("ASM-PUMP-KIT", "Pump overhaul kit", (0, 1, 3)),
              ("ASM-DRIVE", "Drive train assembly", (2, 6)),
              ("ASM-VALVE-KIT", "Valve service kit", (1, 7)))
METERS = (("Run hours", "HR"), ("Motor current", "A"), ("Vibration", "MM/S"),
          ("Flow", "M3/H"), ("Pressure", "BAR"), ("Temperature", "C"), ("Cycle count", "EA"))
DOWNTIME = (("Breakdown", "High"), ("Planned stop", "Low"), ("Waiting for parts", "Medium"),
            ("Changeover", "Low"), ("Power failure", "High"))
PM_TITLES = ("Monthly lubrication round", "Quarterly pump inspection", "Annual boiler service",
             "Weekly conveyor check", "Semi-annual chiller service", "Forklift 500 h service",
             "Compressor oil change", "Thermographic survey")
REQUESTS = ("Leak under pump", "Strange noise from gearbox", "Light out in aisle 4",
            "Door sensor not working", "Conveyor belt slipping", "Hydraulic hose sweating",
            "Overheating motor", "Guard missing on fan")
DOCUMENTS = (("Operating manual", "application/pdf", "pdf"),
             ("Wiring diagram", "application/pdf", "pdf"),
             ("Spare parts list", "text/csv", "csv"), ("Inspection photo", "image/jpeg", "jpg"),
             ("Safety data sheet", "application/pdf", "pdf"),
             ("Calibration certificate", "application/pdf", "pdf"))
MODELS = (("Centrifugal pump CP-80", "Flowserve"), ("Screw compressor GA-30", "Atlas Copco"),
          ("Belt conveyor BC-1200", "Siemens"), ("Electric forklift E25", "Toyota"),
          ("Fire-tube boiler FTB-2", "Bosch"), ("Air-cooled chiller AC-400", "Trane"))
PROJECTS = ("Line 3 retrofit", "Warehouse expansion", "Energy efficiency 2025",
            "Boiler house renewal", "Packaging automation")
CARRIERS = ("DHL Freight", "UPS", "DB Schenker", "Kuehne+Nagel", "FedEx Freight")
ADJUST_REASONS = ("Cycle count correction", "Damaged in storage", "Expired", "Found stock",
                  "Write-off")
LOCATION_KINDS = ("Production hall", "Warehouse", "Workshop", "Boiler house", "Loading dock",
                  "Tank farm")
STOREROOM_KINDS = ("Main stores", "Satellite stores")
