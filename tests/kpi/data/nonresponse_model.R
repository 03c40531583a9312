# Reference for tests/kpi/test_nonresponse_model.py: the sample of nonresponse.csv with a
# region per unit, adjusted for unit nonresponse by (1) weighting classes = regions across
# the strata and (2) inverse response propensities from a logistic model on region.
# (1) has no R function: the adjusted weights and the linearised variable of Kim & Kim
# (2007) are built by hand and R computes their Taylor variance on the sample's design.
# (2) is R's svyglm + subset (see mel.analysis.propensity). R 4.2, survey 4.1.
library(survey)
sample <- read.csv("nonresponse.csv")
sample$region <- rep(c("noord", "zuid", "west"), 5)
d <- sample$fpc_units / ave(sample$fpc_units, sample$stratum, FUN = length)
resp <- sample$responded == 1
wa <- d * resp * ave(d, sample$region, FUN = sum) / ave(d * resp, sample$region, FUN = sum)
y <- ifelse(resp, sample$y, 0)
est <- sum(wa * y)
zbar <- ave(wa * y, sample$region, FUN = sum) / ave(d, sample$region, FUN = sum)
sample$u <- (wa * y + (d - wa) * zbar) / d
design <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units, weights = ~d,
                    data = cbind(sample, d = d))
cat(sprintf("classes %.10f %.10f %d\n", est, sqrt(vcov(svytotal(~u, design))[[1]]), degf(design)))
fit <- svyglm(responded ~ region, design, family = quasibinomial())
design2 <- svydesign(ids = ~unit, strata = ~stratum, fpc = ~fpc_units,
                     weights = ~ I(d / fitted(fit)), data = cbind(sample, d = d))
r <- svytotal(~y, subset(design2, responded == 1))
cat(sprintf("propensity %.10f %.10f %d\n", coef(r), SE(r), degf(subset(design2, responded == 1))))
