# Regenerate the R reference values used by tests/analysis.
#
#   cd tests/analysis/results && Rscript make_reference.R
#
# Needs R with the `survey` package (Debian: apt-get install r-cran-survey). Writes the
# fixture data to ../data/*.csv (R's `api` data, column names with "_" instead of ".",
# plus a few derived columns documented below) and one Python module of reference values
# per topic. Every value is printed with 17 significant digits and preceded by a comment
# holding the exact R code that produced it, so anyone can check a number by pasting it.
#
# The CSV files are read back before anything is computed, so R and Python see the very
# same numbers.

suppressPackageStartupMessages(library(survey))
options(digits = 15, warn = 1)
versions <- sprintf("R %s, survey %s", paste(R.version$major, R.version$minor, sep = "."),
                    as.character(packageVersion("survey")))

# ---------------------------------------------------------------- fixture data
data(api)
fix_names <- function(df) {
  names(df) <- gsub(".", "_", names(df), fixed = TRUE)
  for (v in names(df)) if (is.factor(df[[v]])) df[[v]] <- as.character(df[[v]])
  df
}
apistrat <- fix_names(apistrat)
apiclus1 <- fix_names(apiclus1)
apiclus2 <- fix_names(apiclus2)
apisrs <- fix_names(apisrs)
apiclus2$fpc2 <- as.vector(apiclus2$fpc2)

band <- function(x) as.character(cut(x, c(0, 600, 750, 1000), labels = c("low", "mid", "high")))
# api_band: api00 in three bands (for a 3 x 3 table); acs46_big: NA-bearing categorical
apistrat$api_band <- band(apistrat$api00)
apistrat$acs46_big <- ifelse(apistrat$acs_46 > 25, "Yes", "No")
# responded: a deterministic response indicator for the nonresponse adjustment
apistrat$responded <- as.integer(apistrat$snum %% 5 != 0 | apistrat$stype == "H")
# region: two strata of whole districts for a stratified cluster design, with invented
# population counts of districts; lonely: the same with district 1's county on its own
apiclus1$api_band <- band(apiclus1$api00)
apiclus1$region <- ifelse(apiclus1$cnum < 25, "north", "south")
apiclus1$fpc_region <- ifelse(apiclus1$region == "north", 400, 357)
apiclus1$lonely <- ifelse(apiclus1$cnum == 1, "solo", apiclus1$region)
apiclus1$fpc_lonely <- ifelse(apiclus1$lonely == "solo", 5, apiclus1$fpc_region)
apisrs$api_band <- band(apisrs$api00)

# Likert scale: 5 items on 1..5 with item nonresponse, in 4 strata with unequal weights
set.seed(20240601)
nl <- 240
likert <- data.frame(id = 1:nl, stratum = rep(c("a", "b", "c", "d"), each = nl / 4))
likert$w <- c(a = 10, b = 25, c = 40, d = 5)[likert$stratum] * runif(nl, 0.8, 1.2)
trait <- rnorm(nl) + c(a = 0, b = 0.3, c = -0.2, d = 0.5)[likert$stratum]
for (k in 1:5) {
  item <- pmin(5, pmax(1, round(3 + trait * 0.9 + rnorm(nl, sd = 0.9))))
  item[runif(nl) < 0.06] <- NA
  likert[[paste0("q", k)]] <- item
}

dir.create("../data", showWarnings = FALSE)
for (nm in c("apistrat", "apiclus1", "apiclus2", "apisrs", "likert")) {
  write.csv(get(nm), file.path("../data", paste0(nm, ".csv")), row.names = FALSE)
  assign(nm, read.csv(file.path("../data", paste0(nm, ".csv"))))
}

# ---------------------------------------------------------------- designs
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dstrat_wr <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus1_wr <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus2_wr <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
dsrs <- svydesign(id = ~1, fpc = ~fpc, data = apisrs)
dsrs_wr <- svydesign(id = ~1, weights = ~pw, data = apisrs)
dstratclus <- svydesign(id = ~dnum, strata = ~region, weights = ~pw, fpc = ~fpc_region,
                        data = apiclus1)
dstratclus_wr <- svydesign(id = ~dnum, strata = ~region, weights = ~pw, data = apiclus1)
dlonely <- svydesign(id = ~dnum, strata = ~lonely, weights = ~pw, fpc = ~fpc_lonely,
                     data = apiclus1)
dlonely_wr <- svydesign(id = ~dnum, strata = ~lonely, weights = ~pw, data = apiclus1)

