#!/usr/bin/env Rscript
# reproduce.R: recompute every estimate of a tcm-survey results bundle with R's survey package
# (Lumley), independently of the tool that made the bundle. Base R and `survey` only.
#
#   Rscript reproduce.R [BUNDLE_FOLDER]        (default: the folder of this script)
#
# For each questionnaire of indicators.csv it builds, from responses.csv,
#   svydesign(ids = ~psu, strata = ~stratum, weights = ~base_weight, fpc = ~stratum_psus (where
#             indicators.csv names it), nest = TRUE, data = <the questionnaire's rows>)
# with options(survey.lonely.psu = "adjust"); post-stratifies (postStratify) or rakes (rake) it to
# population.csv where `calibrated` says so; then, county-wide and for each township (stratum) as a
# subset of that design, computes
#   estimate, SE       svymean(~v, design, na.rm = TRUE)
#   design effect      deff = TRUE (against sampling without replacement from a population of
#                      sum(weights)), or deff = "replace" where the weights sum to no more than n
#   df                 degf(design)
#   interval           svyciprop(~v, design, method = <ci>, level = <level>, na.rm = TRUE)
#   verdict's bounds   the one-sided <level> bounds = svyciprop's two-sided interval at 2*level - 1
#   verdict            met when the lower bound >= threshold, not met when the upper bound <
#                      threshold, otherwise inconclusive; few_sites when df < min_df
# and the conventions of the tool, written out below where svyciprop has no equivalent:
#   * the verdict's variance is never below the simple-random-sample variance p(1 - p)/n (a
#     design effect below 1 taken as 1): where that floor applies, the bounds come from the same
#     method's formula with the floored variance;
#   * at p = 0 or 1 (R's interval is a point, or NaN for beta) the interval is Clopper-Pearson with
#     the Korn-Graubard effective sample size n* = max(n / deff, 1) * (qt(alpha/2, nrows - 1) /
#     qt(alpha/2, df))^2, deff being the indicator's county-wide design effect;
#   * a rate whose every answer is alike is exactly 0 or 1, with no variance and no design effect
#     (svymean can give 1 - 1e-16 and a variance of round-off size after calibration);
#   * "mean" intervals are cut to [0, 1]; township results of a staff questionnaire with 1 or 2
#     responses are blanked (a person's own result).
# The likelihood method is not reproduced here (svyglm's profile in a calibrated design's subset, and
# a floored variance, have no svyciprop equivalent): its rows show NA where R gives none.
# It prints every estimate beside the bundle's (results.csv) and writes reproduced.json.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust", warn = 1)

args <- commandArgs(trailingOnly = TRUE)
folder <- if (length(args)) args[1] else {
  me <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(me)) dirname(me[1]) else "."
}

read_bundle <- function(name) {  # every cell as text (UTF-8), "" for missing
  path <- file.path(folder, name)
  if (!file.exists(path)) return(NULL)
  lines <- readLines(path, encoding = "UTF-8", warn = FALSE)
  lines[1] <- sub("^\ufeff", "", lines[1])
  read.csv(text = lines, colClasses = "character", na.strings = character(0), check.names = FALSE,
           encoding = "UTF-8")
}
num <- function(x) { x[x == ""] <- NA; as.numeric(x) }

indicators <- read_bundle("indicators.csv")
responses <- read_bundle("responses.csv")
population <- read_bundle("population.csv")
survey_methods <- c("logit", "likelihood", "asin", "beta", "mean", "xlogit")

binomial_ci <- function(method, x, n, alpha) {
  if (method == "wilson") {
    z <- qnorm(1 - alpha / 2); ph <- x / n; den <- 1 + z^2 / n
    centre <- (ph + z^2 / (2 * n)) / den; half <- z * sqrt(ph * (1 - ph) / n + z^2 / (4 * n^2)) / den
    return(pmin(pmax(c(centre - half, centre + half), 0), 1))
  }
  s <- if (method == "jeffreys") 0.5 else 0
  low <- if (x <= 0) 0 else qbeta(alpha / 2, x + s, n - x + if (s) s else 1)
  high <- if (x >= n) 1 else qbeta(1 - alpha / 2, x + if (s) s else 1, n - x + s)
  c(low, high)
}

