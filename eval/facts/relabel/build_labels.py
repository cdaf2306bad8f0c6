# Builds figures.jsonl and status.jsonl for the blind relabel. Offsets computed from the texts.
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def T(src):
    return open(os.path.join(HERE, "corpus", src), encoding="utf-8").read()


AZ = "az-tagrisso-flaura-chmp.txt"
DX = "dexcom-q1-2023-guidance-raise.txt"
GI = "gilead-cymabay-deal.txt"
LI = "lilly-donanemab-trailblazer2-full.txt"
RO = "roche-tiragolumab-skyscraper01-interim.txt"

TAG = "Tagrisso (osimertinib) arm, FLAURA"
CMP = "EGFR-TKI comparator arm (gefitinib or erlotinib), FLAURA"
F = []  # (source, quote, figure, occurrence of figure within quote, unit, kind, measure, subject, comparator)


def add(src, quote, fig, unit, kind, measure, subject, comparator="", occ=0):
    F.append((src, quote, fig, occ, unit, kind, measure, subject, comparator))


# ---------------- AstraZeneca / FLAURA ----------------
q = "Recommendation based on FLAURA trial data showing unprecedented median progression-free survival of 18.9 months for Tagrisso versus 10.2 months compared with current standard of care"
add(
    AZ,
    q,
    "18.9 months",
    "months",
    "result",
    "median progression-free survival",
    "Tagrisso, FLAURA",
    "current standard of care, 10.2 months",
)
add(
    AZ,
    q,
    "10.2 months",
    "months",
    "result",
    "median progression-free survival",
    "current standard of care (EGFR-TKI comparator), FLAURA",
    "Tagrisso, 18.9 months",
)
q = "The recommendation is based on results from the Phase III FLAURA trial, which were presented at the European Society of Medical Oncology 2017 Congress and published in the New England Journal of Medicine."
add(AZ, q, "Phase III", "", "phase", "trial phase", "FLAURA trial")
add(
    AZ,
    q,
    "2017",
    "",
    "date",
    "year of the congress where FLAURA results were presented",
    "FLAURA results (ESMO 2017 Congress)",
)
q = "Number of Events (62% maturity)"
add(
    AZ,
    q,
    "62%",
    "%",
    "result",
    "data maturity of progression-free survival analysis (events)",
    "FLAURA, progression-free survival analysis",
)
add(
    AZ,
    "136 (49)",
    "136",
    "events",
    "count",
    "number of progression-free survival events",
    TAG,
    "EGFR-TKI comparator, 206 (74)",
)
add(
    AZ,
    "136 (49)",
    "49",
    "% (of patients)",
    "result",
    "percentage of patients with a progression-free survival event",
    TAG,
    "EGFR-TKI comparator, 74",
)
add(
    AZ,
    "206 (74)",
    "206",
    "events",
    "count",
    "number of progression-free survival events",
    CMP,
    "Tagrisso, 136 (49)",
)
add(
    AZ,
    "206 (74)",
    "74",
    "% (of patients)",
    "result",
    "percentage of patients with a progression-free survival event",
    CMP,
    "Tagrisso, 49",
)
q = "18.9 months (15.2, 21.4)"
add(
    AZ,
    q,
    "18.9 months",
    "months",
    "result",
    "median progression-free survival (investigator assessment)",
    TAG,
    "EGFR-TKI comparator, 10.2 months",
)
add(
    AZ,
    q,
    "15.2, 21.4",
    "months",
    "result",
    "95% confidence interval for median progression-free survival",
    TAG,
    "EGFR-TKI comparator, 9.6, 11.1",
)
q = "10.2 months (9.6, 11.1)"
add(
    AZ,
    q,
    "10.2 months",
    "months",
    "result",
    "median progression-free survival (investigator assessment)",
    CMP,
    "Tagrisso, 18.9 months",
)
add(
    AZ,
    q,
    "9.6, 11.1",
    "months",
    "result",
    "95% confidence interval for median progression-free survival",
    CMP,
    "Tagrisso, 15.2, 21.4",
)
q = "0.46 (0.37, 0.57); P < 0.0001"
add(
    AZ,
    q,
    "0.46",
    "",
    "result",
    "hazard ratio for progression-free survival",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)