design_code <- c(
  strat = "svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)",
  strat_wr = "svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat)",
  clus1 = "svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)",
  clus1_wr = "svydesign(id = ~dnum, weights = ~pw, data = apiclus1)",
  clus2 = "svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)",
  clus2_wr = "svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)",
  srs = "svydesign(id = ~1, fpc = ~fpc, data = apisrs)",
  srs_wr = "svydesign(id = ~1, weights = ~pw, data = apisrs)",
  stratclus = "svydesign(id = ~dnum, strata = ~region, weights = ~pw, fpc = ~fpc_region, data = apiclus1)",
  stratclus_wr = "svydesign(id = ~dnum, strata = ~region, weights = ~pw, data = apiclus1)",
  lonely = "svydesign(id = ~dnum, strata = ~lonely, weights = ~pw, fpc = ~fpc_lonely, data = apiclus1)",
  lonely_wr = "svydesign(id = ~dnum, strata = ~lonely, weights = ~pw, data = apiclus1)"
)

# ---------------------------------------------------------------- output helpers
run <- function(code) eval(parse(text = code), envir = globalenv())

py <- function(x) {
  if (is.null(x)) return("None")
  if (length(x) != 1) return(paste0("[", paste(vapply(x, py, ""), collapse = ", "), "]"))
  if (is.character(x)) return(paste0('"', x, '"'))
  if (is.na(x)) return("nan")
  if (is.infinite(x)) return(if (x > 0) "inf" else "-inf")
  sprintf("%.17g", x)
}

pydict <- function(rec, indent = "    ") {
  items <- vapply(names(rec), function(k) sprintf('"%s": %s', k, py(unname(rec[[k]]))), "")
  paste0("{", paste(items, collapse = ", "), "}")
}

Out <- NULL
open_module <- function(path, title) {
  Out <<- file(path, "w")
  cat(sprintf('"""%s\n\nGenerated by make_reference.R (%s); do not edit by hand.\n"""\n\n',
              title, versions), file = Out)
  cat("# ruff: noqa: E501\n", file = Out)
  cat("from math import inf, nan  # noqa: F401\n\n", file = Out)
  cat("# fmt: off\n", file = Out)
  cat(sprintf("R_VERSION = \"%s\"\n\n", versions), file = Out)
}
close_module <- function() { cat("# fmt: on\n", file = Out); close(Out) }

wrap_comment <- function(text, indent = "") {
  lines <- strwrap(text, width = 96 - nchar(indent), exdent = 2)
  paste0(indent, "# ", lines, collapse = "\n")
}

# emit one record: `calls` is the R code, `rec` a named list
emit <- function(name, calls, rec) {
  cat(wrap_comment(paste(calls, collapse = "; ")), "\n", sep = "", file = Out)
  cat(sprintf("%s = %s\n\n", name, pydict(rec)), file = Out)
}
# emit a table keyed by domain: `entries` is a list of list(calls, rec)
emit_table <- function(name, entries) {
  cat(sprintf("%s = {\n", name), file = Out)
  for (k in names(entries)) {
    cat(wrap_comment(paste(entries[[k]]$calls, collapse = "; "), "    "), "\n", sep = "",
        file = Out)
    cat(sprintf('    "%s": %s,\n', k, pydict(entries[[k]]$rec)), file = Out)
  }
  cat("}\n\n", file = Out)
}

nobs <- function(dc, vars) {
  d <- run(dc)
  w <- if (inherits(d, "svyrep.design")) d$pweights else weights(d, "sampling")
  ok <- w != 0
  for (v in vars) ok <- ok & !is.na(d$variables[[v]])
  sum(ok)
}

tci <- function(est, se, df, level = 0.95) {
  a <- (1 - level) / 2
  est + se * qt(c(a, 1 - a), df)
}

# ---------------------------------------------------------------- estimators
r_mean <- function(dc, v) {
  code <- sprintf("m <- svymean(~%s, %s, na.rm = TRUE, deff = TRUE)", v, dc)
  m <- run(code)
  df <- run(sprintf("degf(%s)", dc))
  ci <- confint(m, df = df)
  list(calls = c(code, sprintf("confint(m, df = degf(%s))", dc)),
       rec = list(estimate = coef(m)[[1]], se = SE(m)[[1]], ci_low = ci[1], ci_high = ci[2],
                  n = nobs(dc, v), df = df, deff = deff(m)[[1]]))
}

r_total <- function(dc, v) {
  code <- sprintf("m <- svytotal(~%s, %s, na.rm = TRUE, deff = TRUE)", v, dc)
  m <- run(code)
  df <- run(sprintf("degf(%s)", dc))
  ci <- confint(m, df = df)
  list(calls = c(code, sprintf("confint(m, df = degf(%s))", dc)),
       rec = list(estimate = coef(m)[[1]], se = SE(m)[[1]], ci_low = ci[1], ci_high = ci[2],
                  n = nobs(dc, v), df = df, deff = deff(m)[[1]]))
}

