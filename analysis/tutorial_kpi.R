# Tutorial, the R side: the same KPI estimate with R's survey package.
#
# `python analysis/tutorial_kpi.py --csv tutorial_kpi.csv` writes the analysis frame of
# Katapult's impactmeting; this script makes the same design with svydesign() and the same
# total of students with svytotal() and svycontrast(). Run it from the top of the checkout:
#
#     Rscript analysis/tutorial_kpi.R tutorial_kpi.csv
#
# It prints six of the result columns mel uses (estimate, se, ci_low, ci_high, n, df); the
# design effect of a total adjusted for item nonresponse has no svycontrast counterpart.

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "tutorial_kpi.csv"
frame <- read.csv(path, stringsAsFactors = FALSE)

# The KPI's variable: mbo plus hbo students; a pps that left a part unanswered has none
# (the KPI's `missing: exclude`).
answered <- !(is.na(frame$studenten_mbo) | is.na(frame$studenten_hbo))
frame$studenten <- ifelse(answered, frame$studenten_mbo + frame$studenten_hbo, NA)
stopifnot(isTRUE(all.equal(frame$studenten, frame$kpi__kat_studenten)))

options(survey.lonely.psu = "adjust")
frame$one <- 1
frame$a <- as.numeric(answered)
frame$ya <- ifelse(answered, frame$studenten, 0)
design <- svydesign(
  ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight, data = frame
)

# N times the mean of those who answered: N_hat * Y_a / A, with its delta-method SE
totals <- svytotal(~one + ya + a, design)
total <- svycontrast(totals, quote(one * ya / a))
df <- degf(design)
estimate <- unname(coef(total))
se <- unname(SE(total))
half <- qt(0.975, df) * se / estimate  # the log interval: never below zero

result <- c(
  estimate = estimate,
  se = se,
  ci_low = estimate * exp(-half),
  ci_high = estimate * exp(half),
  n = sum(answered),
  df = df
)
for (name in names(result)) {
  cat(sprintf("%-8s %.10g\n", name, result[[name]]))
}