add(
    AZ,
    q,
    "0.37, 0.57",
    "",
    "result",
    "95% confidence interval for progression-free survival hazard ratio",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)
add(
    AZ,
    q,
    "P < 0.0001",
    "",
    "result",
    "p-value for progression-free survival hazard ratio",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)
q = "Number of deaths, (25% maturity)"
add(
    AZ,
    q,
    "25%",
    "%",
    "result",
    "data maturity of overall survival analysis (deaths)",
    "FLAURA, overall survival analysis",
)
add(AZ, "58 (21)", "58", "deaths", "count", "number of deaths", TAG, "EGFR-TKI comparator, 83 (30)")
add(
    AZ,
    "58 (21)",
    "21",
    "% (of patients)",
    "result",
    "percentage of patients who died",
    TAG,
    "EGFR-TKI comparator, 30",
)
add(AZ, "83 (30)", "83", "deaths", "count", "number of deaths", CMP, "Tagrisso, 58 (21)")
add(AZ, "83 (30)", "30", "% (of patients)", "result", "percentage of patients who died", CMP, "Tagrisso, 21")
q = "0.63 (0.45, 0.88); P=0.0068 (NS)*"
add(
    AZ,
    q,
    "0.63",
    "",
    "result",
    "hazard ratio for overall survival (interim)",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)
add(
    AZ,
    q,
    "0.45, 0.88",
    "",
    "result",
    "95% confidence interval for overall survival hazard ratio",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)
add(
    AZ,
    q,
    "P=0.0068",
    "",
    "result",
    "p-value for overall survival hazard ratio (marked NS, not statistically significant)",
    "Tagrisso vs EGFR-TKI comparator, FLAURA",
    "EGFR-TKI comparator (gefitinib or erlotinib)",
)