r_ratio <- function(dc, num, den) {
  rep <- inherits(run(dc), "svyrep.design")
  code <- sprintf("r <- svyratio(~%s, ~%s, %s, na.rm = TRUE, deff = %s)", num, den, dc,
                  if (rep) "FALSE" else "TRUE")
  r <- run(code)
  df <- run(sprintf("degf(%s)", dc))
  est <- coef(r)[[1]]
  se <- SE(r)[[1]]
  ci <- tci(est, se, df)
  calls <- c(code, sprintf("estimate + SE * qt(c(0.025, 0.975), degf(%s))", dc))
  if (rep) {
    # svyratio.svyrep.design(deff = TRUE) fails in survey 4.1.1 (it indexes the result list
    # as a matrix); this is the deff it means to compute: that of the total of num - R den
    dcode <- sprintf("dd <- %s; dd$variables$e <- dd$variables$%s - %.17g * dd$variables$%s; deff(svytotal(~e, dd, na.rm = TRUE, deff = TRUE))",
                     dc, num, est, den)
    de <- run(dcode)[[1]]
    calls <- c(calls, dcode)
  } else {
    de <- attr(r, "deff")[[1]]
  }
  list(calls = calls,
       rec = list(estimate = est, se = se, ci_low = ci[1], ci_high = ci[2],
                  n = nobs(dc, c(num, den)), df = df, deff = de))
}

r_prop <- function(dc, v, level, method) {
  code <- sprintf('p <- svyciprop(~I(%s == "%s"), %s, method = "%s", na.rm = TRUE)',
                  v, level, dc, method)
  p <- run(code)
  dcode <- sprintf('deff(svymean(~I(%s == "%s"), %s, na.rm = TRUE, deff = TRUE))[[2]]',
                   v, level, dc)
  de <- run(dcode)
  df <- run(sprintf("degf(%s)", dc))
  ci <- attr(p, "ci")
  list(calls = c(code, "attr(p, \"ci\")", dcode),
       rec = list(estimate = coef(p)[[1]], se = sqrt(attr(p, "var")[[1]]), ci_low = ci[[1]],
                  ci_high = ci[[2]], n = nobs(dc, v), df = df, deff = de))
}

r_quantile <- function(dc, v, q) {
  # na.rm = TRUE only where needed: survey 4.1.1's svyquantile for a subset of a replicate
  # design returns nonsense with na.rm = TRUE (e.g. 905 for the quartile below)
  narm <- if (anyNA(run(dc)$variables[[v]])) ", na.rm = TRUE" else ""
  code <- sprintf("qq <- svyquantile(~%s, %s, quantiles = %s%s, ci = TRUE)",
                  v, dc, q, narm)
  r <- run(code)[[1]]
  dfcode <- sprintf("degf(subset(%s, !is.na(%s)))", dc, v)
  df <- run(dfcode)
  list(calls = c(code, dfcode),
       rec = list(estimate = r[1, 1], se = r[1, 4], ci_low = r[1, 2], ci_high = r[1, 3],
                  n = nobs(dc, v), df = df, deff = NA))
}

# an R error becomes a record {"error": message}; the tests skip those (and say so)
safe <- function(f, fname) {
  force(f)
  function(dc, ...) {
  tryCatch(f(dc, ...), error = function(e) {
    list(calls = sprintf("%s(%s, ...) fails in R: %s", fname, dc, conditionMessage(e)),
         rec = list(error = conditionMessage(e)))
  })
  }
}
r_mean <- safe(r_mean, "r_mean")
r_total <- safe(r_total, "r_total")
r_ratio <- safe(r_ratio, "r_ratio")
r_prop <- safe(r_prop, "r_prop")
r_quantile <- safe(r_quantile, "r_quantile")

by_levels <- function(dc, by) {
  d <- run(dc)
  w <- if (inherits(d, "svyrep.design")) d$pweights else weights(d, "sampling")
  sort(unique(d$variables[[by]][w != 0]))
}

by_table <- function(f, dc, by, ...) {
  levs <- by_levels(dc, by)
  out <- lapply(levs, function(l) f(sprintf('subset(%s, %s == "%s")', dc, by, l), ...))
  names(out) <- levs
  out
}

