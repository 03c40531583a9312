# Reference for tests/kpi/test_design_census.py: a first stage that is a census
# (every unit of every stratum), persons sampled within units. R 4.x, survey 4.x.
library(survey)
set.seed(14)
units <- data.frame(unit = sprintf("u%02d", 1:9), stratum = rep(c("a", "b", "c"), c(3, 4, 2)))
units$fpc_units <- ave(seq_len(nrow(units)), units$stratum, FUN = length)
units$fpc_persons <- c(12, 8, 20, 6, 15, 9, 11, 30, 7)
m <- c(4, 3, 6, 2, 5, 3, 4, 8, 3)
rows <- units[rep(seq_len(nrow(units)), m), ]
rows$respondent <- sprintf("p%03d", seq_len(nrow(rows)))
rows$weight <- rows$fpc_persons / rep(m, m)
rows$y <- round(rnorm(nrow(rows), 10 + as.integer(factor(rows$unit)), 3), 2)
rows$z <- as.integer(runif(nrow(rows)) < 0.4)
write.csv(rows, "census.csv", row.names = FALSE)
two <- svydesign(id = ~unit + respondent, strata = ~stratum, fpc = ~fpc_units + fpc_persons,
                 weights = ~weight, data = rows)
by_unit <- svydesign(id = ~respondent, strata = ~unit, fpc = ~fpc_persons, weights = ~weight,
                     data = rows)
for (d in list(two, by_unit)) {
  cat(sprintf("%.10f %.10f %.10f %.10f %d\n", coef(svytotal(~y, d)), SE(svytotal(~y, d)),
              coef(svymean(~z, d)), SE(svymean(~z, d)), degf(d)))
}
