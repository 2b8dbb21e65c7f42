# Reference values for tests/test_intervals.py, computed in R.
#
# Run from anywhere:  Rscript tests/results/intervals_reference.R
# Reads   tests/results/intervals_samples.csv   (the committed samples, also read by the tests)
# Writes  tests/results/intervals_reference.csv (long format: section, case, field, value;
#         numbers printed with sprintf("%.17g"), so they round-trip exactly to IEEE doubles).
#
# Needs base R (stats) and metafor; Epi is optional (a second, independent implementation of
# Newcombe's method 10, used only as a cross-check inside this script).
#
# What comes from where:
#   wilson      stats::prop.test(x, n, correct = FALSE)$conf.int
#   newcombe    Newcombe (1998b) method 10, written out below from the paper's definition on top
#               of prop.test's Wilson limits; checked against Epi::ci.pd(method = "Nc") when Epi
#               is installed.
#   t_mean      stats::t.test(x, conf.level = ...)
#   welch       stats::t.test(x, y, conf.level = ...)   (var.equal = FALSE, the default)
#   quantile    stats::quantile(type = 7) for the estimate; order statistics chosen with
#               stats::qbinom, coverage from stats::pbinom (the rule is written out below).
#   smcr        metafor::escalc(measure = "SMCR") and summary() for the normal-theory interval;
#               "approximate" rows use Hedges' approximation J = 1 - 3 / (4 m - 1) by hand.

suppressPackageStartupMessages(library(metafor))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else getwd()

samples <- read.csv(file.path(here, "intervals_samples.csv"), stringsAsFactors = FALSE)
sample_of <- function(name) {
  s <- samples[samples$sample == name, ]
  s$value[order(s$index)]
}

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
put("meta", "metafor", version = as.character(packageVersion("metafor")))
has_epi <- requireNamespace("Epi", quietly = TRUE)
put("meta", "Epi", version = if (has_epi) as.character(packageVersion("Epi")) else "not installed")

# --- Wilson score interval (no continuity correction) -------------------------------------------
wilson <- function(x, n, conf) {
  suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = conf)$conf.int)
}
grid <- list()
for (n in c(1, 2, 3, 5, 10)) for (x in 0:n) grid[[length(grid) + 1L]] <- c(x, n)
for (xn in list(c(0, 30), c(1, 30), c(15, 30), c(29, 30), c(30, 30), c(0, 100), c(3, 100),
                c(56, 70), c(48, 80), c(5, 56), c(0, 29), c(250, 1000), c(1, 5000))) {
  grid[[length(grid) + 1L]] <- xn
}
for (conf in c(0.95, 0.90, 0.99)) {
  for (xn in grid) {
    ci <- wilson(xn[1], xn[2], conf)
    put("wilson", sprintf("x=%g,n=%g,conf=%g", xn[1], xn[2], conf),
        x = xn[1], n = xn[2], conf = conf, low = ci[1], high = ci[2])
  }
}

# --- Newcombe (1998b) method 10: hybrid score interval for p1 - p0 ------------------------------
# With Wilson limits (l1, u1) for p1 and (l0, u0) for p0 and d = p1 - p0:
#   low  = d - sqrt((p1 - l1)^2 + (u0 - p0)^2)
#   high = d + sqrt((u1 - p1)^2 + (p0 - l0)^2)
newcombe10 <- function(x1, n1, x0, n0, conf) {
  p1 <- x1 / n1
  p0 <- x0 / n0
  w1 <- wilson(x1, n1, conf)
  w0 <- wilson(x0, n0, conf)
  d <- p1 - p0
  c(d, d - sqrt((p1 - w1[1])^2 + (w0[2] - p0)^2), d + sqrt((w1[2] - p1)^2 + (p0 - w0[1])^2))
}
# The eight contrasts (a)-(h) of Newcombe (1998b), Table II, then a few more.
contrasts <- list(c(56, 70, 48, 80), c(9, 10, 3, 10), c(6, 7, 2, 7), c(5, 56, 0, 29),
                  c(0, 10, 0, 20), c(0, 10, 0, 10), c(10, 10, 0, 20), c(10, 10, 0, 10),
                  c(48, 80, 56, 70), c(0, 5, 5, 5), c(12, 40, 30, 41), c(1, 3, 2, 7))
for (conf in c(0.95, 0.90)) {
  for (cc in contrasts) {
    r <- newcombe10(cc[1], cc[2], cc[3], cc[4], conf)
    if (has_epi) {
      e <- Epi::ci.pd(cc[1], cc[3], cc[2] - cc[1], cc[4] - cc[3], method = "Nc",
                      conf.level = conf, print = FALSE)
      stopifnot(max(abs(e[1, 5:7] - r)) < 1e-12)
    }
    put("newcombe", sprintf("%g/%g-%g/%g,conf=%g", cc[1], cc[2], cc[3], cc[4], conf),
        x1 = cc[1], n1 = cc[2], x0 = cc[3], n0 = cc[4], conf = conf,
        diff = r[1], low = r[2], high = r[3])
  }
}

# --- t interval for one mean ---------------------------------------------------------------------
for (nm in c("a", "b", "tiny", "quant")) {
  x <- sample_of(nm)
  for (conf in c(0.95, 0.90, 0.99)) {
    tt <- t.test(x, conf.level = conf)
    put("t_mean", sprintf("%s,conf=%g", nm, conf), sample = nm, conf = conf,
        mean = unname(tt$estimate), low = tt$conf.int[1], high = tt$conf.int[2])
  }
}

