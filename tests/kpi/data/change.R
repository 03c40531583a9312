# Reference for tests/kpi/test_change.py: change of a mean and of a total between two waves
# that share some units, on the stacked design (units as PSUs, each row its own wave's
# weight, no fpc; see mel.kpi.change). The total's change is the contrast of the
# wave-by-stratum means with coefficients c_h = (weight of the stratum's respondents who
# answered) * N / A, N the weight of all respondents, A of those who answered.
# R 4.2, survey 4.1.
library(survey)
set.seed(27)
make <- function(wave, units, n_h) {
  stratum <- rep(c("a", "b", "c"), n_h)
  data.frame(wave = wave, unit = units, stratum = stratum,
             weight = c(a = 6, b = 4.5, c = 3)[stratum],
             y = round(rgamma(length(units), 3, 0.1), 1))
}
before <- make("2023", c(sprintf("a%02d", 1:5), sprintf("b%02d", 1:4), sprintf("c%02d", 1:3)),
               c(5, 4, 3))
now <- make("2025", c(sprintf("a%02d", 3:8), sprintf("b%02d", 2:5), sprintf("c%02d", 1:3)),
            c(6, 4, 3))
common <- intersect(before$unit, now$unit)
now$y[now$unit %in% common] <- before$y[match(now$unit[now$unit %in% common], before$unit)] +
  round(rnorm(sum(now$unit %in% common), 2, 3), 1)
now$y[c(2, 9)] <- NA   # item missing in the current wave
stacked <- rbind(now, before)
write.csv(stacked, "change.csv", row.names = FALSE)
design <- svydesign(ids = ~unit, strata = ~stratum, weights = ~weight, data = stacked)
answered <- subset(design, !is.na(y))  # svyby with covmat takes no na.rm
m <- svyby(~y, ~wave, answered, svymean, covmat = TRUE)
dm <- svycontrast(m, c("2023" = -1, "2025" = 1))
cat(sprintf("mean %.10f %.10f\n", coef(dm), SE(dm)))
ms <- svyby(~y, ~wave + stratum, answered, svymean, covmat = TRUE)
coefs <- sapply(rownames(ms), function(key) {
  parts <- strsplit(key, "\\.")[[1]]; w <- parts[1]; h <- parts[2]
  d <- stacked[stacked$wave == w, ]
  scale <- sum(d$weight) / sum(d$weight[!is.na(d$y)])
  (if (w == "2025") 1 else -1) * sum(d$weight[d$stratum == h & !is.na(d$y)]) * scale
})
dt <- svycontrast(ms, coefs)
cat(sprintf("total %.10f %.10f %d\n", coef(dt), SE(dt), degf(design)))
