# Reference for tests/kpi/test_design_for.py: a total with item-missing answers
# (missing: exclude) is N_hat times the mean of those who answered, N_hat * Y_a / A, with
# its delta-method SE and the log interval. R 4.2, survey 4.1.
library(survey)
rows <- read.csv("nonresponse.csv")
rows <- rows[rows$responded == 1, ]
rows$weight <- rows$fpc_units / ave(rows$fpc_units, rows$stratum, FUN = length)
rows$y[c(2, 6, 9)] <- NA
write.csv(rows, "item.csv", row.names = FALSE)
rows$one <- 1
rows$a <- as.numeric(!is.na(rows$y))
rows$ya <- ifelse(is.na(rows$y), 0, rows$y)
design <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~weight,
                    data = rows)
total <- svycontrast(svytotal(~one + ya + a, design), quote(one * ya / a))
est <- unname(coef(total)); se <- unname(SE(total)); df <- degf(design)
half <- qt(0.975, df) * se / est
cat(sprintf("%.10f %.10f %.10f %.10f %d\n", est, se, est * exp(-half), est * exp(half), df))