# ---------------------------------------------------------------- Taylor estimates
write_estimates <- function(dnames) {
  for (dn in dnames) {
    dc <- dn_code(dn)
    x <- r_mean(dc, "api00"); emit(sprintf("%s_mean_api00", dn), x$calls, x$rec)
    emit_table(sprintf("%s_mean_api00_by_stype", dn), by_table(r_mean, dc, "stype", "api00"))
    emit_table(sprintf("%s_mean_api00_by_sch_wide", dn),
               by_table(r_mean, dc, "sch_wide", "api00"))
    x <- r_total(dc, "enroll"); emit(sprintf("%s_total_enroll", dn), x$calls, x$rec)
    emit_table(sprintf("%s_total_enroll_by_stype", dn), by_table(r_total, dc, "stype", "enroll"))
    x <- r_ratio(dc, "api_stu", "enroll"); emit(sprintf("%s_ratio_api_stu_enroll", dn), x$calls, x$rec)
    emit_table(sprintf("%s_ratio_api_stu_enroll_by_stype", dn),
               by_table(r_ratio, dc, "stype", "api_stu", "enroll"))
    for (method in c("logit", "likelihood", "asin", "beta", "mean", "xlogit")) {
      x <- r_prop(dc, "sch_wide", "Yes", method)
      emit(sprintf("%s_prop_sch_wide_%s", dn, method), x$calls, x$rec)
      emit_table(sprintf("%s_prop_sch_wide_%s_by_stype", dn, method),
                 by_table(r_prop, dc, "stype", "sch_wide", "Yes", method))
    }
    for (q in c(0.25, 0.5, 0.75)) {
      tag <- sub(".", "", sprintf("%.2f", q), fixed = TRUE)
      x <- r_quantile(dc, "api00", q)
      emit(sprintf("%s_quantile_api00_q%s", dn, tag), x$calls, x$rec)
      emit_table(sprintf("%s_quantile_api00_q%s_by_stype", dn, tag),
                 by_table(r_quantile, dc, "stype", "api00", q))
    }
  }
}
dn_code <- function(dn) paste0("d", dn)

open_module("taylor.py", "R reference values: Taylor-linearised estimates on the api designs.")
cat("# Designs (data read from tests/analysis/data/*.csv):\n", file = Out)
for (k in names(design_code)) cat(sprintf("#   d%s <- %s\n", k, design_code[[k]]), file = Out)
cat("\n", file = Out)
write_estimates(c("strat", "strat_wr", "clus1", "clus1_wr", "clus2", "clus2_wr", "srs",
                  "srs_wr", "stratclus", "stratclus_wr"))

# domains with missing values (acs_46 is NA for 66 of 200 schools, 48 of 50 high schools)
for (dn in c("strat", "clus1", "clus2")) {
  dc <- dn_code(dn)
  x <- r_mean(dc, "acs_46"); emit(sprintf("%s_mean_acs_46", dn), x$calls, x$rec)
  emit_table(sprintf("%s_mean_acs_46_by_stype", dn), by_table(r_mean, dc, "stype", "acs_46"))
  x <- r_total(dc, "acs_46"); emit(sprintf("%s_total_acs_46", dn), x$calls, x$rec)
  emit_table(sprintf("%s_total_acs_46_by_stype", dn), by_table(r_total, dc, "stype", "acs_46"))
  x <- r_ratio(dc, "acs_46", "acs_k3"); emit(sprintf("%s_ratio_acs_46_acs_k3", dn), x$calls, x$rec)
  x <- r_quantile(dc, "acs_46", 0.5); emit(sprintf("%s_quantile_acs_46_q050", dn), x$calls, x$rec)
  emit_table(sprintf("%s_quantile_acs_46_q050_by_stype", dn),
             by_table(r_quantile, dc, "stype", "acs_46", 0.5))
}
for (method in c("logit", "likelihood", "beta", "mean", "xlogit", "asin")) {
  x <- r_prop("dstrat", "acs46_big", "Yes", method)
  emit(sprintf("strat_prop_acs46_big_%s", method), x$calls, x$rec)
  emit_table(sprintf("strat_prop_acs46_big_%s_by_stype", method),
             by_table(r_prop, "dstrat", "stype", "acs46_big", "Yes", method))
}

# a 90% interval (level = 0.90) for the conf_int(alpha) recomputation
x <- r_mean("dclus1", "api00")
m <- svymean(~api00, dclus1)
ci90 <- confint(m, level = 0.90, df = degf(dclus1))
emit("clus1_mean_api00_ci90", "confint(svymean(~api00, dclus1), level = 0.90, df = degf(dclus1))",
     list(ci_low = ci90[1], ci_high = ci90[2]))
for (method in c("logit", "likelihood", "beta", "xlogit", "asin", "mean")) {
  code <- sprintf('attr(svyciprop(~I(sch_wide == "Yes"), dclus1, method = "%s", level = 0.90), "ci")', method)
  ci <- run(code)
  emit(sprintf("clus1_prop_sch_wide_%s_ci90", method), code, list(ci_low = ci[[1]], ci_high = ci[[2]]))
}
code <- "svyquantile(~api00, dclus1, quantiles = 0.5, alpha = 0.10, ci = TRUE)"
q <- run(code)[[1]]
emit("clus1_quantile_api00_q050_ci90", code, list(ci_low = q[1, 2], ci_high = q[1, 3], se = q[1, 4]))

