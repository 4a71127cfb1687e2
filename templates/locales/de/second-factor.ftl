# second-factor
