# Reference values for tests/test_survival.py, computed in R.
#
# Run from anywhere:  Rscript tests/results/km_reference.R
# Reads   tests/results/km_samples.csv    (the committed samples: sample, time, status; written
#         by km_make_samples.py, also read by the tests)
# Writes  tests/results/km_reference.csv  (sample, p, conf_type, quantile, lower, upper; numbers
#         printed with sprintf("%.17g") so they round-trip exactly to IEEE doubles, NA where R
#         gives none; upper_band_monotone: whether the upper pointwise limit never rises, as
#         quantile() assumes when it looks for the time that limit reaches 1 - p)
#
# What comes from where: survival::survfit(Surv(time, status) ~ 1, conf.type = ...) for the
# Kaplan-Meier curve with Greenwood's variance and its pointwise confidence limits, then
# quantile(fit, probs = p) for the quantile (the first time the curve reaches 1 - p, the
# midpoint where it is flat at 1 - p) and its limits (where the pointwise limits reach 1 - p:
# Brookmeyer and Crowley's interval on the conf.type's scale).

suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else getwd()

samples <- read.csv(file.path(here, "km_samples.csv"), stringsAsFactors = FALSE)
number <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", as.numeric(v)))

rows <- list()
for (name in unique(samples$sample)) {
  s <- samples[samples$sample == name, ]
  for (conf_type in c("log-log", "plain", "log", "logit", "arcsin")) {
    fit <- survfit(Surv(time, status) ~ 1, data = s, conf.type = conf_type, conf.int = 0.95)
    for (p in c(0.5, 0.9)) {
      q <- quantile(fit, probs = p)
      rows[[length(rows) + 1L]] <- data.frame(
        sample = name, p = sprintf("%.17g", p), conf_type = conf_type,
        quantile = number(q$quantile), lower = number(q$lower), upper = number(q$upper),
        upper_band_monotone = all(diff(fit$upper[!is.na(fit$upper)]) <= 0),
        stringsAsFactors = FALSE
      )
    }
  }
}
out <- do.call(rbind, rows)
meta <- data.frame(sample = "meta", p = "NA", conf_type = R.version.string,
                   quantile = as.character(packageVersion("survival")), lower = "NA",
                   upper = "NA", upper_band_monotone = NA, stringsAsFactors = FALSE)
write.csv(rbind(meta, out), file.path(here, "km_reference.csv"), row.names = FALSE)