# ---------------- Dexcom ----------------
q = "Dexcom (Nasdaq:DXCM) today announced that it’s raising its 2023 financial guidance following strong first-quarter financial results."
add(DX, q, "2023", "", "date", "year covered by the raised financial guidance", "Dexcom")
q = "Shares of DXCM dipped 3.7% to $119 apiece after the market closed."
add(DX, q, "3.7%", "%", "money", "share price change (decline) after market close", "Dexcom shares (DXCM)")
add(DX, q, "$119", "USD per share", "money", "share price after market close", "Dexcom shares (DXCM)")
q = "MassDevice’s MedTech 100 Index — which includes stocks of the world’s largest medical device companies — finished the day up 0.2%."
add(DX, q, "0.2%", "%", "money", "index change on the day", "MassDevice MedTech 100 Index")
q = "The San Diego-based continuous glucose monitor technology developer posted profits of $48.6 million."
add(DX, q, "$48.6 million", "USD", "money", "Q1 2023 profit (net income)", "Dexcom")
q = "That equals 12¢ per share on sales of $741.5 million for the three months ended March 31, 2023."
add(DX, q, "12¢", "US cents per share", "money", "Q1 2023 earnings per share", "Dexcom")
add(DX, q, "$741.5 million", "USD", "money", "Q1 2023 sales (revenue)", "Dexcom")
add(DX, q, "three months", "months", "duration", "length of the reporting period", "Dexcom Q1 2023 results")
add(DX, q, "March 31, 2023", "", "date", "end date of the reporting quarter", "Dexcom Q1 2023 results")
q = "Dexcom reported a 50% bottom-line slide on sales growth of 17.9%."
add(DX, q, "50%", "%", "money", "decline in bottom line (net income), Q1 2023", "Dexcom")
add(DX, q, "17.9%", "%", "money", "sales growth, Q1 2023", "Dexcom")
q = "The company also finalized coverage for G7 with the Centers for Medicare and Medicaid Services (CMS) in February."
add(DX, q, "February", "", "date", "month CMS coverage for G7 was finalized", "Dexcom G7 CGM")
q = "Adjusted to exclude one-time items, earnings per share totaled 17¢."
add(DX, q, "17¢", "US cents per share", "money", "Q1 2023 adjusted earnings per share", "Dexcom")
q = "That landed 2¢ ahead of projections on Wall Street."
add(
    DX,
    q,
    "2¢",
    "US cents per share",
    "money",
    "adjusted EPS beat versus Wall Street projections",
    "Dexcom",
    "Wall Street projections",
)
q = "Sales topped expectations, too, as analysts forecast $720.7 million in revenue."
add(DX, q, "$720.7 million", "USD", "money", "analysts' Q1 2023 revenue forecast", "Dexcom")
q = "“Dexcom is off to a great start in 2023, executing on several key initiatives including the launch of Dexcom G7 in the United States,” said Kevin Sayer, Dexcom chair, president and CEO."
add(DX, q, "2023", "", "date", 'year referred to ("great start in 2023")', "Dexcom")
q = "“Given the strength of our first quarter results and an expanding market opportunity with new CGM coverage now available, we are pleased to raise our 2023 revenue guidance.”"
add(DX, q, "2023", "", "date", "year covered by the raised revenue guidance", "Dexcom")
q = "Dexcom projects revenues to land between $3.4 billion and $3.515 billion for the full year."
add(
    DX,
    q,
    "$3.4 billion",
    "USD",
    "money",
    "full-year 2023 revenue guidance, low end",
    "Dexcom",
    "previous guidance $3.35 billion to $3.49 billion (next sentence)",
)
add(
    DX,
    q,
    "$3.515 billion",
    "USD",
    "money",
    "full-year 2023 revenue guidance, high end",
    "Dexcom",
    "previous guidance $3.35 billion to $3.49 billion (next sentence)",
)
q = "That represents 17% to 21% growth year over year."
add(DX, q, "17%", "%", "money", "projected full-year 2023 revenue growth year over year, low end", "Dexcom")
add(DX, q, "21%", "%", "money", "projected full-year 2023 revenue growth year over year, high end", "Dexcom")
q = "It also marks an increase from the previous guidance for between $3.35 billion and $3.49 billion."
add(
    DX,
    q,
    "$3.35 billion",
    "USD",
    "money",
    "previous full-year 2023 revenue guidance, low end",
    "Dexcom",
    "new guidance $3.4 billion to $3.515 billion",
)
add(
    DX,
    q,
    "$3.49 billion",
    "USD",
    "money",
    "previous full-year 2023 revenue guidance, high end",
    "Dexcom",
    "new guidance $3.4 billion to $3.515 billion",
)

