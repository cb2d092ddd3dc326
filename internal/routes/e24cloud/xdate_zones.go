package e24cloud

// zoneNames are the zone abbreviations a client's date library may print in X-Date, with
// every offset (minutes east of UTC) each stands for. They come from the IANA time zone
// database, which Go (time.Format "MST"), Python (time.strftime "%Z", zoneinfo), PHP (date
// "T", its bundled timezonedb) and Node (moment-timezone "z") all print from: the names it
// uses today, and those it used before 2017 (when most invented names gave way to numeric
// ones such as "-03" or "+0530", which parseZone reads without a table) and that systems with
// older data still print. Some names stand for several zones (IST: India, Israel, Ireland;
// CST: the US, China, Cuba); the offset that puts the date nearest the server's clock wins,
// so each is read as its sender meant it.
var zoneNames = map[string][]int{
	"UT": {0}, "UTC": {0}, "UCT": {0}, "GMT": {0}, "Z": {0},

	// Europe, Africa, the Middle East
	"WET": {0}, "WEST": {60}, "BST": {60, 360}, "IST": {330, 120, 60}, "CET": {60}, "CEST": {120},
	"MET": {60}, "MEST": {120}, "EET": {120}, "EEST": {180}, "MSK": {180, 240}, "MSD": {240},
	"FET": {180}, "SAMT": {240}, "VOLT": {240, 180}, "WAT": {60}, "WAST": {120}, "CAT": {120},
	"EAT": {180}, "SAST": {120}, "IDT": {180}, "AZOT": {-60}, "AZOST": {0}, "CVT": {-60},
	"EGT": {-60}, "EGST": {0},

	// Asia
	"GST": {240, -120}, "GET": {240}, "AZT": {240}, "AZST": {300}, "AMT": {-240, 240}, "AMST": {-180, 300},
	"IRST": {210}, "IRDT": {270}, "AFT": {270}, "PKT": {300}, "PKST": {360}, "UZT": {300}, "TJT": {300},
	"TMT": {300}, "YEKT": {300}, "ORAT": {300}, "AQTT": {300}, "MVT": {300}, "TFT": {300}, "NPT": {345},
	"BDT": {360}, "BTT": {360}, "KGT": {360}, "ALMT": {360}, "QYZT": {360}, "OMST": {360}, "IOT": {360},
	"MMT": {390}, "CCT": {390}, "ICT": {420}, "WIB": {420}, "NOVT": {420, 360}, "KRAT": {420},
	"HOVT": {420}, "CXT": {420}, "DAVT": {420}, "HKT": {480}, "SGT": {480}, "MYT": {480}, "PHT": {480},
	"BNT": {480}, "WITA": {480}, "IRKT": {480}, "ULAT": {480}, "CHOT": {480}, "JST": {540},
	"KST": {540, 510}, "WIT": {540}, "YAKT": {540}, "TLT": {540}, "PWT": {540}, "VLAT": {600},
	"MAGT": {660, 600}, "SAKT": {660}, "SRET": {660}, "PETT": {720}, "ANAT": {720},

	// Australia, Oceania, the Pacific
	"AWST": {480}, "AWDT": {540}, "WST": {480, 780}, "ACWST": {525}, "ACST": {570}, "ACDT": {630},
	"AEST": {600}, "AEDT": {660}, "LHST": {630}, "LHDT": {660}, "CHST": {600},
	"CHUT": {600}, "PGT": {600}, "NFT": {660, 690}, "SBT": {660}, "NCT": {660}, "VUT": {660},
	"PONT": {660}, "KOST": {660}, "NZST": {720}, "NZDT": {780}, "FJT": {720}, "FJST": {780},
	"MHT": {720}, "TVT": {720}, "GILT": {720}, "WAKT": {720}, "WFT": {720}, "NRT": {720},
	"CHAST": {765}, "CHADT": {825}, "TOT": {780}, "PHOT": {780}, "TKT": {780}, "WSST": {780},
	"WSDT": {840}, "LINT": {840}, "SST": {-660}, "NUT": {-660}, "HST": {-600}, "HDT": {-540},
	"HAST": {-600}, "HADT": {-540}, "CKT": {-600}, "TAHT": {-600}, "MART": {-570}, "GAMT": {-540},

	// The Americas (and the names Australia used before 2014: EST, EDT, CST, CDT)
	"AKST": {-540}, "AKDT": {-480}, "PST": {-480, 480}, "PDT": {-420}, "MST": {-420}, "MDT": {-360},
	"CST": {-360, 480, -300, 570}, "CDT": {-300, -240, 630}, "EST": {-300, 600}, "EDT": {-240, 660},
	"AST": {-240, 180}, "ADT": {-180}, "NST": {-210}, "NDT": {-150}, "PMST": {-180}, "PMDT": {-120},
	"WGT": {-180}, "WGST": {-120}, "EAST": {-360, -300}, "GALT": {-360}, "ACT": {-300}, "COT": {-300},
	"ECT": {-300}, "PET": {-300}, "BOT": {-240}, "CLT": {-240}, "CLST": {-180}, "GYT": {-240},
	"VET": {-240, -270}, "PYT": {-240}, "PYST": {-180}, "BRT": {-180}, "BRST": {-120}, "ART": {-180},
	"ARST": {-120}, "UYT": {-180}, "UYST": {-120}, "GFT": {-180}, "SRT": {-180}, "FKST": {-180},
	"FNT": {-120},
}
