# Reference for tests/kpi/test_item_missing.py: missing: impute (each stratum's weighted mean
# of those who answered) for a total and a mean on item.csv; the imputed figure is
# sum_h N_h * Y_ah / A_h, its SE by the delta method (svycontrast) on the design, so the
# imputation is in the variance. R 4.2, survey 4.1.
library(survey)
rows <- read.csv("item.csv")
rows$one <- 1
rows$a <- as.numeric(!is.na(rows$y))
rows$ya <- ifelse(is.na(rows$y), 0, rows$y)
for (h in c("a", "b", "c")) {
  rows[[paste0("o_", h)]] <- as.numeric(rows$stratum == h)
  rows[[paste0("y_", h)]] <- rows$ya * (rows$stratum == h)
  rows[[paste0("a_", h)]] <- rows$a * (rows$stratum == h)
}
design <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight,
                    data = rows)
totals <- svytotal(~one + o_a + y_a + a_a + o_b + y_b + a_b + o_c + y_c + a_c, design)
imputed <- quote(o_a * y_a / a_a + o_b * y_b / a_b + o_c * y_c / a_c)
total <- svycontrast(totals, imputed)
mean <- svycontrast(totals, substitute(e / one, list(e = imputed)))
cat(sprintf("total %.10f %.10f\nmean %.10f %.10f\ndf %d\n", coef(total), SE(total),
            coef(mean), SE(mean), degf(design)))