# --- Welch interval for a difference of independent means ---------------------------------------
for (pair in list(c("a", "b"), c("b", "a"), c("a", "tiny"), c("quant", "b"))) {
  x <- sample_of(pair[1])
  y <- sample_of(pair[2])
  for (conf in c(0.95, 0.90, 0.99)) {
    tt <- t.test(x, y, conf.level = conf)
    put("welch", sprintf("%s-%s,conf=%g", pair[1], pair[2], conf),
        sample1 = pair[1], sample0 = pair[2], conf = conf,
        diff = unname(tt$estimate[1] - tt$estimate[2]), df = unname(tt$parameter),
        low = tt$conf.int[1], high = tt$conf.int[2])
  }
}

# --- distribution-free interval for a quantile ---------------------------------------------------
# Y ~ Binomial(n, q) counts observations below the population q-quantile. With
#   l = qbinom(alpha/2, n, q)  and  u = qbinom(1 - alpha/2, n, q) + 1
# the interval [X(l), X(u)] between order statistics has coverage
#   P(l <= Y <= u - 1) = pbinom(u - 1, n, q) - pbinom(l - 1, n, q) >= 1 - alpha.
# l = 0 means no finite lower limit (-Inf); u = n + 1 means no finite upper limit (+Inf).
for (nm in c("quant", "a", "small5")) {
  x <- sample_of(nm)
  xs <- sort(x)
  n <- length(x)
  for (conf in c(0.95, 0.90)) {
    alpha <- 1 - conf
    for (q in c(0.1, 0.25, 0.5, 0.75, 0.9)) {
      l <- as.integer(qbinom(alpha / 2, n, q))
      u <- as.integer(qbinom(1 - alpha / 2, n, q)) + 1L
      coverage <- pbinom(u - 1, n, q) - (if (l >= 1) pbinom(l - 1, n, q) else 0)
      put("quantile", sprintf("%s,q=%g,conf=%g", nm, q, conf), sample = nm, q = q, conf = conf,
          estimate = unname(quantile(x, q, type = 7)), lower_rank = l, upper_rank = u,
          low = if (l >= 1) xs[l] else -Inf, high = if (u <= n) xs[u] else Inf,
          coverage = coverage)
    }
  }
}

# --- standardised mean change, raw-score (pre-test SD) standardisation ---------------------------
# metafor: m1i = mean at the later occasion (post), m2i = mean at baseline (pre), sd1i = pre SD,
# so yi = J (mean(post) - mean(pre)) / sd(pre): positive when scores rose.
smcr <- function(case, mean_change, sd_pre, n, r, conf) {
  es <- escalc(measure = "SMCR", m1i = mean_change, m2i = 0, sd1i = sd_pre, ni = n, ri = r)
  s <- summary(es, level = conf * 100)
  m <- n - 1
  j_approx <- 1 - 3 / (4 * m - 1)
  y_approx <- j_approx * mean_change / sd_pre
  v_approx <- 2 * (1 - r) / n + y_approx^2 / (2 * n)
  z <- qnorm(1 - (1 - conf) / 2)
  put("smcr", sprintf("%s,conf=%g", case, conf), mean_change = mean_change, sd_pre = sd_pre,
      n = n, r = r, conf = conf, yi = es$yi[1], vi = es$vi[1], ci_lb = s$ci.lb[1],
      ci_ub = s$ci.ub[1], yi_approx = y_approx, vi_approx = v_approx,
      ci_lb_approx = y_approx - z * sqrt(v_approx), ci_ub_approx = y_approx + z * sqrt(v_approx))
}
pre <- sample_of("pre")
post <- sample_of("post")
for (conf in c(0.95, 0.90)) {
  # from the paired sample: m1i = mean(post), m2i = mean(pre), sd1i = sd(pre)
  es <- escalc(measure = "SMCR", m1i = mean(post), m2i = mean(pre), sd1i = sd(pre),
               ni = length(pre), ri = cor(pre, post))
  s <- summary(es, level = conf * 100)
  put("smcr_paired", sprintf("pre-post,conf=%g", conf), conf = conf,
      mean_pre = mean(pre), mean_post = mean(post), sd_pre = sd(pre), n = length(pre),
      r = cor(pre, post), yi = es$yi[1], vi = es$vi[1], ci_lb = s$ci.lb[1], ci_ub = s$ci.ub[1])
  # from summary statistics, including falls, r <= 0 and small n
  smcr("paired-sample", mean(post) - mean(pre), sd(pre), length(pre), cor(pre, post), conf)
  smcr("fall", -2.5, 3.92, 40, 0.62, conf)
  smcr("rise-large", 4.1, 3.92, 250, 0.8, conf)
  smcr("no-change", 0, 5, 10, 0.5, conf)
  smcr("n3", 1.2, 2.0, 3, 0.3, conf)
  smcr("r-negative", 1.0, 4.0, 25, -0.2, conf)
  smcr("r-one", 2.0, 4.0, 12, 1.0, conf)
}

res <- do.call(rbind, out)
write.csv(res, file.path(here, "intervals_reference.csv"), row.names = FALSE)
cat("wrote", nrow(res), "rows to", file.path(here, "intervals_reference.csv"), "\n")