# ---------------- Gilead / CymaBay ----------------
q = "CymaBay Therapeutics shares jumped nearly 25% and hit a new record high in early trading Monday after the clinical-stage biopharmaceutical company agreed to be acquired by Gilead Sciences for $4.3 billion."
add(
    GI,
    q,
    "25%",
    "%",
    "money",
    'share price gain in early trading Monday ("nearly")',
    "CymaBay Therapeutics shares",
)
add(
    GI,
    q,
    "$4.3 billion",
    "USD",
    "money",
    "deal value (acquisition price)",
    "the deal (Gilead acquiring CymaBay)",
)
q = "Gilead is paying $32.50 a share in cash for CymaBay, a roughly 27% premium to Friday's closing price of $25.69 and well above CymaBay's prior all-time high of $26.35 reached during Friday's session."
add(
    GI,
    q,
    "$32.50",
    "USD per share",
    "money",
    "per-share cash acquisition price",
    "the deal (Gilead acquiring CymaBay)",
    "Friday's closing price of $25.69",
)
add(
    GI,
    q,
    "27%",
    "%",
    "money",
    'acquisition premium ("roughly")',
    "the deal (Gilead acquiring CymaBay)",
    "Friday's closing price of $25.69",
)
add(GI, q, "$25.69", "USD per share", "money", "Friday's closing share price", "CymaBay shares")
add(
    GI,
    q,
    "$26.35",
    "USD per share",
    "money",
    "prior all-time high share price (reached Friday)",
    "CymaBay shares",
)
q = "Shares of the Newark, Calif., company were recently changing hands at $31.91, up about 24%, while shares of Foster City, Calif., biopharmaceutical company Gilead edged up 0.2% to $73.82."
add(GI, q, "$31.91", "USD per share", "money", "recent share price (Monday trading)", "CymaBay shares")
add(GI, q, "24%", "%", "money", 'share price change ("about"), Monday trading', "CymaBay shares")
add(GI, q, "0.2%", "%", "money", "share price change, Monday trading", "Gilead Sciences shares")
add(
    GI, q, "$73.82", "USD per share", "money", "recent share price (Monday trading)", "Gilead Sciences shares"
)
q = "Gilead's liver-disease portfolio, which includes the hepatitis drug Vemlidy, generated sales of $2.8 billion last year."
add(GI, q, "$2.8 billion", "USD", "money", "sales last year", "Gilead liver-disease portfolio")
q = "CymaBay said the FDA set a target action date of Aug. 14 for the application, adding that the agency isn't currently planning to hold an advisory committee meeting to discuss the application."
add(
    GI,
    q,
    "Aug. 14",
    "",
    "date",
    "FDA target action date",
    "seladelpar application (primary biliary cholangitis)",
)
add(
    GI,
    "02-12-24 0951ET",
    "02-12-24 0951ET",
    "",
    "date",
    "newswire publication date and time",
    "Dow Jones Newswires article",
)

