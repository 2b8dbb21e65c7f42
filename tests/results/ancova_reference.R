# Reference values from lm and emmeans for tests/test_ancova.py (the test suite never runs R).
#
# Run from anywhere:
#     Rscript tests/results/ancova_reference.R
# Reads the CSV datasets written by ancova_make_datasets.py (next to this script) and writes
# ancova_reference_values.json next to them, every number with 17 significant digits.
#
# Each dataset is fitted with
#     lm(followup ~ 0 + rpb + baseline + age0 + sex + factor(wimd) + interval)
# and each RPB's adjusted change is its estimated marginal mean less the mean baseline:
# - by emmeans: emmeans(fit, ~ rpb, weights = "proportional") (covariates at their means,
#   factors averaged in proportion to their frequencies), and emmeans(fit, ~ 1, weights =
#   "proportional") for Wales (the RPBs weighted by their numbers of children);
# - by hand: the mean row of model.matrix() of the case-mix sample with every child put in the
#   RPB, times coef(fit), its SE from vcov(fit), estimability checked with estimability's
#   nonest.basis() as emmeans does; Wales weights the RPBs by the case mix's children in each.
#   The by-hand route also predicts the model of "realistic" at the case mix of another sample
#   ("other_mix").
# Text columns become factors with levels in C-locale sorted order, so the first level (the
# reference of contr.treatment) is the same as in Python.

suppressPackageStartupMessages({
  library(emmeans)
  library(estimability)
})

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else file.path("tests", "results")

formula <- followup ~ 0 + rpb + baseline + age0 + sex + wimd + interval

# --- minimal JSON writer with full precision --------------------------------------------------
num <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "null")
jstr <- function(x) paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", x)), "\"")
jobj <- function(keys, values) paste0("{", paste0(jstr(keys), ": ", values, collapse = ", "), "}")
jnum_obj <- function(x) jobj(names(x), num(unname(x)))
jarr <- function(x) if (length(x)) paste0("[", paste0(jstr(x), collapse = ", "), "]") else "[]"
indent <- function(s, n) gsub("\n", paste0("\n", strrep(" ", n)), s)

read_dataset <- function(file) {
  d <- read.csv(file.path(here, file), stringsAsFactors = FALSE)
  d$rpb <- factor(d$rpb, levels = sort(unique(d$rpb), method = "radix"))
  d$sex <- factor(d$sex, levels = sort(unique(d$sex), method = "radix"))
  d$wimd <- factor(d$wimd)
  d
}

# The mean row of the design for the case mix `mix`, every child put in RPB `level`.
mean_row <- function(fit, mix, level) {
  nd <- mix
  nd$rpb <- factor(rep(level, nrow(nd)), levels = fit$xlevels$rpb)
  colMeans(model.matrix(delete.response(terms(fit)), nd, xlev = fit$xlevels))
}

by_hand <- function(fit, d, mix) {
  basis <- nonest.basis(fit)
  b <- coef(fit)
  kept <- !is.na(b)
  v <- vcov(fit, complete = FALSE)
  rows <- lapply(levels(d$rpb), function(r) mean_row(fit, mix, r))
  sizes <- as.numeric(table(factor(mix$rpb, levels = levels(d$rpb))))  # Wales: the mix's RPBs
  rows[[length(rows) + 1]] <- Reduce(`+`, Map(`*`, rows, sizes / sum(sizes)))
  estimate <- se <- numeric(length(rows))
  for (k in seq_along(rows)) {
    L <- rows[[k]]
    if (is.estble(matrix(L, nrow = 1), basis)) {
      estimate[k] <- sum(L[kept] * b[kept]) - mean(mix$baseline)
      se[k] <- sqrt(drop(t(L[kept]) %*% v %*% L[kept]))
    } else {
      estimate[k] <- NA
      se[k] <- NA
    }
  }
  t <- qt(0.975, df.residual(fit))
  names(estimate) <- names(se) <- c(levels(d$rpb), "Wales")
  list(estimate = estimate, se = se, low = estimate - t * se, high = estimate + t * se)
}