# svyciprop's interval from its parts (used where the variance is the verdict's floored one)
ci_formula <- function(method, p, v, df, nrows, level) {
  alpha <- 1 - level; t <- qt(1 - alpha / 2, df); se <- sqrt(v)
  if (method == "mean") return(pmin(pmax(c(p - t * se, p + t * se), 0), 1))
  if (method %in% c("logit", "xlogit")) return(plogis(qlogis(p) + c(-1, 1) * t * se / (p * (1 - p))))
  if (method == "asin") {
    a <- asin(sqrt(p)); h <- t * se / (2 * sqrt(p * (1 - p)))
    return(sin(pmin(pmax(c(a - h, a + h), 0), pi / 2))^2)
  }
  if (method == "likelihood") return(c(NA, NA))  # a profile of the design's own fit: no formula
  ratio <- qt(alpha / 2, nrows - 1) / qt(alpha / 2, df)
  neff <- p * (1 - p) / v * ratio^2
  if (method == "beta" && neff > 1e15) return(c(p, p))  # a variance of round-off size: a point, as the tool
  if (method == "beta") return(c(qbeta(alpha / 2, neff * p, neff * (1 - p) + 1), qbeta(1 - alpha / 2, neff * p + 1, neff * (1 - p))))
  binomial_ci(method, neff * p, neff, alpha)
}

interval <- function(d, f, method, p, v, df, n, nrows, level, deff_whole, own) {
  alpha <- 1 - level
  if (is.na(p) || n == 0) return(c(NA, NA))
  if (p <= 0 || p >= 1) {
    if (!(df > 0)) return(c(NA, NA))
    de <- if (is.finite(deff_whole) && deff_whole > 0) deff_whole else 1
    ratio <- if (nrows > 1) qt(alpha / 2, nrows - 1) / qt(alpha / 2, df) else 1
    ns <- max(n / de, 1) * ratio^2
    return(binomial_ci(if (method %in% survey_methods) "clopper-pearson" else method, if (p >= 1) ns else 0, ns, alpha))
  }
  if (!(df > 0)) return(c(NA, NA))
  if (!(v > 0)) return(c(p, p))
  # svyciprop's beta counts nrow(design) rows, which in a subset of a calibrated design is every row
  # of the sample (R keeps them, with weight 0); the tool counts the domain's rows, as svyciprop does
  # for a subset of an uncalibrated design: there the interval comes from svyciprop's formula
  if (own && method %in% survey_methods && (method != "beta" || nrow(d) == nrows)) {
    # logit: svyciprop fits a quasi-binomial svyglm, stopped at glm's tolerance (1e-8); its converged
    # interval, the tool's, is the delta-method xlogit interval, which svyciprop computes exactly
    rmethod <- if (method == "logit") "xlogit" else method
    ci <- tryCatch(suppressWarnings(as.vector(attr(svyciprop(f, d, method = rmethod, level = level, na.rm = TRUE), "ci"))),
                   error = function(e) c(NA, NA))
    if (method == "mean") ci <- pmin(pmax(ci, 0), 1)
    h <- qt(1 - alpha / 2, df) * sqrt(v) / (2 * sqrt(p * (1 - p))); a <- asin(sqrt(p))
    folded <- method == "asin" && (a - h < 0 || a + h > pi / 2)  # R lets the angle fold over; the tool keeps it in [0, pi/2]
    # svyglm (logit, likelihood) gives no interval in a subset of a calibrated design: the formula
    if (all(is.finite(ci)) && !folded) return(ci)
  }
  ci_formula(method, p, v, df, nrows, level)
}

