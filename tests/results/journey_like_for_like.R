# Reference values for the like-for-like Wales change in journey ratings
# (tests/test_implementation.py: test_wales_change_per_element_is_like_for_like_as_in_r).
#
# Run from anywhere:  Rscript tests/results/journey_like_for_like.R
# Reads   tests/results/journey_ratings_sample.csv  (rpb, year, element, rating; a blank rating
#         is "not rated"; an RPB without a row did not submit the element)
# Writes  tests/results/journey_like_for_like.csv   (per element: the like-for-like baseline,
#         current, change and n_rpbs, and beside them the two cycles' own means and counts,
#         whose difference is the comparison the like-for-like change replaces; numbers printed
#         with sprintf("%.17g"); NA where no RPB qualifies)
#
# Base R only. The estimand: for each element, the RPBs with a rating in both 2024 and 2025;
# baseline and current are their mean ratings, change the mean of their own changes, n_rpbs
# how many they are.

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg) == 1L) dirname(normalizePath(file_arg)) else getwd()

ratings <- read.csv(file.path(here, "journey_ratings_sample.csv"), stringsAsFactors = FALSE,
                    na.strings = "")
baseline_year <- 2024
year <- 2025
elements <- c("trusted_adults", "wellbeing_across_education", "coproduced_innovation",
              "easy_access_to_expertise", "safe_supportive_communities", "no_wrong_door")

then <- ratings[ratings$year == baseline_year & !is.na(ratings$rating), c("rpb", "element", "rating")]
now <- ratings[ratings$year == year & !is.na(ratings$rating), c("rpb", "element", "rating")]
pairs <- merge(then, now, by = c("rpb", "element"), suffixes = c("_then", "_now"))

fmt <- function(v) if (is.na(v)) "NA" else sprintf("%.17g", v)
rows <- lapply(elements, function(e) {
  p <- pairs[pairs$element == e, ]
  t <- then$rating[then$element == e]
  n <- now$rating[now$element == e]
  data.frame(
    element = e,
    baseline = fmt(if (nrow(p)) mean(p$rating_then) else NA),
    current = fmt(if (nrow(p)) mean(p$rating_now) else NA),
    change = fmt(if (nrow(p)) mean(p$rating_now - p$rating_then) else NA),
    n_rpbs = nrow(p),
    cycle_mean_baseline = fmt(if (length(t)) mean(t) else NA),
    n_rated_baseline = length(t),
    cycle_mean_current = fmt(if (length(n)) mean(n) else NA),
    n_rated_current = length(n)
  )
})
write.csv(do.call(rbind, rows), file.path(here, "journey_like_for_like.csv"), row.names = FALSE,
          quote = FALSE)
