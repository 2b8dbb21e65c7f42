# Reference values from lme4 for tests/test_mixed_model.py (the test suite itself never runs R).
#
# Run from anywhere:
#     Rscript tests/results/lmer_reference.R
# Reads the CSV datasets written by lmer_make_datasets.py (next to this script) and writes
# lmer_reference_values.json next to them, every number with 17 significant digits.
#
# Each dataset is fitted with lmer(formula, data, REML = TRUE) and lme4's default control
# settings, exactly as a user would call it.
# Text columns become factors with levels in C-locale sorted order, so the first level (the
# reference of contr.treatment) is the same as in Python.

suppressPackageStartupMessages(library(lme4))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1) dirname(normalizePath(file_arg)) else file.path("tests", "results")

datasets <- list(
  realistic = list(
    file = "lmer_data_realistic.csv",
    formula = "score ~ rpb + rpb:time + age0 + sex + wimd + (1 | child)",
    group = "child"
  ),
  boundary = list(
    file = "lmer_data_boundary.csv",
    formula = "y ~ x + (1 | g)",
    group = "g"
  ),
  unbalanced = list(
    file = "lmer_data_unbalanced.csv",
    formula = "y ~ x + arm + (1 | g)",
    group = "g"
  )
)

# --- minimal JSON writer with full precision --------------------------------------------------
num <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "null")
jstr <- function(x) paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", x)), "\"")
jbool <- function(x) if (isTRUE(x)) "true" else "false"
jobj <- function(keys, values) {
  paste0("{", paste0(jstr(keys), ": ", values, collapse = ", "), "}")
}
jnum_obj <- function(x) jobj(names(x), num(unname(x)))
jarr <- function(x) paste0("[", paste0(jstr(x), collapse = ", "), "]")
indent <- function(s, n) gsub("\n", paste0("\n", strrep(" ", n)), s)

read_dataset <- function(file) {
  d <- read.csv(file.path(here, file), stringsAsFactors = FALSE)
  for (col in names(d)) {
    if (is.character(d[[col]])) {
      d[[col]] <- factor(d[[col]], levels = sort(unique(d[[col]]), method = "radix"))
    }
  }
  d
}

describe_fit <- function(fit, group) {
  fe <- fixef(fit)
  se <- sqrt(diag(as.matrix(vcov(fit))))
  names(se) <- names(fe)
  vc <- as.data.frame(VarCorr(fit))
  messages <- c(fit@optinfo$conv$lme4$messages, fit@optinfo$warnings)
  keys <- c("fixef", "se", "sigma2", "sigma2_group", "theta", "reml_crit", "loglik", "n_obs",
            "n_groups", "singular", "optimizer", "messages")
  values <- c(
    jnum_obj(fe),
    jnum_obj(se),
    num(sigma(fit)^2),
    num(vc$vcov[vc$grp == group]),
    num(unname(getME(fit, "theta"))),
    num(REMLcrit(fit)),
    num(as.numeric(logLik(fit))),
    as.character(nobs(fit)),
    as.character(unname(ngrps(fit)[group])),
    jbool(isSingular(fit)),
    jstr(fit@optinfo$optimizer),
    jarr(as.character(unlist(messages)))
  )
  paste0("{\n", paste0("  ", jstr(keys), ": ", values, collapse = ",\n"), "\n}")
}

entries <- character(0)
for (name in names(datasets)) {
  spec <- datasets[[name]]
  d <- read_dataset(spec$file)
  f <- as.formula(spec$formula)
  fit <- lmer(f, data = d, REML = TRUE)
  body <- paste0(
    "{\n",
    "  \"file\": ", jstr(spec$file), ",\n",
    "  \"formula\": ", jstr(spec$formula), ",\n",
    "  \"group\": ", jstr(spec$group), ",\n",
    "  \"lmer\": ", indent(describe_fit(fit, spec$group), 2), "\n",
    "}"
  )
  entries <- c(entries, paste0("    ", jstr(name), ": ", indent(body, 4)))
}

json <- paste0(
  "{\n",
  "  \"r_version\": ", jstr(R.version.string), ",\n",
  "  \"lme4_version\": ", jstr(as.character(packageVersion("lme4"))), ",\n",
  "  \"script\": \"tests/results/lmer_reference.R\",\n",
  "  \"datasets\": {\n", paste0(entries, collapse = ",\n"), "\n  }\n",
  "}\n"
)
out <- file.path(here, "lmer_reference_values.json")
writeLines(json, out, sep = "")
cat("wrote", out, "\n")