estimate_one <- function(d, v, spec, deff_whole = NA) {
  f <- as.formula(paste0("~`", v, "`"))
  w <- weights(d)
  y <- d$variables[[v]]
  keep <- !is.na(y) & w > 0
  n <- sum(keep); nrows <- sum(w > 0); df <- degf(d)
  out <- list(n = n, estimate = NA, se = NA, deff = NA, df = df, two_sided_low = NA, two_sided_high = NA,
              ci_low = NA, ci_high = NA, threshold = spec$threshold, verdict = NA, point_reaches = NA,
              more_responses = NA, bounds = "two-sided")
  if (n == 0) { if (!is.na(spec$threshold)) out$bounds <- "one-sided"; return(out) }
  m <- svymean(f, d, na.rm = TRUE, deff = if (sum(w[keep]) > n) TRUE else "replace")
  p <- unname(coef(m)[1]); var <- unname(vcov(m)[1, 1])
  if (all(y[keep] == y[keep][1])) { p <- y[keep][1]; var <- 0 }  # every answer alike: exactly 0 or 1, no variance
  out$estimate <- p; out$se <- sqrt(var)
  de <- unname(deff(m)[1]); out$deff <- if (is.finite(de) && n > 1 && p > 0 && p < 1) de else NA
  level <- spec$level
  two <- interval(d, f, spec$ci, p, var, df, n, nrows, level, deff_whole, TRUE)
  out$two_sided_low <- two[1]; out$two_sided_high <- two[2]; out$ci_low <- two[1]; out$ci_high <- two[2]
  thr <- spec$threshold
  if (is.na(thr)) return(out)
  v1 <- if (p > 0 && p < 1) max(var, p * (1 - p) / n) else var
  b <- interval(d, f, spec$ci, p, v1, df, n, nrows, 2 * level - 1, deff_whole, v1 <= var && var > 0)
  out$ci_low <- b[1]; out$ci_high <- b[2]; out$bounds <- "one-sided"
  out$point_reaches <- p >= thr
  out$verdict <- if (spec$min_df > 0 && df < spec$min_df) "few_sites" else if (!is.na(b[1]) && b[1] >= thr) "met" else
    if (!is.na(b[2]) && b[2] < thr) "not_met" else "inconclusive"
  gap <- abs(p - thr)
  if (out$verdict == "inconclusive" && gap > 1e-12) {
    alpha <- 1 - level
    need <- if (p >= 1) log(alpha) / log(thr) else if (p <= 0) log(alpha) / log1p(-thr) else
      if (v1 > 0) v1 * n * (qnorm(level) / gap)^2 else NA
    if (!is.na(need)) out$more_responses <- max(1, ceiling(need - n))
  }
  out
}

calibrated_design <- function(d, how) {
  if (is.null(population)) stop("population.csv is missing but indicators.csv says the weights are calibrated")
  cols <- setdiff(names(population), c("row", "count"))
  count <- num(population$count)
  margin <- function(col) { a <- aggregate(count, list(population[[col]]), sum); names(a) <- c(col, "Freq"); a }
  if (how == "poststratify") {
    table <- population[cols]; table$Freq <- count
    return(postStratify(d, as.formula(paste("~", paste(cols, collapse = " + "))), table))
  }
  if (length(cols) == 1) return(postStratify(d, as.formula(paste0("~", cols)), margin(cols)))
  rake(d, lapply(cols, function(col) as.formula(paste0("~", col))), lapply(cols, margin),
       control = list(maxit = 1000, epsilon = 1e-13))
}

rows_out <- list()
add_row <- function(q, v, scope, domain, r) {
  rows_out[[length(rows_out) + 1]] <<- c(list(questionnaire_id = q, var = v, scope = scope, domain = domain), r)
}
blank <- c("estimate", "se", "ci_low", "ci_high", "two_sided_low", "two_sided_high", "deff", "verdict", "point_reaches", "more_responses")