# lonely PSUs: stratum "solo" of dlonely has one district
for (opt in c("adjust", "average", "remove", "certainty")) {
  for (dn in c("lonely", "lonely_wr")) {
    options(survey.lonely.psu = opt)
    dc <- dn_code(dn)
    x <- r_mean(dc, "api00")
    x$calls <- c(sprintf('options(survey.lonely.psu = "%s")', opt), x$calls)
    emit(sprintf("%s_%s_mean_api00", dn, opt), x$calls, x$rec)
    x <- r_total(dc, "enroll")
    x$calls <- c(sprintf('options(survey.lonely.psu = "%s")', opt), x$calls)
    emit(sprintf("%s_%s_total_enroll", dn, opt), x$calls, x$rec)
    tab <- by_table(r_mean, dc, "stype", "api00")
    for (k in names(tab)) tab[[k]]$calls <- c(sprintf('options(survey.lonely.psu = "%s")', opt), tab[[k]]$calls)
    emit_table(sprintf("%s_%s_mean_api00_by_stype", dn, opt), tab)
  }
}
options(survey.lonely.psu = "fail")

# domain contrasts with the full covariance (svyby covmat = TRUE)
for (dn in c("strat", "clus1", "clus2")) {
  dc <- dn_code(dn)
  code <- sprintf("b <- svyby(~api00, ~stype, %s, svymean, covmat = TRUE)", dc)
  b <- run(code)
  emit(sprintf("%s_mean_api00_by_stype_vcov", dn), c(code, "as.vector(vcov(b))  # row-major E, H, M"),
       list(vcov = as.vector(t(vcov(b)))))
  ccode <- "con <- svycontrast(b, c(E = 1, H = -1))"
  con <- run(ccode)
  ci <- confint(con, df = run(sprintf("degf(%s)", dc)))
  emit(sprintf("%s_mean_api00_diff_E_H", dn), c(code, ccode, sprintf("confint(con, df = degf(%s))", dc)),
       list(estimate = coef(con)[[1]], se = SE(con)[[1]], ci_low = ci[1], ci_high = ci[2],
            df = run(sprintf("degf(%s)", dc))))
  code <- sprintf("b <- svyby(~enroll, ~stype, %s, svytotal, covmat = TRUE)", dc)
  b <- run(code)
  emit(sprintf("%s_total_enroll_by_stype_vcov", dn), c(code, "as.vector(t(vcov(b)))"),
       list(vcov = as.vector(t(vcov(b)))))
}
close_module()

# ---------------------------------------------------------------- calibration
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch_wide = c("No", "Yes"), Freq = c(1072, 5122))
pop_awards <- data.frame(awards = c("No", "Yes"), Freq = c(2300, 3894))
dclus1_ps <- postStratify(dclus1, ~stype, pop_types)
dclus2_ps <- postStratify(dclus2, ~stype, pop_types)
dstrat_ps <- postStratify(dstrat, ~awards, pop_awards)
dclus1_rake <- rake(dclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide))
dstrat_rake <- rake(dstrat_wr, list(~awards, ~sch_wide), list(pop_awards, pop_schwide))
dclus1_rake_tight <- rake(dclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide),
                          control = list(maxit = 50, epsilon = 1e-9))

open_module("calibrated.py", "R reference values: post-stratified and raked designs.")
cal_code <- c(
  clus1_ps = "postStratify(dclus1, ~stype, pop_types)",
  clus2_ps = "postStratify(dclus2, ~stype, pop_types)",
  strat_ps = "postStratify(dstrat, ~awards, pop_awards)",
  clus1_rake = "rake(dclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide))",
  strat_rake = "rake(dstrat_wr, list(~awards, ~sch_wide), list(pop_awards, pop_schwide))",
  clus1_rake_tight = "rake(dclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide), control = list(maxit = 50, epsilon = 1e-9))"
)
cat("# pop_types <- data.frame(stype = c(\"E\", \"H\", \"M\"), Freq = c(4421, 755, 1018))\n", file = Out)
cat("# pop_schwide <- data.frame(sch_wide = c(\"No\", \"Yes\"), Freq = c(1072, 5122))\n", file = Out)
cat("# pop_awards <- data.frame(awards = c(\"No\", \"Yes\"), Freq = c(2300, 3894))\n", file = Out)
for (k in names(design_code)) cat(sprintf("#   d%s <- %s\n", k, design_code[[k]]), file = Out)
for (k in names(cal_code)) cat(sprintf("#   d%s <- %s\n", k, cal_code[[k]]), file = Out)
cat("\n", file = Out)
for (dn in names(cal_code)) {
  dc <- dn_code(dn)
  emit(sprintf("%s_weights", dn), sprintf("weights(%s)", dc), list(weights = weights(run(dc))))
  x <- r_mean(dc, "api00"); emit(sprintf("%s_mean_api00", dn), x$calls, x$rec)
  emit_table(sprintf("%s_mean_api00_by_stype", dn), by_table(r_mean, dc, "stype", "api00"))
  emit_table(sprintf("%s_mean_api00_by_awards", dn), by_table(r_mean, dc, "awards", "api00"))
  x <- r_total(dc, "enroll"); emit(sprintf("%s_total_enroll", dn), x$calls, x$rec)
  emit_table(sprintf("%s_total_enroll_by_stype", dn), by_table(r_total, dc, "stype", "enroll"))
  x <- r_ratio(dc, "api_stu", "enroll"); emit(sprintf("%s_ratio_api_stu_enroll", dn), x$calls, x$rec)
  for (method in c("logit", "likelihood", "beta", "xlogit")) {
    x <- r_prop(dc, "comp_imp", "Yes", method)
    emit(sprintf("%s_prop_comp_imp_%s", dn, method), x$calls, x$rec)
    emit_table(sprintf("%s_prop_comp_imp_%s_by_stype", dn, method),
               by_table(r_prop, dc, "stype", "comp_imp", "Yes", method))
  }
  x <- r_quantile(dc, "api00", 0.5); emit(sprintf("%s_quantile_api00_q050", dn), x$calls, x$rec)
  emit_table(sprintf("%s_quantile_api00_q050_by_stype", dn),
             by_table(r_quantile, dc, "stype", "api00", 0.5))
  x <- r_mean(dc, "acs_46"); emit(sprintf("%s_mean_acs_46", dn), x$calls, x$rec)
  emit_table(sprintf("%s_mean_acs_46_by_stype", dn), by_table(r_mean, dc, "stype", "acs_46"))
}