# ---------------- Lilly / donanemab ----------------
q = "Eli Lilly And Co (LLY  ) presented full results from the Phase 3 TRAILBLAZER-ALZ 2 study showing that donanemab significantly slowed cognitive and functional decline in people with early symptomatic Alzheimer's disease."
add(LI, q, "Phase 3", "", "phase", "trial phase", "TRAILBLAZER-ALZ 2 study")
q = "Lilly previously announced that donanemab met the primary and all cognitive and functional secondary endpoints in the Phase 3 study."
add(LI, q, "Phase 3", "", "phase", "trial phase", "TRAILBLAZER-ALZ 2 study")
D = "donanemab, "
q = "As previously reported, among participants with low-medium levels of tau (n=1182), donanemab treatment significantly slowed decline by 35% on iADRS and 36% on CDR-SB."
add(LI, q, "n=1182", "participants", "count", "number of participants", "low-medium tau population")
add(LI, q, "35%", "%", "result", "slowing of decline on iADRS", D + "low-medium tau participants")
add(LI, q, "36%", "%", "result", "slowing of decline on CDR-SB", D + "low-medium tau participants")
q = "Among all amyloid-positive early symptomatic AD study participants (n=1736), treatment with donanemab significantly slowed decline by 22% on iADRS and 29% on CDR-SB."
add(
    LI,
    q,
    "n=1736",
    "participants",
    "count",
    "number of participants",
    "all amyloid-positive early symptomatic AD participants (combined population)",
)
add(
    LI,
    q,
    "22%",
    "%",
    "result",
    "slowing of decline on iADRS",
    D + "all amyloid-positive participants (combined population)",
)
add(
    LI,
    q,
    "29%",
    "%",
    "result",
    "slowing of decline on CDR-SB",
    D + "all amyloid-positive participants (combined population)",
)
q = "In participants with mild cognitive impairment (n=214), donanemab slowed decline by 60% on iADRS and 46% on CDR-SB (for those with mild dementia due to AD, n=534, donanemab slowed decline by 30% on iADRS and 38% on CDR-SB, respectively)."
add(
    LI,
    q,
    "n=214",
    "participants",
    "count",
    "number of participants",
    "participants with mild cognitive impairment",
)
add(
    LI,
    q,
    "60%",
    "%",
    "result",
    "slowing of decline on iADRS",
    D + "participants with mild cognitive impairment",
)
add(
    LI,
    q,
    "46%",
    "%",
    "result",
    "slowing of decline on CDR-SB",
    D + "participants with mild cognitive impairment",
)
add(
    LI,
    q,
    "n=534",
    "participants",
    "count",
    "number of participants",
    "participants with mild dementia due to AD",
)
add(
    LI,
    q,
    "30%",
    "%",
    "result",
    "slowing of decline on iADRS",
    D + "participants with mild dementia due to AD",
)
add(
    LI,
    q,
    "38%",
    "%",
    "result",
    "slowing of decline on CDR-SB",
    D + "participants with mild dementia due to AD",
)
q = "In participants under 75 (n=542), donanemab slowed the decline by 48% on iADRS and 45% on CDR-SB."
add(LI, q, "75", "years", "other", "age cut-off defining the subgroup (under 75)", "participants under 75")
add(LI, q, "n=542", "participants", "count", "number of participants", "participants under 75")
add(LI, q, "48%", "%", "result", "slowing of decline on iADRS", D + "participants under 75")
add(LI, q, "45%", "%", "result", "slowing of decline on CDR-SB", D + "participants under 75")
q = "In participants aged 75 or greater (n=551), donanemab slowed the decline by 25% on iADRS and 29% on CDR-SB."
add(
    LI,
    q,
    "75",
    "years",
    "other",
    "age cut-off defining the subgroup (75 or greater)",
    "participants aged 75 or greater",
)
add(LI, q, "n=551", "participants", "count", "number of participants", "participants aged 75 or greater")
add(LI, q, "25%", "%", "result", "slowing of decline on iADRS", D + "participants aged 75 or greater")
add(LI, q, "29%", "%", "result", "slowing of decline on CDR-SB", D + "participants aged 75 or greater")
q = "In participants with low-medium tau, treatment with donanemab resulted in 47% of participants with no progression at one year on the CDR-SB assessment versus 29% on placebo."
add(
    LI,
    q,
    "47%",
    "%",
    "result",
    "participants with no progression at one year on CDR-SB",
    D + "low-medium tau participants",
    "placebo, 29%",
)
add(
    LI,
    q,
    "one year",
    "years",
    "duration",
    "time point of the no-progression assessment",
    "low-medium tau participants",
)
add(
    LI,
    q,
    "29%",
    "%",
    "result",
    "participants with no progression at one year on CDR-SB",
    "placebo, low-medium tau participants",
    "donanemab, 47%",
)
q = "Those participants treated with donanemab also had a 39% lower risk of progressing over the 18-month trial."
add(
    LI, q, "39%", "%", "result", "reduction in risk of disease progression", D + "low-medium tau participants"
)
add(LI, q, "18-month", "months", "duration", "trial duration", "TRAILBLAZER-ALZ 2 trial")
q = "Price Action: LLY shares are down 0.63% at $446.63 on the last check Monday."
add(LI, q, "0.63%", "%", "money", "share price change (decline), Monday", "Eli Lilly shares (LLY)")
add(LI, q, "$446.63", "USD per share", "money", "share price, Monday", "Eli Lilly shares (LLY)")

