# Reference values for tests/test_funnel.py, computed in R.
#
# Run from anywhere:  Rscript tests/results/funnel_reference.R
# Reads   tests/results/funnel_units.csv     (the committed units, also read by the tests)
# Writes  tests/results/funnel_reference.csv (long format: section, case, field, value;
#         numbers printed with sprintf("%.17g"), so they round-trip exactly to IEEE doubles).
#
# Needs base R (stats) and FunnelPlotR (the NHS-R community's package; 0.5.0 was used, the last
# release that accepts the ggplot2 3.4 of this machine; its proportion code is the same in
# 0.6.0 apart from renaming and linting).
#
# What comes from where:
#   binomial     Spiegelhalter (2005, Stat Med 24:1185, appendix A.1.1) exact binomial limits,
#                written out here on base R: r = qbinom(P, n, t), the smallest count with
#                F(r) >= P; a = (F(r) - P) / (F(r) - F(r - 1)); limit = (r - a) / n, held
#                within [0, 1]. P = (1 - level)/2 for the lower and (1 + level)/2 for the upper.
#                FunnelPlotR has no exact limits for proportions (its "PR" limits are the
#                arcsine normal approximation), so these are checked against base R only.
#   tail         stats::pbinom: above = P(X >= x), below = P(X <= x), X ~ Binomial(n, t).
#   funnelplotr  FunnelPlotR::funnel_plot(data_type = "PR", trim_by = 0.1): phi(), tau2(), and
#                from source_data() each unit's Uzscore (z) and limits at its own n: the
#                overdispersed OD95LCL/OD95UCL/OD99LCL/OD99UCL (tau2 as estimated) and the
#                unadjusted LCL95/UCL95/LCL99/UCL99 (tau2 = 0), both on the arcsine scale.
#                Not written for seven_small: with n of 5 and 6, FunnelPlotR folds an upper
#                limit past pi/2 back below 1 at the largest n (its monotonicity fix looks at
#                the next denominator, and the largest has none), where nest-eval holds it at 1.
#   table        the funnel table's rule, written out here: target = pooled proportion;
#                overdispersion only from 20 units (tau2 from FunnelPlotR); limits = the exact
#                binomial limits, widened where tau2 > 0 to FunnelPlotR's overdispersed limits
#                when those are wider; p_exact = min(above, below); flag = the widest level
#                whose one-sided probability (1 - level)/2 the unit's tail probability is
#                below (strictly) and, with tau2 > 0, whose overdispersed limit it lies beyond.

suppressPackageStartupMessages(library(FunnelPlotR))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else getwd()

units <- read.csv(file.path(here, "funnel_units.csv"), stringsAsFactors = FALSE)

out <- list()
put <- function(section, case, ...) {
  fields <- list(...)
  for (nm in names(fields)) {
    v <- fields[[nm]]
    txt <- if (is.character(v)) v else sprintf("%.17g", as.numeric(v))
    out[[length(out) + 1L]] <<- data.frame(section = section, case = case, field = nm,
                                           value = txt, stringsAsFactors = FALSE)
  }
}

put("meta", "R", version = R.version.string)
put("meta", "FunnelPlotR", version = as.character(packageVersion("FunnelPlotR")))

levels <- c(0.95, 0.998)
min_units <- 20
reported <- 0.06^(1 / 6)  # the target at which 6 of 6 has an exact probability of 0.06

# --- exact binomial limits (Spiegelhalter 2005, A.1.1) ---------------------------------------
exact_limit <- function(P, n, t) {
  if (t == 0 || t == 1) return(rep(t, length(n)))
  r <- qbinom(P, n, t)
  a <- (pbinom(r, n, t) - P) / (pbinom(r, n, t) - pbinom(r - 1, n, t))
  pmin(pmax((r - a) / n, 0), 1)
}
for (t in c(0.02, 0.3, 0.4, 0.5, reported, 0.7, 0.97)) {
  for (n in c(1:10, 12, 15, 20, 25, 30, 50, 100, 176, 500, 1000, 5000)) {
    for (level in levels) {
      put("binomial", sprintf("n=%d,target=%.17g,level=%g", n, t, level),
          n = n, target = t, level = level,
          lower = exact_limit((1 - level) / 2, n, t), upper = exact_limit((1 + level) / 2, n, t))
    }
  }
}