# Nonresponse weighting-class adjustment within stype (R has no direct function): the
# adjusted weights and the linearised variable of Kim & Kim (2007) built by hand, whose
# Taylor variance R then computes on the full-sample design dstrat.
code <- paste(
  "resp <- apistrat$responded == 1",
  "cls <- apistrat$stype",
  "adj <- ave(apistrat$pw, cls, FUN = sum) / ave(apistrat$pw * resp, cls, FUN = sum)",
  "wa <- apistrat$pw * resp * adj",
  "y <- apistrat$api00",
  "est <- sum(wa * y) / sum(wa)",
  "z <- ifelse(resp, (y - est) / sum(wa), 0)",
  "zbar <- ave(wa * z, cls, FUN = sum) / ave(apistrat$pw, cls, FUN = sum)",
  "u <- (wa * z + (apistrat$pw - wa) * zbar) / apistrat$pw",
  "dd <- update(dstrat, u = u)",
  "v <- vcov(svytotal(~u, dd))[[1]]",
  sep = "; ")
run(code)
emit("strat_nonresponse_weights", "wa (as above)", list(weights = wa))
emit("strat_nonresponse_mean_api00", code,
     list(estimate = est, se = sqrt(v), df = degf(dstrat), n = sum(resp)))
close_module()

# ---------------------------------------------------------------- replicate weights
rclus1 <- as.svrepdesign(dclus1, type = "JK1")
rclus1_wr <- as.svrepdesign(dclus1_wr, type = "JK1")
rsrs <- as.svrepdesign(dsrs, type = "JK1")
rclus2 <- suppressWarnings(as.svrepdesign(dclus2, type = "JK1"))
rclus2_wr <- as.svrepdesign(dclus2_wr, type = "JK1")
rstrat <- as.svrepdesign(dstrat, type = "JKn")
rstratclus <- as.svrepdesign(dstratclus, type = "JKn")
rclus1_ps <- postStratify(rclus1, ~stype, pop_types)
rclus1_rake <- rake(rclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide))
rep_code <- c(
  rclus1 = "as.svrepdesign(dclus1, type = \"JK1\")",
  rclus1_wr = "as.svrepdesign(dclus1_wr, type = \"JK1\")",
  rsrs = "as.svrepdesign(dsrs, type = \"JK1\")",
  rclus2 = "as.svrepdesign(dclus2, type = \"JK1\")  # warns: drops the stage-2 fpc",
  rclus2_wr = "as.svrepdesign(dclus2_wr, type = \"JK1\")",
  rstrat = "as.svrepdesign(dstrat, type = \"JKn\")",
  rstratclus = "as.svrepdesign(dstratclus, type = \"JKn\")",
  rclus1_ps = "postStratify(rclus1, ~stype, pop_types)",
  rclus1_rake = "rake(rclus1, list(~stype, ~sch_wide), list(pop_types, pop_schwide))"
)
open_module("replicate.py", "R reference values: jackknife replicate-weight designs.")
for (k in names(design_code)) cat(sprintf("#   d%s <- %s\n", k, design_code[[k]]), file = Out)
for (k in names(rep_code)) cat(sprintf("#   %s <- %s\n", k, rep_code[[k]]), file = Out)
cat("\n", file = Out)
for (dc in names(rep_code)) {
  dn <- dc
  emit(sprintf("%s_scale", dn), sprintf("list(%s$scale, %s$rscales, degf(%s))", dc, dc, dc),
       list(scale = run(dc)$scale, rscales = run(dc)$rscales, df = degf(run(dc))))
  x <- r_mean(dc, "api00"); emit(sprintf("%s_mean_api00", dn), x$calls, x$rec)
  emit_table(sprintf("%s_mean_api00_by_stype", dn), by_table(r_mean, dc, "stype", "api00"))
  x <- r_total(dc, "enroll"); emit(sprintf("%s_total_enroll", dn), x$calls, x$rec)
  emit_table(sprintf("%s_total_enroll_by_stype", dn), by_table(r_total, dc, "stype", "enroll"))
  x <- r_ratio(dc, "api_stu", "enroll"); emit(sprintf("%s_ratio_api_stu_enroll", dn), x$calls, x$rec)
  emit_table(sprintf("%s_ratio_api_stu_enroll_by_stype", dn),
             by_table(r_ratio, dc, "stype", "api_stu", "enroll"))
  for (method in c("logit", "likelihood", "beta", "mean", "xlogit", "asin")) {
    x <- r_prop(dc, "sch_wide", "Yes", method)
    emit(sprintf("%s_prop_sch_wide_%s", dn, method), x$calls, x$rec)
    emit_table(sprintf("%s_prop_sch_wide_%s_by_stype", dn, method),
               by_table(r_prop, dc, "stype", "sch_wide", "Yes", method))
  }
  for (q in c(0.25, 0.5)) {
    tag <- sub(".", "", sprintf("%.2f", q), fixed = TRUE)
    x <- r_quantile(dc, "api00", q)
    emit(sprintf("%s_quantile_api00_q%s", dn, tag), x$calls, x$rec)
    emit_table(sprintf("%s_quantile_api00_q%s_by_stype", dn, tag),
               by_table(r_quantile, dc, "stype", "api00", q))
  }
  if (dc %in% c("rclus1", "rclus2", "rstrat")) {
    v <- "acs_46"
    x <- r_mean(dc, v); emit(sprintf("%s_mean_%s", dn, v), x$calls, x$rec)
    emit_table(sprintf("%s_mean_%s_by_stype", dn, v), by_table(r_mean, dc, "stype", v))
  }
  code <- sprintf("b <- svyby(~api00, ~stype, %s, svymean, covmat = TRUE)", dc)
  b <- run(code)
  emit(sprintf("%s_mean_api00_by_stype_vcov", dn), c(code, "as.vector(t(vcov(b)))"),
       list(vcov = as.vector(t(vcov(b)))))
}
close_module()

