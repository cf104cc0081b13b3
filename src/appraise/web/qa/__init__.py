"""Quality assurance (质检) in the web app: conversations, samples, reviews, disputes,
calibration and figures; every rule comes from :mod:`appraise.qa`."""