# --- exact tail probabilities ------------------------------------------------------------------
tails <- list()
for (n in c(1, 5, 6, 10)) for (x in 0:n) tails[[length(tails) + 1L]] <- c(x, n)
tails <- c(tails, list(c(60, 120), c(20, 90), c(140, 176), c(0, 300), c(300, 300)))
for (t in c(reported, 0.3)) {
  for (xn in tails) {
    x <- xn[1]; n <- xn[2]
    put("tail", sprintf("x=%d,n=%d,target=%.17g", x, n, t), x = x, n = n, target = t,
        above = pbinom(x - 1, n, t, lower.tail = FALSE), below = pbinom(x, n, t))
  }
}

# --- FunnelPlotR: overdispersion and the arcsine limits ----------------------------------------
fit <- function(d) {
  suppressMessages(funnel_plot(d, numerator = x, denominator = n, group = unit,
                               data_type = "PR", limit = 99, trim_by = 0.1,
                               draw_unadjusted = TRUE, draw_adjusted = TRUE))
}
limit_names <- c(lower_95 = "OD95LCL", upper_95 = "OD95UCL",
                 `lower_99.8` = "OD99LCL", `upper_99.8` = "OD99UCL")
plain_names <- c(lower_95 = "LCL95", upper_95 = "UCL95",
                 `lower_99.8` = "LCL99", `upper_99.8` = "UCL99")

for (name in unique(units$dataset)) {
  d <- units[units$dataset == name, ]
  fp <- fit(d)
  target <- sum(d$x) / sum(d$n)
  put("funnelplotr", name, k = nrow(d), target = target, phi = phi(fp), tau2 = tau2(fp))
  src <- source_data(fp)
  src <- src[match(d$unit, as.character(src$group)), ]
  for (i in seq_len(nrow(d))) {
    row <- src[i, ]
    fields <- list(z = row$Uzscore)
    if (name != "seven_small") {
      for (col in names(limit_names)) fields[[paste0("od_", col)]] <- row[[limit_names[[col]]]]
      for (col in names(plain_names)) fields[[paste0("plain_", col)]] <- row[[plain_names[[col]]]]
    }
    do.call(put, c(list("funnelplotr_unit", paste(name, d$unit[i], sep = "/")), fields))
  }

  # --- the funnel table's rule ---------------------------------------------------------------
  estimated <- nrow(d) >= min_units
  tau <- if (estimated) tau2(fp) else 0
  above <- pbinom(d$x - 1, d$n, target, lower.tail = FALSE)
  below <- pbinom(d$x, d$n, target)
  p <- d$x / d$n
  flag <- rep("within", nrow(d))
  fields <- list()
  for (level in levels) {  # widest last, so it wins
    label <- format(100 * level)
    lower <- exact_limit((1 - level) / 2, d$n, target)
    upper <- exact_limit((1 + level) / 2, d$n, target)
    past_low <- past_high <- rep(TRUE, nrow(d))
    if (tau > 0) {
      zc <- qnorm((1 + level) / 2)
      spread <- sqrt(1 / (4 * d$n) + tau)
      od_low <- sin(pmin(pmax(asin(sqrt(target)) - zc * spread, 0), pi / 2))^2
      od_high <- sin(pmin(pmax(asin(sqrt(target)) + zc * spread, 0), pi / 2))^2
      lower <- pmin(lower, od_low)
      upper <- pmax(upper, od_high)
      past_low <- p < od_low
      past_high <- p > od_high
    }
    side <- (1 - level) / 2
    flag[above < side & past_high] <- paste0("above ", label, "%")
    flag[below < side & past_low] <- paste0("below ", label, "%")
    fields[[paste0("lower_", label)]] <- lower
    fields[[paste0("upper_", label)]] <- upper
  }
  put("table", name, k = nrow(d), target = target, tau2 = tau,
      estimated = if (estimated) "TRUE" else "FALSE")
  for (i in seq_len(nrow(d))) {
    row_fields <- lapply(fields, function(v) v[i])
    do.call(put, c(list("table_unit", paste(name, d$unit[i], sep = "/"),
                        x = d$x[i], n = d$n[i], p_exact = min(above[i], below[i]),
                        flag = flag[i]), row_fields))
  }
}

res <- do.call(rbind, out)
write.csv(res, file.path(here, "funnel_reference.csv"), row.names = FALSE)