# ---------------------------------------------------------------- tables (Rao-Scott)
open_module("tables.py", "R reference values: Rao-Scott tests for two-way tables (svychisq).")
for (k in names(design_code)) cat(sprintf("#   d%s <- %s\n", k, design_code[[k]]), file = Out)
for (k in names(rep_code)) cat(sprintf("#   %s <- %s\n", k, rep_code[[k]]), file = Out)
for (k in names(cal_code)) cat(sprintf("#   d%s <- %s\n", k, cal_code[[k]]), file = Out)
cat("\n", file = Out)
cases <- list(
  c("clus1", "dclus1", "sch_wide", "stype"),
  c("clus1_band", "dclus1", "api_band", "stype"),
  c("strat", "dstrat", "api_band", "stype"),
  c("strat_awards", "dstrat", "awards", "acs46_big"),
  c("clus2", "dclus2", "sch_wide", "stype"),
  c("srs", "dsrs", "api_band", "awards"),
  c("stratclus", "dstratclus", "api_band", "sch_wide"),
  c("clus1_ps", "dclus1_ps", "sch_wide", "stype"),
  c("rclus1", "rclus1", "sch_wide", "stype"),
  c("rstrat", "rstrat", "api_band", "stype")
)
for (cs in cases) {
  for (stat in c("F", "Chisq")) {
    code <- sprintf('t <- svychisq(~%s + %s, %s, statistic = "%s")', cs[3], cs[4], cs[2], stat)
    t <- run(code)
    rec <- list(statistic = unname(t$statistic), p_value = unname(t$p.value))
    if (stat == "F") {
      rec$ndf <- unname(t$parameter[1]); rec$ddf <- unname(t$parameter[2])
    } else {
      rec$df <- unname(t$parameter[1])
    }
    emit(sprintf("%s_%s_%s_%s", cs[1], cs[3], cs[4], tolower(stat)), code, rec)
  }
}
close_module()