by_emmeans <- function(fit, d) {
  rpbs <- summary(emmeans(fit, ~ rpb, weights = "proportional"))
  wales <- summary(emmeans(fit, ~ 1, weights = "proportional"))
  base <- mean(d$baseline)
  estimate <- c(rpbs$emmean, wales$emmean) - base
  names(estimate) <- c(as.character(rpbs$rpb), "Wales")
  se <- c(rpbs$SE, wales$SE)
  bound <- function(s, which) s[[grep(which, names(s))]]  # lower.CL, or asymp.LCL when nonEst
  low <- c(bound(rpbs, "LCL|lower"), bound(wales, "LCL|lower")) - base
  high <- c(bound(rpbs, "UCL|upper"), bound(wales, "UCL|upper")) - base
  names(se) <- names(low) <- names(high) <- names(estimate)
  list(estimate = estimate, se = se, low = low, high = high)
}

describe <- function(values) {
  keys <- c("estimate", "se", "ci_low", "ci_high")
  parts <- c(jnum_obj(values$estimate), jnum_obj(values$se), jnum_obj(values$low),
             jnum_obj(values$high))
  paste0("{\n", paste0("  ", jstr(keys), ": ", parts, collapse = ",\n"), "\n}")
}

describe_fit <- function(fit) {
  b <- coef(fit)
  se <- rep(NA_real_, length(b))
  names(se) <- names(b)
  se[!is.na(b)] <- sqrt(diag(vcov(fit, complete = FALSE)))
  keys <- c("coef", "se", "sigma2", "df_resid", "n_obs", "aliased")
  values <- c(jnum_obj(b), jnum_obj(se), num(sigma(fit)^2), as.character(df.residual(fit)),
              as.character(nobs(fit)),
              jarr(names(b)[is.na(b)]))
  paste0("{\n", paste0("  ", jstr(keys), ": ", values, collapse = ",\n"), "\n}")
}

entry <- function(name, file, fit, d, mix_file, parts) {
  body <- paste0(
    "{\n",
    "  \"file\": ", jstr(file), ",\n",
    "  \"case_mix\": ", jstr(mix_file), ",\n",
    "  \"lm\": ", indent(describe_fit(fit), 2), ",\n",
    paste0("  ", jstr(names(parts)), ": ", vapply(parts, function(p) indent(describe(p), 2), ""),
           collapse = ",\n"),
    "\n}"
  )
  paste0("    ", jstr(name), ": ", indent(body, 4))
}

entries <- character(0)
for (name in c("realistic", "aliased", "confounded")) {
  file <- paste0("ancova_data_", name, ".csv")
  d <- read_dataset(file)
  fit <- lm(formula, data = d)
  parts <- list(emmeans = by_emmeans(fit, d), by_hand = by_hand(fit, d, d))
  entries <- c(entries, entry(name, file, fit, d, file, parts))
}
d <- read_dataset("ancova_data_realistic.csv")
mix <- read_dataset("ancova_data_other_mix.csv")
fit <- lm(formula, data = d)
entries <- c(entries, entry("other_mix", "ancova_data_realistic.csv", fit, d,
                            "ancova_data_other_mix.csv", list(by_hand = by_hand(fit, d, mix))))

json <- paste0(
  "{\n",
  "  \"r_version\": ", jstr(R.version.string), ",\n",
  "  \"emmeans_version\": ", jstr(as.character(packageVersion("emmeans"))), ",\n",
  "  \"script\": \"tests/results/ancova_reference.R\",\n",
  "  \"formula\": ", jstr(deparse(formula)), ",\n",
  "  \"datasets\": {\n", paste0(entries, collapse = ",\n"), "\n  }\n",
  "}\n"
)
out <- file.path(here, "ancova_reference_values.json")
writeLines(json, out, sep = "")
cat("wrote", out, "\n")