for (q in unique(indicators$questionnaire_id)) {
  spec_q <- indicators[indicators$questionnaire_id == q, ]
  rows <- responses[responses$questionnaire_id == q, ]
  rows$base_weight <- num(rows$base_weight)
  for (v in spec_q$var) rows[[v]] <- num(rows[[v]])
  fpc <- spec_q$fpc[1]
  if (nzchar(fpc)) {
    rows[[fpc]] <- num(rows[[fpc]])
    d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~base_weight, fpc = as.formula(paste0("~", fpc)),
                   data = rows, nest = TRUE)
  } else {
    d <- svydesign(ids = ~psu, strata = ~stratum, weights = ~base_weight, data = rows, nest = TRUE)
  }
  if (nzchar(spec_q$calibrated[1])) d <- calibrated_design(d, spec_q$calibrated[1])
  strata <- sort(unique(rows$stratum))
  for (i in seq_len(nrow(spec_q))) {
    v <- spec_q$var[i]
    spec <- list(ci = spec_q$ci[i], level = num(spec_q$level[i]), threshold = num(spec_q$threshold[i]),
                 min_df = num(spec_q$min_df[i]))
    whole <- estimate_one(d, v, spec)
    add_row(q, v, "overall", NA, whole)
    for (s in strata) {
      r <- estimate_one(d[d$variables$stratum == s, ], v, spec, if (is.na(whole$deff)) NA else whole$deff)
      if (num(spec_q$suppress_below[i]) > 0 && r$n > 0 && r$n < num(spec_q$suppress_below[i])) r[blank] <- NA
      add_row(q, v, "stratum", s, r)
    }
  }
}

# ---- reproduced.json (base R: a small JSON writer) and the printed table
json_value <- function(x) {
  if (is.null(x) || length(x) == 0 || is.na(x)) return("null")
  if (is.logical(x)) return(if (x) "true" else "false")
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", x)), "\""))
  if (x == round(x) && abs(x) < 1e15) return(format(x, scientific = FALSE))
  sprintf("%.17g", x)
}
records <- vapply(rows_out, function(r) paste0("  {", paste0("\"", names(r), "\": ", vapply(r, json_value, ""),
                                                             collapse = ", "), "}"), "")
con <- file(file.path(folder, "reproduced.json"), open = "wb")
writeLines(c("{\"results\": [", paste(records, collapse = ",\n"), "]}"), con, useBytes = TRUE)
close(con)

bundle <- read_bundle("results.csv")
key <- function(q, v, s, dm) paste(q, v, s, ifelse(is.na(dm) | dm == "", "", dm), sep = "|")
index <- setNames(seq_len(nrow(bundle)), key(bundle$questionnaire_id, bundle$var, bundle$scope, bundle$domain))
worst <- 0
cat(sprintf("%-20s %-20s %-12s %12s %12s %12s %12s %-14s\n", "questionnaire", "indicator", "township", "estimate",
            "bundle", "ci_low", "ci_high", "verdict"))
for (r in rows_out) {
  j <- index[key(r$questionnaire_id, r$var, r$scope, r$domain)]
  given <- if (is.na(j)) NA else num(bundle$estimate[j])
  for (name in c("estimate", "se", "deff", "df", "two_sided_low", "two_sided_high", "ci_low", "ci_high")) {
    a <- r[[name]]; b <- if (is.na(j)) NA else num(bundle[[name]][j])
    if (!is.na(a) && !is.na(b) && a != b) worst <- max(worst, abs(a - b) / max(abs(a), abs(b)))
  }
  cat(sprintf("%-20s %-20s %-12s %12.6f %12.6f %12.6f %12.6f %-14s\n", r$questionnaire_id, r$var,
              if (is.na(r$domain)) "(all)" else r$domain, r$estimate, given, r$ci_low, r$ci_high,
              if (is.na(r$verdict)) "" else r$verdict))
}
cat(sprintf("%d estimates; largest relative difference from results.csv: %.3g\n", length(rows_out), worst))