# ---------------------------------------------------------------- regression
open_module("regression.py", "R reference values: survey-weighted GLMs (svyglm).")
for (k in names(design_code)) cat(sprintf("#   d%s <- %s\n", k, design_code[[k]]), file = Out)
for (k in names(rep_code)) cat(sprintf("#   %s <- %s\n", k, rep_code[[k]]), file = Out)
for (k in names(cal_code)) cat(sprintf("#   d%s <- %s\n", k, cal_code[[k]]), file = Out)
cat("\n", file = Out)
glms <- list(
  c("strat_linear", "svyglm(api00 ~ ell + meals + mobility, design = dstrat)"),
  c("strat_wr_linear", "svyglm(api00 ~ ell + meals + mobility, design = dstrat_wr)"),
  c("clus1_linear", "svyglm(api00 ~ ell + meals + stype, design = dclus1)"),
  c("clus2_linear", "svyglm(api00 ~ ell + meals + stype, design = dclus2)"),
  c("clus2_wr_linear", "svyglm(api00 ~ ell + meals + stype, design = dclus2_wr)"),
  c("stratclus_linear", "svyglm(api00 ~ ell + meals, design = dstratclus)"),
  c("srs_linear", "svyglm(api00 ~ ell + meals, design = dsrs)"),
  c("strat_na_linear", "svyglm(api00 ~ acs_46 + meals, design = dstrat)"),
  c("clus1_ps_linear", "svyglm(api00 ~ ell + meals, design = dclus1_ps)"),
  c("clus1_rake_linear", "svyglm(api00 ~ ell + meals, design = dclus1_rake)"),
  c("clus1_domain_linear", "svyglm(api00 ~ ell + meals, design = subset(dclus1, stype == \"E\"))"),
  c("clus1_logistic", "svyglm(I(sch_wide == \"Yes\") ~ ell + meals, design = dclus1, family = quasibinomial())"),
  c("strat_logistic", "svyglm(I(sch_wide == \"Yes\") ~ ell + meals + stype, design = dstrat, family = quasibinomial())"),
  c("clus2_logistic", "svyglm(I(sch_wide == \"Yes\") ~ ell + meals, design = dclus2, family = quasibinomial())"),
  c("rclus1_linear", "svyglm(api00 ~ ell + meals, design = rclus1)"),
  c("rclus1_logistic", "svyglm(I(sch_wide == \"Yes\") ~ ell + meals, design = rclus1, family = quasibinomial())"),
  c("rstrat_linear", "svyglm(api00 ~ ell + meals + mobility, design = rstrat)")
)
for (g in glms) {
  code <- paste0("m <- ", g[2])
  m <- run(code)
  ci <- confint(m)
  emit(g[1], c(code, "coef(m); SE(m); m$df.residual; confint(m)"),
       list(terms = names(coef(m)), coef = unname(coef(m)), se = unname(SE(m)),
            df = m$df.residual, ci_low = unname(ci[, 1]), ci_high = unname(ci[, 2]),
            vcov = as.vector(t(vcov(m)))))
}
close_module()

# ---------------------------------------------------------------- scales
open_module("scales.py", "R reference values: Cronbach's alpha (svycralpha) on the Likert fixture.")
cat("#   dlik <- svydesign(id = ~1, strata = ~stratum, weights = ~w, data = likert)\n\n", file = Out)
dlik <- svydesign(id = ~1, strata = ~stratum, weights = ~w, data = likert)
code <- "svycralpha(~q1 + q2 + q3 + q4 + q5, dlik, na.rm = TRUE)"
emit("likert_alpha_weighted", code, list(alpha = run(code)))
code <- "svycralpha(~q1 + q2 + q3 + q4 + q5, svydesign(id = ~1, probs = rep(1, nrow(likert)), data = likert), na.rm = TRUE)"
emit("likert_alpha_plain", code, list(alpha = run(code)))
code <- "it <- na.omit(likert[, paste0(\"q\", 1:5)]); (5 / 4) * (1 - sum(apply(it, 2, var)) / var(rowSums(it)))"
emit("likert_alpha_textbook", code, list(alpha = run(code)))
code <- "svycralpha(~q1 + q2 + q3, dlik, na.rm = TRUE)"
emit("likert_alpha_weighted_3items", code, list(alpha = run(code)))
# the index: mean of answered items when at least 4 of 5 answered
code <- paste(
  "it <- likert[, paste0(\"q\", 1:5)]",
  "likert$index <- ifelse(rowSums(!is.na(it)) >= 4, rowMeans(it, na.rm = TRUE), NA)",
  "dlik <- update(dlik, index = likert$index)",
  "m <- svymean(~index, dlik, na.rm = TRUE, deff = TRUE)", sep = "; ")
run(code)
ci <- confint(m, df = degf(dlik))
emit("likert_index_mean", c(code, "confint(m, df = degf(dlik))"),
     list(estimate = coef(m)[[1]], se = SE(m)[[1]], ci_low = ci[1], ci_high = ci[2],
          n = sum(!is.na(likert$index)), df = degf(dlik), deff = deff(m)[[1]]))
close_module()
cat("done\n")