# ---------------- Roche / SKYSCRAPER-01 ----------------
q = "date 2023-08-23 Roche have had to announce that it has been made aware of an inadvertent disclosure of the second interim analysis of the Phase III SKYSCRAPER-01 study, evaluating the investigational anti-TIGIT immunotherapy tiragolumab plus Tecentriq (atezolizumab) versus Tecentriq alone as an initial (first-line) treatment for people with PD-L1-high locally advanced or metastatic non-small cell lung cancer (NSCLC)."
add(RO, q, "2023-08-23", "", "date", "date of the announcement", "Roche announcement")
add(RO, q, "Phase III", "", "phase", "trial phase", "SKYSCRAPER-01 study")
TT = "tiragolumab plus Tecentriq arm, SKYSCRAPER-01"
TM = "Tecentriq monotherapy arm, SKYSCRAPER-01"
q = "The interim results for the primary endpoint of overall survival were not mature at the time of the second interim analysis, with median overall survival estimates of 22.9 months [95% CI: 17.5, NE] in the tiragolumab plus Tecentriq arm, and 16.7 months [95% CI: 14.6, 20.2] in the Tecentriq monotherapy arm, yielding a hazard ratio (HR) of 0.81 [95% CI: 0.63, 1.03]."
add(
    RO,
    q,
    "22.9 months",
    "months",
    "result",
    "median overall survival (second interim analysis, immature)",
    TT,
    "Tecentriq monotherapy, 16.7 months",
)
add(
    RO,
    q,
    "17.5, NE",
    "months",
    "result",
    "95% confidence interval for median overall survival (upper bound not estimable)",
    TT,
    "Tecentriq monotherapy, 14.6, 20.2",
)
add(
    RO,
    q,
    "16.7 months",
    "months",
    "result",
    "median overall survival (second interim analysis, immature)",
    TM,
    "tiragolumab plus Tecentriq, 22.9 months",
)
add(
    RO,
    q,
    "14.6, 20.2",
    "months",
    "result",
    "95% confidence interval for median overall survival",
    TM,
    "tiragolumab plus Tecentriq, 17.5, NE",
)
add(
    RO,
    q,
    "0.81",
    "",
    "result",
    "hazard ratio for overall survival (second interim analysis)",
    "tiragolumab plus Tecentriq vs Tecentriq alone, SKYSCRAPER-01",
    "Tecentriq monotherapy",
)
add(
    RO,
    q,
    "0.63, 1.03",
    "",
    "result",
    "95% confidence interval for overall survival hazard ratio",
    "tiragolumab plus Tecentriq vs Tecentriq alone, SKYSCRAPER-01",
    "Tecentriq monotherapy",
)
q = "This second interim analysis took place in February 2023 and was based on a data cut-off in November 2022, with a median follow-up of 15.5 months."
add(
    RO,
    q,
    "February 2023",
    "",
    "date",
    "date of the second interim analysis",
    "SKYSCRAPER-01 second interim analysis",
)
add(RO, q, "November 2022", "", "date", "data cut-off date", "SKYSCRAPER-01 second interim analysis")
add(RO, q, "15.5 months", "months", "duration", "median follow-up", "SKYSCRAPER-01 second interim analysis")
q = "SKYSCRAPER-01 is a global Phase III, randomised double-blinded study evaluating tiragolumab plus Tecentriq (atezolizumab) versus Tecentriq alone in 534 patients with first-line PD-L1-high locally advanced, unresectable or metastatic non-small cell lung cancer."
add(RO, q, "Phase III", "", "phase", "trial phase", "SKYSCRAPER-01 study")
add(RO, q, "534", "patients", "count", "patients enrolled", "SKYSCRAPER-01 study")
q = "Patients were randomised 1:1 to receive either tiragolumab plus Tecentriq or placebo plus Tecentriq, until disease progression, loss of clinical benefit or unacceptable toxicity."
add(
    RO,
    q,
    "1:1",
    "ratio",
    "other",
    "randomisation ratio",
    "SKYSCRAPER-01 study (tiragolumab plus Tecentriq vs placebo plus Tecentriq)",
)

