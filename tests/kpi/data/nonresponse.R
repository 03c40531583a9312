# Reference for tests/kpi/test_design_for.py: a one-stage stratified sample of units, some
# of which did not answer; weighting classes = strata (mel.data.weights). R has no direct
# function: the adjusted weights and the linearised variable of Kim & Kim (2007) are built
# by hand, and R computes their Taylor variance on the sample's design. R 4.2, survey 4.1.
library(survey)
set.seed(16)
sample <- data.frame(unit = sprintf("k%02d", 1:15),
                     stratum = rep(c("a", "b", "c"), c(5, 6, 4)),
                     fpc_units = rep(c(10, 12, 8), c(5, 6, 4)))
sample$responded <- c(1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1)
sample$y <- ifelse(sample$responded == 1, round(rgamma(15, 2, 0.02)), NA)
write.csv(sample, "nonresponse.csv", row.names = FALSE)
d <- sample$fpc_units / ave(sample$fpc_units, sample$stratum, FUN = length)
resp <- sample$responded == 1
wa <- d * resp * ave(d, sample$stratum, FUN = sum) / ave(d * resp, sample$stratum, FUN = sum)
y <- ifelse(resp, sample$y, 0)
est <- sum(wa * y)
zbar <- ave(wa * y, sample$stratum, FUN = sum) / ave(d, sample$stratum, FUN = sum)
sample$u <- (wa * y + (d - wa) * zbar) / d
design <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~d,
                    data = cbind(sample, d = d))
v <- vcov(svytotal(~u, design))[[1]]
cat(sprintf("%.10f %.10f %d %d\n", est, sqrt(v), degf(design), sum(resp)))
