"""Target groups: the delimited groups of unemployed people that framework tenders are for."""
