# Tutorial, the R side: the same KPI estimate with R's survey package.
#
# `python analysis/tutorial_kpi.py --csv tutorial_kpi.csv` writes the analysis frame of
# Katapult's impactmeting; this script makes the same design with svydesign() and the same
# total of students with svytotal(). Run it from the top of the checkout:
#
#     Rscript analysis/tutorial_kpi.R tutorial_kpi.csv
#
# It prints the seven result columns mel uses (estimate, se, ci_low, ci_high, n, df, deff).

suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "tutorial_kpi.csv"
frame <- read.csv(path, stringsAsFactors = FALSE)

# The KPI variable: mbo plus hbo students; a pps that answered neither has no value, a
# missing part of a partly answered sum counts as zero (as mel.kpi.variables).
answered <- !(is.na(frame$studenten_mbo) & is.na(frame$studenten_hbo))
frame$studenten <- ifelse(
  answered,
  rowSums(frame[, c("studenten_mbo", "studenten_hbo")], na.rm = TRUE),
  NA
)
stopifnot(isTRUE(all.equal(frame$studenten, frame$kpi__kat_studenten)))

# One stage: pps'en are the clusters within strata, fpc_units is the number of pps'en in
# the stratum (N_h), weight the inverse of the responding fraction; a stratum with one
# responding pps is centred on the overall mean.
options(survey.lonely.psu = "adjust")
design <- svydesign(
  ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight, data = frame
)

# The total, its 95% interval with t on the design degrees of freedom of the pps'en with
# a value (mel's df for an estimate: responding PSUs minus strata), and the design effect.
with_value <- subset(design, !is.na(studenten))
total <- svytotal(~studenten, with_value, deff = TRUE)
df <- degf(with_value)
ci <- confint(total, df = df)

result <- c(
  estimate = unname(coef(total)),
  se = unname(SE(total)),
  ci_low = ci[1, 1],
  ci_high = ci[1, 2],
  n = sum(weights(with_value) > 0),
  df = df,
  deff = unname(deff(total))
)
for (name in names(result)) {
  cat(sprintf("%-8s %.10g\n", name, result[[name]]))
}