# ---------------- status ----------------
S = [
    (
        AZ,
        "Tagrisso receives positive EU CHMP opinion for 1st-line treatment of EGFR-mutated non-small cell lung cancer",
        "regulatory",
        "positive opinion",
        "CHMP",
    ),
    (
        AZ,
        "The Committee for Medicinal Products for Human Use (CHMP) of the European Medicines Agency has adopted a positive opinion, recommending a change to the terms of the Marketing Authorisation for Tagrisso (osimertinib) to include the 1st-line treatment of adult patients with locally advanced or metastatic non-small cell lung cancer (NSCLC) with activating epidermal growth factor receptor (EGFR) mutations.",
        "regulatory",
        "positive opinion",
        "CHMP",
    ),
    (
        GI,
        "CymaBay Therapeutics shares jumped nearly 25% and hit a new record high in early trading Monday after the clinical-stage biopharmaceutical company agreed to be acquired by Gilead Sciences for $4.3 billion.",
        "deal",
        "announced",
        "",
    ),
    (
        GI,
        "The deal, slated to close in the current quarter, bolsters Gilead's liver portfolio with the addition of seladelpar, CymaBay's lead product candidate, for the chronic and progressive liver disease primary biliary cholangitis.",
        "deal",
        "announced",
        "",
    ),
    (
        GI,
        "CymBay on Monday said the U.S. Food and Drug Administration granted priority review its application seeking approval of seladelpar for the management of primary biliary cholangitis including pruritus in adults without cirrhosis or with compensated cirrhosis who are inadequate responders or intolerant to ursodeoxycholic acid.",
        "regulatory",
        "acceptance",
        "FDA",
    ),
    (
        GI,
        "CymaBay said the FDA set a target action date of Aug. 14 for the application, adding that the agency isn't currently planning to hold an advisory committee meeting to discuss the application.",
        "regulatory",
        "expected decision",
        "FDA",
    ),
    (
        LI,
        "Lilly previously announced that donanemab met the primary and all cognitive and functional secondary endpoints in the Phase 3 study.",
        "trial",
        "met primary endpoint",
        "",
    ),
    (
        LI,
        "Submission to the FDA for traditional approval was completed last quarter, with regulatory action expected by the end of the year.",
        "regulatory",
        "filing",
        "FDA",
    ),
    (
        LI,
        "Submission to the FDA for traditional approval was completed last quarter, with regulatory action expected by the end of the year.",
        "regulatory",
        "expected decision",
        "FDA",
    ),
    (
        RO,
        "SKYSCRAPER-01 is ongoing and the study remains blinded to patients and investigators.",
        "trial",
        "ongoing",
        "",
    ),
    (
        RO,
        "We are continuing the study until the final analysis for overall survival.",
        "trial",
        "ongoing",
        "",
    ),
    (RO, "All other studies in the tiragolumab programme will continue as planned.", "trial", "ongoing", ""),
]

rows = []
for src, q, fig, occ, unit, kind, measure, subject, comp in F:
    t = T(src)
    assert t.count(q) == 1, (src, q)
    qs = t.index(q)
    i = -1
    for _ in range(occ + 1):
        i = q.index(fig, i + 1)
    s = qs + i
    e = s + len(fig)
    rows.append(
        dict(
            source=src,
            figure=fig,
            start=s,
            end=e,
            unit=unit,
            kind=kind,
            measure=measure,
            subject=subject,
            comparator=comp,
            quote=q,
        )
    )
rows.sort(key=lambda r: (r["source"], r["start"]))
seen = set()
for r in rows:
    k = (r["source"], r["start"])
    assert k not in seen, k
    seen.add(k)
with open(os.path.join(HERE, "figures.jsonl"), "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(os.path.join(HERE, "status.jsonl"), "w", encoding="utf-8") as f:
    for src, q, ty, st, by in S:
        assert q in T(src), (src, q)
        f.write(json.dumps(dict(source=src, quote=q, type=ty, status=st, by=by), ensure_ascii=False) + "\n")
print(len(rows), "figures", len(S), "status")
