# Reference for tests/kpi/test_design_for.py: persons post-stratified per stratum to the
# known persons of the sampled units, sum(N_h / n_h * M_i), on a two-stage design whose
# first stage is a sample (every sampled unit answered). R 4.2, survey 4.1.
library(survey)
set.seed(15)
units <- data.frame(unit = sprintf("s%02d", 1:9), stratum = rep(c("a", "b", "c"), c(3, 4, 2)))
units$fpc_units <- c(6, 6, 6, 8, 8, 8, 8, 5, 5)
units$fpc_persons <- c(40, 25, 60, 18, 33, 21, 45, 70, 28)
m <- c(5, 3, 6, 2, 4, 3, 5, 7, 3)
rows <- units[rep(seq_len(nrow(units)), m), ]
rows$respondent <- sprintf("p%03d", seq_len(nrow(rows)))
n_h <- ave(seq_len(nrow(units)), units$stratum, FUN = length)
rows$weight <- rep(units$fpc_units / n_h * units$fpc_persons / m, m)
rows$y <- round(rnorm(nrow(rows), 20 + 3 * as.integer(factor(rows$unit)), 4), 2)
write.csv(rows, "persons.csv", row.names = FALSE)
two <- svydesign(id = ~unit + respondent, strata = ~stratum, fpc = ~fpc_units + fpc_persons,
                 weights = ~weight, data = rows)
known <- aggregate(fpc_units / n_h * fpc_persons ~ stratum, data = units, FUN = sum)
names(known) <- c("stratum", "Freq")
ps <- postStratify(two, ~stratum, known)
cat(sprintf("%.10f %.10f %.10f %.10f %d\n", coef(svytotal(~y, ps)), SE(svytotal(~y, ps)),
            coef(svymean(~y, ps)), SE(svymean(~y, ps)), degf(ps)))
